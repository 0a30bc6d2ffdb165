// A worker process for the crash test: it computes one shard for real, says so, then hangs until
// the test kills it with SIGKILL, as a machine dying mid-generation would.
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { connect } from '../../db/connection.js';
import { installTemporalLogging } from '../../runtime/logging.js';
import { createWorker } from '../../worker/create-worker.js';

installTemporalLogging('ERROR');
const env = (name: string) => process.env[name] ?? (process.exit(2) as never);
const database = connect(env('DATABASE_URL'), { max: 2 });
const real = createActivities(database);
const worker = await createWorker({
  connection: await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') }),
  namespace: 'default',
  database,
  taskQueue: env('TASK_QUEUE'),
  activities: {
    ...real,
    computeShard: async (input) => {
      const { items } = await real.computeShard(input);
      console.log(`GENERATED ${items} items of shard ${input.shard.from}`);
      return new Promise<never>(() => {});
    },
  },
});
console.log('READY');
await worker.run();
