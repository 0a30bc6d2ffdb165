import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { type Activities, createActivities } from '../activities/index.js';
import type { Connection } from '../db/connection.js';
import { TASK_QUEUE } from '../workflows/shared.js';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  database: Pick<Connection, 'sql'>;
  taskQueue?: string;
  /** A prebuilt workflow bundle (tests build it once); otherwise the worker bundles `workflows/`. */
  workflowBundleCode?: string;
  /** Tests wrap the real activities to inject faults; production never sets it. */
  activities?: Activities;
}

/** The one worker: every workflow of `workflows/` and every activity, on one task queue. */
export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: options.activities ?? createActivities(options.database),
    ...(options.workflowBundleCode
      ? { workflowBundle: { code: options.workflowBundleCode } }
      : { workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)) }),
  });
}
