import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, inject } from 'vitest';
import type { Activities } from '../../activities/index.js';
import type { Connection as DatabaseConnection } from '../../db/connection.js';
import { installTemporalLogging } from '../../runtime/logging.js';
import { createWorker } from '../../worker/create-worker.js';
import { PeriodCloses } from '../../workflows/client.js';

/**
 * A client and a worker factory on the run's shared dev server, with a task queue of this file's
 * own so files running side by side never take each other's tasks.
 */
export async function temporalForTests(database?: Pick<DatabaseConnection, 'sql'>) {
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
    address,
    /** Closes on this file's database (decisions are recorded there before the run hears of them). */
    get closes(): PeriodCloses {
      if (!database) throw new Error('temporalForTests(database) is needed to decide on closes');
      return new PeriodCloses(client, database.sql, { taskQueue });
    },
    /**
     * A real worker with every activity bound to `database` (or the given, wrapped activities),
     * running while `body` runs.
     */
    async withWorker<T>(
      database: Pick<DatabaseConnection, 'sql'>,
      body: () => Promise<T>,
      options: { activities?: Activities } = {},
    ): Promise<T> {
      const worker = await createWorker({
        ...options,
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
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  installTemporalLogging();
}
