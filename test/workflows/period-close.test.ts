import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { CloseError } from '../../workflows/client.js';
import { actor, itemSnapshot, seedSeats, uniqueTenantId, waitForStage } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const temporal = await temporalForTests(database);
const { closes } = temporal;
const tenantId = uniqueTenantId('close');
await seedSeats(sql, tenantId);
const fiona = await actor(sql, tenantId, 'fiona@msp', 'finance');
const oliver = await actor(sql, tenantId, 'oliver@msp', 'operator');
const admin = await actor(sql, tenantId, 'admin@msp', 'admin');
process.env.EXPORT_DIR = `/tmp/monthend-exports-${tenantId}`;

const january = { tenantId, periodEnd: '2026-01-31' };
const february = { tenantId, periodEnd: '2026-02-28' };
const march = { tenantId, periodEnd: '2026-03-31' };

afterAll(async () => {
  // Runs left waiting for approval would outlive the file on the shared server.
  for await (const run of temporal.client.workflow.list({
    query: `MonthendTenant = '${tenantId}' AND ExecutionStatus = 'Running'`,
  })) {
    await temporal.client.workflow.getHandle(run.workflowId).terminate('test file finished');
  }
});

const withWorker = <T>(body: () => Promise<T>) => temporal.withWorker(database, body);

