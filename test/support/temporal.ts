import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { afterAll, inject } from 'vitest';
import type { Connection as DatabaseConnection } from '../../db/connection.js';
import { createWorker } from '../../worker/create-worker.js';

/**
 * A client and a worker factory on the run's shared dev server, with a task queue of this file's
 * own so files running side by side never take each other's tasks.
 */
export async function temporalForTests() {
  quietRuntime();
  const address = inject('temporalAddress');
  const taskQueue = `test-${randomUUID()}`;
  const clientConnection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  afterAll(async () => {
    await clientConnection.close();
    await workerConnection.close();
  });
  const client = new Client({ connection: clientConnection, namespace: 'default' });
  return {
    client,
    taskQueue,
    /** A real worker with every activity bound to `database`, running while `body` runs. */
    async withWorker<T>(
      database: Pick<DatabaseConnection, 'db' | 'sql'>,
      body: () => Promise<T>,
    ): Promise<T> {
      const worker = await createWorker({
        connection: workerConnection,
        namespace: 'default',
        database,
        taskQueue,
        workflowBundleCode: inject('workflowBundleCode'),
      });
      return worker.runUntil(body);
    },
  };
}

let runtimeInstalled = false;
/** Worker lifecycle chatter drowns test output; warnings and errors still show. */
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}
