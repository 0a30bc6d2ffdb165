import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowFailedError, type WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { CloseError, closeWorkflowId } from '../../workflows/client.js';
import { approveUpdate } from '../../workflows/period-close.js';
import { actor, seedSeats, uniqueTenantId, waitForStage } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';

/** The close's control points: forged messages, legal moves, messages kept, notifications. */
const database = await freshDatabase();
const { sql } = database;
const temporal = await temporalForTests(database);
const { closes, client } = temporal;
const tenantId = uniqueTenantId('lifecycle');
await seedSeats(sql, tenantId);
const fiona = await actor(sql, tenantId, 'fiona@msp', 'finance');
const admin = await actor(sql, tenantId, 'admin@msp', 'admin');
process.env.EXPORT_DIR = `/tmp/monthend-exports-${tenantId}`;
const real = createActivities(database);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const month = (periodEnd: string) => ({ tenantId, periodEnd });

afterAll(async () => {
  for await (const run of client.workflow.list({
    query: `MonthendTenant = '${tenantId}' AND ExecutionStatus = 'Running'`,
  })) {
    await client.workflow.getHandle(run.workflowId).terminate('test file finished');
  }
});

async function auditOf(periodId: number | undefined) {
  const rows = await sql<{ actor: string; action: string }[]>`
    select actor, action from audit_log where subject = ${`period:${periodId ?? 0}`} order by id`;
  return rows.map((row) => `${row.actor} ${row.action}`);
}

