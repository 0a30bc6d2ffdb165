import { beforeAll, describe, expect, it } from 'vitest';
import { instantToLocalDate } from '../../billing/index.js';
import { closeWorkflowId } from '../../workflows/client.js';
import { apiForTests } from '../support/api.js';
import { seedSeats, uniqueTenantId, waitForStage } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const temporal = await temporalForTests(database);
const api = apiForTests(database, temporal);
const tenantId = uniqueTenantId('periods');
const tokens = { admin: '', finance: '', operator: '', customer: '' };
const january = { tenantId, periodEnd: '2026-01-31' };

beforeAll(async () => {
  await seedSeats(sql, tenantId);
  const [contoso] = await sql`select id from customers where tenant_id = ${tenantId} and ref = 'c1'`;
  tokens.admin = await api.token(tenantId, 'admin', undefined, 'alice (admin)');
  tokens.finance = await api.token(tenantId, 'finance', undefined, 'fiona (finance)');
  tokens.operator = await api.token(tenantId, 'operator', undefined, 'oscar (operator)');
  tokens.customer = await api.token(tenantId, 'customer', contoso?.id, 'contoso');
});

describe('/v1/periods run control', () => {
  it('closes, reports live progress, refuses out-of-turn decisions, and approves', async () => {
    await temporal.withWorker(database, async () => {
      expect((await api.call('GET', '/v1/periods/2026-01-15', tokens.operator)).status).toBe(404);
      expect((await api.call('POST', '/v1/periods/2026-01-15/close', tokens.finance)).status).toBe(403);

      // Any date of the period names it; the run's id uses the period end.
      const started = await api.call('POST', '/v1/periods/2026-01-15/close', tokens.operator, {
        remindAfter: '2 days',
      });
      expect(started.status).toBe(202);
      expect(started.json.workflowId).toBe(`close:${tenantId}:2026-01-31`);
      await waitForStage(temporal.closes, january, 'awaiting_approval');

      const got = await api.call('GET', '/v1/periods/2026-01-31', tokens.finance);
      expect(got.status).toBe(200);
      expect(got.json.period).toMatchObject({
        startDate: '2026-01-01',
        endDate: '2026-01-31',
        revision: 1,
        status: 'awaiting_approval',
      });
      expect(got.json.progress).toMatchObject({
        stage: 'awaiting_approval',
        totals: { items: 3, billableItems: 3, total: '83.00' },
      });
      const seenByCustomer = await api.call('GET', '/v1/periods/2026-01-31', tokens.customer);
      expect(seenByCustomer.json.progress).toEqual({
        stage: 'awaiting_approval',
        revision: 1,
        preview: false,
        shardsDone: 1,
        shardsTotal: 1,
        events: [],
      });

      expect((await api.call('POST', '/v1/periods/2026-01-31/approve', tokens.operator)).status).toBe(403);
      const noReason = await api.call('POST', '/v1/periods/2026-01-31/reject', tokens.finance, {
        reason: ' ',
      });
      expect(noReason.status).toBe(400);
      expect(noReason.json.errors).toEqual([{ field: 'reason', reason: 'a reason is required' }]);
      const unknownField = await api.call('POST', '/v1/periods/2026-01-31/approve', tokens.finance, {
        approver: 'x',
      });
      expect(unknownField.status).toBe(400);

      const reprocessed = await api.call('POST', '/v1/periods/2026-01-31/reprocess', tokens.operator, {
        reason: 'double-check',
      });
      expect(reprocessed.status).toBe(200);
      expect(reprocessed.json.progress.events.at(-1)).toMatchObject({
        by: 'oscar (operator)',
        action: 'reprocess',
        detail: 'double-check',
      });
      await waitForStage(temporal.closes, january, 'awaiting_approval');

      const approved = await api.call('POST', '/v1/periods/2026-01-31/approve', tokens.finance, {
        note: 'ok',
      });
      expect(approved.status).toBe(200);
      expect(approved.json.progress.events.at(-1)).toMatchObject({
        by: 'fiona (finance)',
        action: 'approved',
        detail: 'ok',
      });
      const twice = await api.call('POST', '/v1/periods/2026-01-31/approve', tokens.finance);
      expect(twice.status).toBe(409);
      expect(twice.json.detail).toMatch(
        /^cannot approve while (locking|exporting|exported)$|workflow execution already completed/,
      );
      await temporal.closes.result(january);
    });
    const [period] =
      await sql`select status, approved_by from periods where tenant_id = ${tenantId} and revision = 1`;
    expect(period).toEqual({ status: 'exported', approved_by: 'fiona (finance)' });
    const audit =
      await sql`select actor, action from audit_log where tenant_id = ${tenantId} and action like 'period.%' order by id`;
    expect(audit.map((row) => `${row.actor}: ${row.action}`)).toEqual([
      'oscar (operator): period.close',
      'oscar (operator): period.reprocess',
      'fiona (finance): period.approved',
    ]);
  });

  it('reopens only for admins, with a reason, as a new revision', async () => {
    await temporal.withWorker(database, async () => {
      expect(
        (await api.call('POST', '/v1/periods/2026-01-31/reopen', tokens.finance, { reason: 'x' })).status,
      ).toBe(403);
      expect((await api.call('POST', '/v1/periods/2026-01-31/reopen', tokens.admin, {})).status).toBe(400);
      const again = await api.call('POST', '/v1/periods/2026-01-31/close', tokens.operator);
      expect(again.status).toBe(409);
      expect(again.json.detail).toContain('already finished; reopen it');
      const reopened = await api.call('POST', '/v1/periods/2026-01-31/reopen', tokens.admin, {
        reason: 'credit note',
      });
      expect(reopened.status).toBe(202);
      expect(reopened.json.workflowId).toBe(`close:${tenantId}:2026-01-31:r2`);
      await waitForStage(temporal.closes, { ...january, revision: 2 }, 'awaiting_approval');
    });
    const listed = await api.call('GET', '/v1/periods', tokens.finance);
    expect(
      listed.json.periods.map((p: { revision: number; status: string; superseded: boolean }) => [
        p.revision,
        p.status,
        p.superseded,
      ]),
    ).toEqual([
      [2, 'awaiting_approval', false],
      [1, 'exported', true],
    ]);
  });

  it('previews the period under way, refuses its approval, a reopen before approval and periods ahead', async () => {
    const [tenant] = await sql<{ timeZone: string }[]>`
      select time_zone as "timeZone" from tenants where id = ${tenantId}`;
    const today = instantToLocalDate(new Date(), tenant?.timeZone ?? 'UTC');
    const [year, monthNumber] = today.split('-').map(Number) as [number, number];
    const end = new Date(Date.UTC(year, monthNumber, 0)).toISOString().slice(0, 10);
    const nextMonth = new Date(Date.UTC(year, monthNumber, 1)).toISOString().slice(0, 10);
    const current = { tenantId, periodEnd: end };
    await temporal.withWorker(database, async () => {
      const garbage = await api.call('POST', `/v1/periods/${today}/close`, tokens.operator, {
        remindAfter: 'garbage',
      });
      expect(garbage.status).toBe(400);
      expect(garbage.json.errors).toEqual([
        { field: 'remindAfter', reason: "a positive duration like '3 days' or '12 hours'" },
      ]);
      // ms() throws on '' (a 500 the fuzzer found): the documented pattern refuses it first.
      const empty = await api.call('POST', `/v1/periods/${today}/close`, tokens.operator, {
        remindEvery: '',
      });
      expect(empty.status).toBe(400);
      expect(empty.json.errors).toEqual([
        { field: 'remindEvery', reason: "a positive duration like '3 days' or '12 hours'" },
      ]);

      const ahead = await api.call('POST', `/v1/periods/${nextMonth}/close`, tokens.operator);
      expect(ahead.status).toBe(409);
      expect(ahead.json.detail).toMatch(
        new RegExp(
          `^the period ${nextMonth}\\.\\.[0-9-]+ has not started \\(today is ${today} in .+\\): only ended periods and the current one, as a preview, can be closed$`,
        ),
      );

      expect((await api.call('POST', `/v1/periods/${today}/close`, tokens.operator)).status).toBe(202);
      await waitForStage(temporal.closes, current, 'awaiting_approval');
      const got = await api.call('GET', `/v1/periods/${today}`, tokens.finance);
      expect([got.json.period.preview, got.json.progress.preview]).toEqual([true, true]);

      const approve = await api.call('POST', `/v1/periods/${today}/approve`, tokens.finance);
      expect(approve.status).toBe(409);
      expect(approve.json.detail).toMatch(
        new RegExp(
          `^the period ends on ${end} \\(.+\\): its preview can be approved only once the end has passed$`,
        ),
      );
      const reopen = await api.call('POST', `/v1/periods/${today}/reopen`, tokens.admin, { reason: 'x' });
      expect(reopen.status).toBe(409);
      expect(reopen.json.detail).toBe(
        'only an approved or exported period can be reopened; revision 1 is awaiting_approval',
      );
      const after = await api.call('GET', `/v1/periods/${today}`, tokens.finance);
      expect([after.json.period.status, after.json.progress.events]).toEqual(['awaiting_approval', []]);
    });
    await temporal.client.workflow.getHandle(closeWorkflowId(current)).terminate('test finished');
  });
});
