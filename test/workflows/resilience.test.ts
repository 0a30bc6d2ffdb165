import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { itemSnapshot, seedSeats, uniqueTenantId, waitForStage } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const temporal = await temporalForTests(database);
const { closes } = temporal;
const [faulty, crashed, twin] = [uniqueTenantId('faulty'), uniqueTenantId('crashed'), uniqueTenantId('twin')];

/** The same book for every tenant: seats plus three more customers, so small shards make several. */
async function seed(tenantId: string) {
  await seedSeats(sql, tenantId);
  for (const customer of ['c2', 'c3', 'c4']) {
    await ingest(sql, tenantId, [
      {
        kind: 'customer.created',
        occurredAt: '2025-12-01T00:00:00Z',
        customer,
        name: `Customer ${customer}`,
      },
      {
        kind: 'plan.changed',
        occurredAt: '2026-01-05T08:00:00Z',
        customer,
        service: 'm365',
        plan: 'E3',
        quantity: 5,
      },
    ]);
  }
}
for (const tenantId of [faulty, crashed, twin]) await seed(tenantId);

const january = (tenantId: string) => ({ tenantId, periodEnd: '2026-01-31', itemsPerShard: 2 });

afterAll(async () => {
  for await (const run of temporal.client.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
    if ([faulty, crashed, twin].some((tenant) => run.workflowId.includes(tenant))) {
      await temporal.client.workflow.getHandle(run.workflowId).terminate('test file finished');
    }
  }
});

async function undisturbed() {
  const progress = await temporal.withWorker(database, async () => {
    await closes.start(january(twin));
    return waitForStage(closes, january(twin), 'awaiting_approval');
  });
  return { progress, items: await itemSnapshot(sql, progress.periodId ?? 0) };
}

describe('a close survives failures with identical results', () => {
  it('retries an injected transient failure after a committed stage', async () => {
    const expected = await undisturbed();
    // January: 83.00 of seats, and 3 x 5 seats x 31.00 x 27/31 = 405.00.
    expect(expected.progress.totals?.total).toBe('488.00');
    expect(expected.progress.shardsTotal).toBeGreaterThan(1);

    const real = createActivities(database);
    let failures = 0;
    const progress = await temporal.withWorker(
      database,
      async () => {
        await closes.start(january(faulty));
        return waitForStage(closes, january(faulty), 'awaiting_approval');
      },
      {
        activities: {
          ...real,
          // The stage commits, then the connection "drops" before Temporal hears of it.
          computeShard: async (input) => {
            const computed = await real.computeShard(input);
            if (failures++ === 0) throw new Error('connection reset by peer (injected)');
            return computed;
          },
        },
      },
    );
    expect(failures).toBe(expected.progress.shardsTotal + 1);
    expect(progress.totals).toEqual(expected.progress.totals);
    expect(await itemSnapshot(sql, progress.periodId ?? 0)).toEqual(expected.items);
  });

  it('finishes on a new worker after the first one is killed mid-generation', {
    timeout: 120_000,
  }, async () => {
    const expected = await undisturbed();
    const doomed = spawn(process.execPath, ['--import', 'tsx', 'test/support/doomed-worker.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporal.address,
        TASK_QUEUE: temporal.taskQueue,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await lineFrom(doomed, 'READY');
      await closes.start(january(crashed));
      await lineFrom(doomed, 'GENERATED');
    } finally {
      doomed.kill('SIGKILL');
    }
    const [written] = await sql`
      select count(*)::int as items from items i join periods p on p.id = i.period_id where p.tenant_id = ${crashed}`;
    expect(written?.items).toBeGreaterThan(0);

    // The activity left running on the dead worker times out on its heartbeat and is retried here.
    const progress = await temporal.withWorker(database, () =>
      waitForStage(closes, january(crashed), 'awaiting_approval', 100_000),
    );
    expect(progress.totals).toEqual(expected.progress.totals);
    expect(await itemSnapshot(sql, progress.periodId ?? 0)).toEqual(expected.items);
  });
});

function lineFrom(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error('no stdout'));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith(prefix)) {
        lines.removeAllListeners('line');
        resolve(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before '${prefix}'`)));
  });
}