describe('a decision counts only when the API recorded it', () => {
  it('refuses updates sent straight to Temporal and leaves the period awaiting approval', async () => {
    const january = month('2026-01-31');
    await temporal.withWorker(database, async () => {
      await closes.start(january);
      const waiting = await waitForStage(closes, january, 'awaiting_approval');
      const handle = client.workflow.getHandle(closeWorkflowId(january));
      const forge = (update: typeof approveUpdate, payload: unknown) =>
        handle.executeUpdate(update, { args: [payload as never] }).then(
          () => 'accepted',
          (error: WorkflowUpdateFailedError) =>
            (error.cause?.cause as Error | undefined)?.message ?? error.cause?.message,
        );
      // What `temporal workflow update execute --name approve --input '{"by":"mallory"}'` sends.
      expect(await forge(approveUpdate, { by: 'mallory' })).toBe(
        'a decision id recorded by the Monthend API is required',
      );
      expect(await forge(approveUpdate, { decisionId: 999_999 })).toBe(
        'decision 999999 refused (approve of period ' +
          `${waiting.periodId}): no such unconsumed decision of this period`,
      );
      // A real decision, but a rejection: it cannot be replayed as an approval.
      const [rejection] = await sql<{ id: number }[]>`
        insert into decisions (tenant_id, period_id, period_end, revision, action, actor, token_id, reason)
        values (${tenantId}, ${waiting.periodId ?? 0}, '2026-01-31', 1, 'reject', 'fiona@msp', ${fiona.tokenId}, 'x')
        returning id`;
      expect(await forge(approveUpdate, { decisionId: rejection?.id })).toMatch(/^decision \d+ refused/);
      // Decided with a customer's token, whose role may not approve: refused.
      const [customerToken] = await sql<{ id: number }[]>`
        insert into api_tokens (tenant_id, name, role, customer_id, secret_hash, created_by)
        select ${tenantId}, 'contoso', 'customer', id, 'not-a-secret', 'test' from customers
        where tenant_id = ${tenantId} and ref = 'c1' returning id`;
      const [byCustomer] = await sql<{ id: number }[]>`
        insert into decisions (tenant_id, period_id, period_end, revision, action, actor, token_id)
        values (${tenantId}, ${waiting.periodId ?? 0}, '2026-01-31', 1, 'approve', 'contoso', ${customerToken?.id ?? 0})
        returning id`;
      expect(await forge(approveUpdate, { decisionId: byCustomer?.id })).toMatch(/^decision \d+ refused/);

      const still = await closes.progress(january);
      expect([still.stage, still.events]).toEqual(['awaiting_approval', []]);
      const [period] = await sql`select status, approved_by from periods where id = ${waiting.periodId ?? 0}`;
      expect(period).toEqual({ status: 'awaiting_approval', approved_by: null });
      expect(await auditOf(waiting.periodId)).toEqual(['monthend notification.awaiting_approval']);

      // The decision made through the client is consumed once; replaying its id is refused.
      await closes.approve(january, fiona, 'ok');
      const [consumed] = await sql<{ id: number; consumed_by: string }[]>`
        select id, consumed_by from decisions where period_id = ${waiting.periodId ?? 0} and action = 'approve'
          and consumed_at is not null`;
      expect(consumed?.consumed_by).toBe(`${closeWorkflowId(january)}/decision-${consumed?.id}`);
      const final = await closes.result(january);
      expect(final.events.map((event) => [event.by, event.action, event.detail])).toEqual([
        ['fiona@msp', 'approved', 'ok'],
      ]);
    });
  });

  it('refuses a second decision while one is pending', async () => {
    const february = month('2026-02-28');
    const slowCheck = {
      ...real,
      consumeDecision: async (input: Parameters<typeof real.consumeDecision>[0]) => {
        await sleep(1_000);
        return real.consumeDecision(input);
      },
    };
    await temporal.withWorker(
      database,
      async () => {
        await closes.start(february);
        await waitForStage(closes, february, 'awaiting_approval');
        const first = closes.reject(february, fiona, 'u3 is wrong');
        await sleep(300);
        await expect(closes.approve(february, fiona)).rejects.toThrow(
          new CloseError('conflict', 'cannot approve: another decision (reject) is pending'),
        );
        const rejected = await first;
        expect(rejected.events.map((event) => event.action)).toEqual(['rejected']);
        await waitForStage(closes, february, 'rejected');
        const unconsumed = await sql`
          select action::text from decisions d join periods p on p.id = d.period_id
          where p.tenant_id = ${tenantId} and p.end_date = '2026-02-28' and d.consumed_at is null`;
        expect(unconsumed).toEqual([{ action: 'approve' }]);
      },
      { activities: slowCheck },
    );
  });

  it('keeps a decision accepted just before continue-as-new', async () => {
    const march = month('2026-03-31');
    const slowCheck = {
      ...real,
      consumeDecision: async (input: Parameters<typeof real.consumeDecision>[0]) => {
        await sleep(1_500);
        return real.consumeDecision(input);
      },
    };
    const final = await temporal.withWorker(
      database,
      async () => {
        // Every reminder continues as new; the approval is being checked while the next one fires.
        await closes.start({ ...march, remindAfter: '1 second', remindEvery: '1 second', historyLimit: 1 });
        await waitForStage(closes, march, 'awaiting_approval');
        await closes.approve(march, fiona, 'ok');
        return closes.result(march);
      },
      { activities: slowCheck },
    );
    expect(final.stage).toBe('exported');
    expect(final.events.filter((event) => event.action === 'approved')).toHaveLength(1);
    const runs: string[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${closeWorkflowId(march)}'` }))
      runs.push(run.status.name);
    expect(runs.filter((status) => status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
    expect(runs.filter((status) => status === 'COMPLETED')).toEqual(['COMPLETED']);
    // Each close event is written once, keyed on its deterministic id.
    const written = await sql<{ id: string }[]>`
      select details->>'eventId' as id from audit_log
      where subject = ${`period:${final.periodId}`} and action like 'period.%' order by id`;
    expect(written.map((row) => row.id).sort()).toEqual(
      final.events
        .filter((event) => event.action !== 'reminder')
        .map((event) => event.id)
        .sort(),
    );
  });

  it('fails fast on a reminder duration ms() cannot read, and that close can be started again', async () => {
    const april = month('2026-04-30');
    await temporal.withWorker(database, async () => {
      await closes.start({ ...april, remindAfter: 'garbage' });
      const failure = await closes.result(april).catch((error: WorkflowFailedError) => error);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause?.message).toBe(
        "remindAfter must be a positive duration like '3 days', not 'garbage'",
      );
      // A failed run never blocks the next legal move: the same close starts again.
      await closes.start(april);
      await waitForStage(closes, april, 'awaiting_approval');
    });
  });
});

describe('legal moves, none fatal', () => {
  it('restarts a close that failed', async () => {
    const may = month('2026-05-31');
    let failures = 0;
    const failingOnce = {
      ...real,
      computeShard: async (input: Parameters<typeof real.computeShard>[0]) => {
        if (failures++ === 0) throw ApplicationFailure.nonRetryable('a bad deploy', 'BadData');
        return real.computeShard(input);
      },
    };
    await temporal.withWorker(
      database,
      async () => {
        await closes.start(may);
        await expect(closes.result(may)).rejects.toThrow(WorkflowFailedError);
        await closes.start(may);
        const again = await waitForStage(closes, may, 'awaiting_approval');
        expect(again.totals?.total).toBe('93.00');
      },
      { activities: failingOnce },
    );
  });

  it('reopens again after a failed reopen, only once approved', async () => {
    const june = month('2026-06-30');
    let reopenFailures = 0;
    const failingReopen = {
      ...real,
      openPeriod: async (input: Parameters<typeof real.openPeriod>[0]) => {
        if (input.reopen && reopenFailures++ === 0)
          throw ApplicationFailure.nonRetryable('a bad deploy', 'BadData');
        return real.openPeriod(input);
      },
    };
    await temporal.withWorker(
      database,
      async () => {
        await closes.start(june);
        await waitForStage(closes, june, 'awaiting_approval');
        await expect(closes.reopen({ ...june, revision: 1 }, admin, 'too early')).rejects.toThrow(
          new CloseError(
            'conflict',
            'only an approved or exported period can be reopened; revision 1 is awaiting_approval',
          ),
        );
        await closes.approve(june, fiona);
        await closes.result(june);
        await closes.reopen({ ...june, revision: 1 }, admin, 'late seat');
        await expect(closes.result({ ...june, revision: 2 })).rejects.toThrow(WorkflowFailedError);
        await closes.reopen({ ...june, revision: 1 }, admin, 'late seat, again');
        const reopened = await waitForStage(closes, { ...june, revision: 2 }, 'awaiting_approval');
        expect(reopened.events.map((event) => [event.by, event.action, event.detail])).toEqual([
          ['admin@msp', 'reopened', 'late seat, again'],
        ]);
      },
      { activities: failingReopen },
    );
    const reopens = await sql`
      select d.reason, d.consumed_at is not null as consumed from decisions d join periods p on p.id = d.period_id
      where p.tenant_id = ${tenantId} and p.end_date = '2026-06-30' and d.action = 'reopen' order by d.id`;
    // The refused reopen was never recorded; the failed one was never consumed.
    expect(reopens).toEqual([
      { reason: 'late seat', consumed: false },
      { reason: 'late seat, again', consumed: true },
    ]);
  });

  it('computes a period before its end as a preview, refuses its approval, and computes it again at the end', async () => {
    const july = month('2026-07-31');
    // The period "ends" three seconds after it is opened: the clock is the workflow's own.
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
        await closes.start(july);
        const preview = await waitForStage(closes, july, 'awaiting_approval');
        expect(preview.preview).toBe(true);
        await expect(closes.approve(july, fiona)).rejects.toThrow(
          new CloseError(
            'conflict',
            `the period ends at ${preview.endsAt}: a preview cannot be approved; it is computed again once the end has passed`,
          ),
        );
        await sleep(3_500);
        const final = await waitForStage(closes, july, 'awaiting_approval');
        expect(final.preview).toBe(false);
        expect(final.events.map((event) => [event.by, event.action, event.detail])).toEqual([
          ['monthend', 'reprocess', 'the period has ended: computed again'],
        ]);
        await closes.approve(july, fiona);
        await closes.result(july);
      },
      { activities: endingSoon },
    );
  });
});

describe('notifications', () => {
  it('retries a dead webhook three times, records the failure and still exports', async () => {
    const august = month('2026-08-31');
    const received: string[] = [];
    const webhook = createServer((request, response) => {
      received.push(String(request.headers['idempotency-key']));
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    process.env.MONTHEND_NOTIFY_WEBHOOK = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/`;
    try {
      const final = await temporal.withWorker(database, async () => {
        await closes.start(august);
        await waitForStage(closes, august, 'awaiting_approval');
        await closes.approve(august, fiona);
        return closes.result(august);
      });
      expect(final.stage).toBe('exported');
      // Two notifications (awaiting approval, exported), each tried three times with one key.
      expect(received).toHaveLength(6);
      expect(new Set(received).size).toBe(2);
      expect(await auditOf(final.periodId)).toEqual(
        expect.arrayContaining([
          'monthend notification.awaiting_approval',
          'fiona@msp period.approved',
          'monthend notification.exported',
          'monthend period.notification_failed',
          'monthend period.notification_failed',
        ]),
      );
      expect(await auditOf(final.periodId)).toHaveLength(5);
    } finally {
      delete process.env.MONTHEND_NOTIFY_WEBHOOK;
      webhook.close();
    }
  });
});