describe('periodClose on the real dev server', () => {
  it('computes, waits for approval, locks and exports (happy path)', async () => {
    const final = await withWorker(async () => {
      await closes.start(january);
      const waiting = await waitForStage(closes, january, 'awaiting_approval');
      expect(waiting.totals).toEqual({ items: 3, billableItems: 3, total: '83.00' });
      const [period] = await sql`select status from periods where id = ${waiting.periodId ?? 0}`;
      expect(period?.status).toBe('awaiting_approval');
      await closes.approve(january, fiona, 'checked against last month');
      return closes.result(january);
    });

    expect(final.stage).toBe('exported');
    expect(final.events.map((event) => [event.by, event.action])).toEqual([['fiona@msp', 'approved']]);
    const [period] =
      await sql`select status, approved_by, revision from periods where id = ${final.periodId ?? 0}`;
    expect(period).toEqual({ status: 'exported', approved_by: 'fiona@msp', revision: 1 });
    const exports =
      await sql`select format::text, path, sha256, bytes from exports where period_id = ${final.periodId ?? 0} order by 1`;
    expect(exports.map((row) => row.format)).toEqual(['csv', 'xlsx']);
    for (const file of exports) {
      const content = await readFile(file.path);
      expect(content.length).toBe(file.bytes);
      expect(createHash('sha256').update(content).digest('hex')).toBe(file.sha256);
    }
    const csv = (await readFile(exports[0]?.path)).toString().trim().split('\r\n');
    expect(csv).toHaveLength(4);
    const audit =
      await sql`select actor, action from audit_log where subject = ${`period:${final.periodId}`} order by id`;
    expect(audit.map((row) => `${row.actor} ${row.action}`)).toEqual([
      'monthend notification.awaiting_approval',
      'fiona@msp period.approved',
      'monthend notification.exported',
    ]);
  });

  it('refuses decisions its validators reject, then rejects, reprocesses and approves', async () => {
    await withWorker(async () => {
      const started = await closes.start(february);
      // A second start for the same period returns the same run.
      expect(await closes.start(february)).toEqual(started);
      await waitForStage(closes, february, 'awaiting_approval');

      await expect(closes.reject(february, fiona, '  ')).rejects.toThrow(
        new CloseError('conflict', 'a rejection needs a reason'),
      );

      const rejected = await closes.reject(february, fiona, 'u3 left in January');
      expect(rejected.events.at(-1)).toMatchObject({
        by: 'fiona@msp',
        action: 'rejected',
        detail: 'u3 left in January',
      });
      await waitForStage(closes, february, 'rejected');
      await expect(closes.approve(february, fiona)).rejects.toThrow('cannot approve while rejected');
      const [open] =
        await sql`select status, rejected_reason from periods where tenant_id = ${tenantId} and end_date = '2026-02-28'`;
      expect(open).toEqual({ status: 'open', rejected_reason: 'u3 left in January' });

      await ingest(sql, tenantId, [
        { kind: 'user.deleted', occurredAt: '2026-01-31T12:00:00Z', customer: 'c1', user: 'u3' },
      ]);
      await closes.reprocess(february, oliver, 'u3 removal ingested');
      const again = await waitForStage(closes, february, 'awaiting_approval');
      // u1 and u2 for the whole of February; u3's deletion on 31 Jan arrived after January was
      // approved, so February credits January's last day: -31.00 x 1/31.
      expect(again.totals).toEqual({ items: 3, billableItems: 3, total: '61.00' });
      const credit = await sql`
        select i.active_from::text, i.active_to::text, i.quantity::text, i.amount::text, a.end_date::text as adjusts
        from items i join periods a on a.id = i.adjusts_period_id where i.period_id = ${again.periodId ?? 0}`;
      expect(credit).toEqual([
        {
          active_from: '2026-01-31',
          active_to: '2026-02-01',
          quantity: '-1.0000',
          amount: '-1.0000',
          adjusts: '2026-01-31',
        },
      ]);
      await closes.approve(february, fiona);
      const final = await closes.result(february);
      expect(final.events.map((event) => event.action)).toEqual(['rejected', 'reprocess', 'approved']);
    });
    const runs = [];
    for await (const run of temporal.client.workflow.list({
      query: `WorkflowId = 'close:${tenantId}:2026-02-28'`,
    }))
      runs.push(run);
    expect(runs).toHaveLength(1);
  });

  it('reprocesses a rule edited while awaiting approval with the new totals', async () => {
    await withWorker(async () => {
      await closes.start(march);
      const before = await waitForStage(closes, march, 'awaiting_approval');
      expect(before.totals?.total).toBe('62.00');
      // u2 is a test mailbox from 16 March: the last 16 days of March are not billed.
      await sql`insert into rules (tenant_id, name, from_date, user_pattern, created_by)
                values (${tenantId}, 'u2 is a test mailbox', '2026-03-16', 'u2@*', 'fiona@msp')`;
      await closes.reprocess(march, fiona, 'rule edited');
      const after = await waitForStage(closes, march, 'awaiting_approval');
      expect(after.shardsDone).toBe(after.shardsTotal);
      // 31.00 for u1, 31.00 x 15/31 = 15.00 for u2.
      expect(after.totals).toEqual({ items: 3, billableItems: 2, total: '46.00' });
      const items = await itemSnapshot(sql, after.periodId ?? 0);
      expect(
        items.map((item) => [item.user_name, item.active_from, item.active_to, item.amount, item.billable]),
      ).toEqual([
        ['u1@contoso.example', '2026-03-01', '2026-04-01', '31.0000', true],
        ['u2@contoso.example', '2026-03-01', '2026-03-16', '15.0000', true],
        ['u2@contoso.example', '2026-03-16', '2026-04-01', '0.0000', false],
      ]);
      await closes.approve(march, fiona);
      await closes.result(march);
    });
  });

  it('after a rule edit computes again only the customers the rule reaches; after a rejection, all', async () => {
    const other = uniqueTenantId('reach');
    await createTenant(sql, { id: other });
    await createSku(sql, other, {
      code: 'E3',
      vendor: 'Microsoft',
      price: '31.00',
      maps: [['plan', 'm365', null]],
    });
    await ingest(
      sql,
      other,
      ['c1', 'c2', 'c3'].flatMap((customer) => [
        {
          kind: 'customer.created',
          occurredAt: '2025-12-01T00:00:00Z',
          customer,
          name: customer.toUpperCase(),
        },
        { kind: 'plan.changed', occurredAt: '2025-12-01T00:00:00Z', customer, service: 'm365', plan: 'E3' },
      ]),
    );
    const ref = { tenantId: other, periodEnd: '2026-01-31' };
    await withWorker(async () => {
      const fiona = await actor(sql, other, 'fiona@msp', 'finance');
      await closes.start({ ...ref, itemsPerShard: 1 });
      const before = await waitForStage(closes, ref, 'awaiting_approval');
      expect([before.shardsTotal, before.totals?.total]).toEqual([3, '93.00']);

      // C2 goes live on 11 January: 21 of 31 days billed.
      const [rule] = await sql<{ id: number }[]>`
        insert into rules (tenant_id, name, to_date, customer_pattern, created_by)
        values (${other}, 'C2 goes live', '2026-01-10', 'C2', 'fiona@msp') returning id`;
      const criteria = { customer: null, customerPattern: 'C2', customerTag: null, userPattern: null };
      const version = {
        id: rule?.id ?? 0,
        criteria: { ...criteria, sku: null, vendor: null, service: null, kind: null },
      };
      await closes.reprocess(ref, fiona, 'rule edited', [version]);
      const after = await waitForStage(closes, ref, 'awaiting_approval');
      expect([after.shardsDone, after.shardsTotal, after.totals?.total]).toEqual([1, 1, '83.00']);

      await closes.reject(ref, fiona, 'C3 left');
      await waitForStage(closes, ref, 'rejected');
      await closes.reprocess(ref, fiona, 'rule edited', [version]);
      const whole = await waitForStage(closes, ref, 'awaiting_approval');
      expect([whole.shardsTotal, whole.totals?.total]).toEqual([3, '83.00']);
    });
  });

  it('reopens an approved period as a new revision and keeps the old one readable', async () => {
    const [first] =
      await sql`select id from periods where tenant_id = ${tenantId} and end_date = '2026-03-31'`;
    const firstItems = await itemSnapshot(sql, first?.id);
    // Arrives after March was approved: u1's seat was cancelled on 21 March.
    await ingest(sql, tenantId, [
      {
        kind: 'plan.changed',
        occurredAt: '2026-03-21T10:00:00Z',
        customer: 'c1',
        user: 'u1',
        service: 'm365',
        plan: null,
      },
    ]);
    await withWorker(async () => {
      await expect(closes.start(march)).rejects.toThrow(/already finished; reopen it/);
      await closes.reopen({ ...march, revision: 1 }, admin, 'u1 cancelled on 21 March');
      const reopened = await waitForStage(closes, { ...march, revision: 2 }, 'awaiting_approval');
      expect(reopened.revision).toBe(2);
      expect(reopened.events[0]).toMatchObject({
        by: 'admin@msp',
        action: 'reopened',
        detail: 'u1 cancelled on 21 March',
      });
      // u1 for 20 days (20.00) and u2 until its rule starts (15.00).
      expect(reopened.totals).toEqual({ items: 3, billableItems: 2, total: '35.00' });
      await closes.approve({ ...march, revision: 2 }, fiona);
      await closes.result({ ...march, revision: 2 });
    });
    const revisions = await sql`
      select revision, status, superseded_at is not null as superseded, reopened_by
      from periods where tenant_id = ${tenantId} and end_date = '2026-03-31' order by revision`;
    expect(revisions).toEqual([
      { revision: 1, status: 'exported', superseded: true, reopened_by: null },
      { revision: 2, status: 'exported', superseded: false, reopened_by: 'admin@msp' },
    ]);
    expect(await itemSnapshot(sql, first?.id)).toEqual(firstItems);
    const exports = await sql`
      select p.revision, count(*)::int as files from exports e join periods p on p.id = e.period_id
      where p.tenant_id = ${tenantId} and p.end_date = '2026-03-31' group by p.revision order by 1`;
    expect(exports).toEqual([
      { revision: 1, files: 2 },
      { revision: 2, files: 2 },
    ]);
    const [audit] =
      await sql`select actor, details from audit_log where action = 'period.reopened' and tenant_id = ${tenantId}`;
    expect(audit).toEqual({
      actor: 'admin@msp',
      details: { reason: 'u1 cancelled on 21 March', newRevision: 2 },
    });
  });

  it('reminds finance on durable timers while the approval waits', async () => {
    const april = { tenantId, periodEnd: '2026-04-30' };
    await withWorker(async () => {
      await closes.start({ ...april, remindAfter: '1 second', remindEvery: '1 second' });
      await waitForStage(closes, april, 'awaiting_approval');
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const progress = await closes.progress(april);
      const reminders = progress.events.filter((event) => event.action === 'reminder');
      expect(reminders.length).toBeGreaterThanOrEqual(2);
      const [sent] = await sql`
        select count(*)::int as n from audit_log
        where subject = ${`period:${progress.periodId ?? 0}`} and action = 'notification.approval_reminder'`;
      expect(sent?.n).toBe(reminders.length);
    });
  });
});
