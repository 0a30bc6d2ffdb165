// One worker process for `npm run chaos`: the real worker and activities on the chaos task queue,
// with the workflow bundle built once by the orchestrator, so a restart after SIGKILL takes seconds.
import { readFile } from 'node:fs/promises';
import { NativeConnection } from '@temporalio/worker';
import { connect } from '../db/connection.js';
import { installTemporalLogging } from '../runtime/logging.js';
import { createWorker } from '../worker/create-worker.js';

installTemporalLogging('ERROR');
const env = (name: string) => process.env[name] ?? (process.exit(2) as never);
const database = connect(env('DATABASE_URL'), { max: 6 });
const worker = await createWorker({
  connection: await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') }),
  namespace: 'default',
  database,
  taskQueue: env('TASK_QUEUE'),
  workflowBundleCode: await readFile(env('BUNDLE_PATH'), 'utf8'),
});
console.log('READY');
await worker.run();
await database.close();
