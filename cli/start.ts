// `npm start`: the whole product on the embedded defaults, in one process tree.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { serveApi } from '../api/serve.js';
import { connect } from '../db/connection.js';
import { migrateDatabase } from '../db/migrate.js';
import { installTemporalLogging } from '../runtime/logging.js';
import { ensureDatabase, startPostgres } from '../runtime/postgres.js';
import { TemporalCliUnavailable } from '../runtime/temporal-cli.js';
import { startTemporal } from '../runtime/temporal-server.js';
import { ensureCloseSchedules } from '../worker/close-schedules.js';
import { createWorker } from '../worker/create-worker.js';
import { ensureConsoleBuilt } from './console-build.js';

installTemporalLogging();
// Before anything starts: a console build older than its sources would show yesterday's screens.
ensureConsoleBuilt();
const home = path.resolve(process.env.MONTHEND_HOME ?? '.monthend');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const postgres = await startPostgres({
  dataDir: path.join(home, 'pg'),
  port: port('MONTHEND_PG_PORT', 5433),
});
const temporal = await startTemporal({
  dbFilename: path.join(home, 'temporal.db'),
  port: port('MONTHEND_TEMPORAL_PORT', 7233),
  uiPort: port('MONTHEND_TEMPORAL_UI_PORT', 8233),
  ui: true,
}).catch(async (error) => {
  await postgres.stop();
  // One paragraph saying what to do, not a stack trace.
  if (!(error instanceof TemporalCliUnavailable)) throw error;
  console.error(error.message);
  process.exit(1);
});
const databaseUrl = process.env.DATABASE_URL ?? (await ensureDatabase(postgres.url, 'monthend'));
await migrateDatabase(databaseUrl);
const database = connect(databaseUrl);

const workerConnection = await NativeConnection.connect({ address: temporal.address });
const worker = await createWorker({ connection: workerConnection, namespace: temporal.namespace, database });
const workerRun = worker.run();
const scheduler = await Connection.connect({ address: temporal.address });
await ensureCloseSchedules(
  new Client({ connection: scheduler, namespace: temporal.namespace }),
  database.sql,
);
await scheduler.close();
// The console links each run to the Temporal UI: the API hands it this address in index.html.
if (temporal.uiUrl) process.env.MONTHEND_TEMPORAL_UI_URL ??= temporal.uiUrl;
const api = await serveApi({
  database,
  temporalAddress: temporal.address,
  namespace: temporal.namespace,
  port: port('PORT', 3000),
});

console.log(`
Monthend is up.
  Console      ${api.url}/   (sign in with a token from npm run token)
  API          ${api.url}   (GET ${api.url}/health)
  Temporal UI  ${temporal.uiUrl ?? '(external server: see its own UI)'}
  Temporal     ${temporal.address}, namespace ${temporal.namespace}
  Data         ${home}
First token:  npm run token -- --tenant <your-id> --role admin   (creates the tenant on a fresh install)
API docs     ${api.url}/docs   (OpenAPI 3.1 at ${api.url}/openapi.json)
Press Ctrl-C to stop.`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  await api.stop();
  // The SDK already shuts the worker down on SIGINT/SIGTERM; only ask when it has not.
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await workerRun;
  await workerConnection.close();
  await database.close();
  await temporal.stop();
  await postgres.stop();
  console.log('stopped cleanly');
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
