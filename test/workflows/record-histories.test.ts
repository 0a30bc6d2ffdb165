// `npm run histories:record`: runs every shape of close on the real dev server and writes each run's
// event history to test/workflows/histories/, which replay.test.ts replays against the current code.
// Record again only when a change is meant to break old histories (see docs/period-close.md).
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { findTemporalCli } from '../../runtime/temporal-cli.js';
import { closeWorkflowId, type PeriodRef } from '../../workflows/client.js';
import { actor, seedSeats, uniqueTenantId, waitForStage } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';

const recording = process.env.MONTHEND_RECORD_HISTORIES === '1';
const directory = new URL('./histories/', import.meta.url);

describe.skipIf(!recording)('recorded close histories', async () => {
  const database = await freshDatabase();
  const { sql } = database;
  const temporal = await temporalForTests(database);
  const { closes, client } = temporal;
  const tenantId = uniqueTenantId('history');
  await seedSeats(sql, tenantId);
  const fiona = await actor(sql, tenantId, 'fiona@msp', 'finance');
  const admin = await actor(sql, tenantId, 'admin@msp', 'admin');
  process.env.EXPORT_DIR = `/tmp/monthend-exports-${tenantId}`;
  const real = createActivities(database);
  const cli = (await findTemporalCli()) ?? 'temporal';
  const month = (periodEnd: string) => ({ tenantId, periodEnd });
  afterAll(async () => {
    for await (const run of client.workflow.list({
      query: `MonthendTenant = '${tenantId}' AND ExecutionStatus = 'Running'`,
    }))
      await client.workflow.getHandle(run.workflowId).terminate('recording finished');
  });

  /** Writes every run of the close (continue-as-new makes several), oldest first. */
  async function save(shape: string, ref: PeriodRef) {
    await mkdir(directory, { recursive: true });
    const runs: string[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${closeWorkflowId(ref)}'` }))
      runs.push(run.runId);
    runs.reverse();
    for (const [index, runId] of runs.entries()) {
      // The CLI writes the proto JSON the replayer reads (the SDK's historyToJSON trips over two
      // copies of protobufjs in node_modules).
      const { stdout } = await promisify(execFile)(
        cli,
        ['workflow', 'show', '--workflow-id', closeWorkflowId(ref), '--run-id', runId, '--output', 'json'],
        { env: { ...process.env, TEMPORAL_ADDRESS: temporal.address }, maxBuffer: 64 * 1024 * 1024 },
      );
      const name = runs.length === 1 ? shape : `${shape}.run${index + 1}`;
      await writeFile(new URL(`${name}.json`, directory), `${JSON.stringify(JSON.parse(stdout), null, 1)}\n`);
    }
  }

  it('happy path, with a forged approval refused first', async () => {
    const january = month('2026-01-31');
    await temporal.withWorker(database, async () => {
      await closes.start(january);
      await waitForStage(closes, january, 'awaiting_approval');
      await client.workflow
        .getHandle(closeWorkflowId(january))
        .executeUpdate('approve', { args: [{ decisionId: 999_999 }] })
        .catch(() => undefined);
      await closes.approve(january, fiona, 'checked');
      await closes.result(january);
    });
    await save('happy-path', january);
  });

  it('reject, reprocess, approve', async () => {
    const february = month('2026-02-28');
    await temporal.withWorker(database, async () => {
      await closes.start(february);
      await waitForStage(closes, february, 'awaiting_approval');
      await closes.reject(february, fiona, 'u3 is wrong');
      await waitForStage(closes, february, 'rejected');
      await closes.reprocess(february, fiona, 'fixed');
      await waitForStage(closes, february, 'awaiting_approval');
      await closes.approve(february, fiona);
      await closes.result(february);
    });
    await save('reject-reprocess-approve', february);
  });

  it('rule-reach reprocess', async () => {
    const march = month('2026-03-31');
    await temporal.withWorker(database, async () => {
      await closes.start(march);
      await waitForStage(closes, march, 'awaiting_approval');
      const [rule] = await sql<{ id: number }[]>`
        insert into rules (tenant_id, name, from_date, user_pattern, created_by)
        values (${tenantId}, 'u2 is a test mailbox', '2026-03-16', 'u2@*', 'fiona@msp') returning id`;
      const criteria = { customer: null, customerPattern: null, customerTag: null, userPattern: 'u2@*' };
      await closes.reprocess(march, fiona, 'rule edited', [
        { id: rule?.id ?? 0, criteria: { ...criteria, sku: null, vendor: null, service: null, kind: null } },
      ]);
      await waitForStage(closes, march, 'awaiting_approval');
      await closes.approve(march, fiona);
      await closes.result(march);
    });
    await save('rule-reach-reprocess', march);
  });

  it('reminders through continue-as-new', async () => {
    const april = month('2026-04-30');
    await temporal.withWorker(database, async () => {
      await closes.start({ ...april, remindAfter: '1 second', remindEvery: '1 second', historyLimit: 1 });
      await waitForStage(closes, april, 'awaiting_approval');
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await closes.approve(april, fiona);
      await closes.result(april);
    });
    await save('reminders-continue-as-new', april);
  });

  it('reopen', async () => {
    const january = month('2026-01-31');
    await temporal.withWorker(database, async () => {
      await closes.reopen({ ...january, revision: 1 }, admin, 'late seat');
      await waitForStage(closes, { ...january, revision: 2 }, 'awaiting_approval');
      await closes.approve({ ...january, revision: 2 }, fiona);
      await closes.result({ ...january, revision: 2 });
    });
    await save('reopen', { ...january, revision: 2 });
  });

  it('preview, then the close after the end', async () => {
    const may = month('2026-05-31');
    const endingSoon = {
      ...real,
      openPeriod: async (input: Parameters<typeof real.openPeriod>[0]) => ({
        ...(await real.openPeriod(input)),
        endsAt: new Date(Date.now() + 3_000).toISOString(),
      }),
    };
    await temporal.withWorker(
      database,
      async () => {
        await closes.start(may);
        await waitForStage(closes, may, 'awaiting_approval');
        await new Promise((resolve) => setTimeout(resolve, 3_500));
        const after = await waitForStage(closes, may, 'awaiting_approval');
        if (after.preview) throw new Error('the close after the end did not compute it again');
        await closes.approve(may, fiona);
        await closes.result(may);
      },
      { activities: endingSoon },
    );
    await save('preview-then-close', may);
  });
});
