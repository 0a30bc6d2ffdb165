// Production worker entry: configured by environment variables only (see README).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { connect, databaseUrlFromEnv } from '../db/connection.js';
import { migrateDatabase } from '../db/migrate.js';
import { installTemporalLogging } from '../runtime/logging.js';
import { ensureSearchAttributes } from '../runtime/temporal-server.js';
import { ensureCloseSchedules } from './close-schedules.js';
import { createWorker } from './create-worker.js';

installTemporalLogging();
const databaseUrl = databaseUrlFromEnv();
const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';

await migrateDatabase(databaseUrl);
await ensureSearchAttributes(address, namespace);
const database = connect(databaseUrl);
const connection = await NativeConnection.connect({ address });
const worker = await createWorker({ connection, namespace, database });
const scheduler = await Connection.connect({ address });
const scheduled = await ensureCloseSchedules(new Client({ connection: scheduler, namespace }), database.sql);
await scheduler.close();
console.log(`close schedules in place for ${scheduled.length} tenant(s)`);
console.log(`worker polling ${address} (${namespace})`);
// The SDK shuts the worker down gracefully on SIGINT/SIGTERM and run() then resolves.
await worker.run();
await connection.close();
await database.close();
