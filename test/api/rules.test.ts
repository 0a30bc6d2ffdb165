import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPeriod } from '../../activities/open-period.js';
import { apiForTests } from '../support/api.js';
import { seedSeats, uniqueTenantId, waitForStage } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { approvePeriod, createSku, createTenant, generatePeriod } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const temporal = await temporalForTests(database);
const { closes } = temporal;
const api = apiForTests(database, temporal);
const tenantId = uniqueTenantId('rules');
const otherTenant = uniqueTenantId('rules-other');
const tokens = { admin: '', finance: '', operator: '', customer: '', other: '' };
const january = { tenantId, periodEnd: '2026-01-31' };

beforeAll(async () => {
  // c1 with E3 seats at 31.00: u1 and u2 all January, u3 from 11 January (83.00 in all).
  await seedSeats(sql, tenantId);
  await createTenant(sql, { id: otherTenant });
  await createSku(sql, otherTenant, { code: 'THEIRS', vendor: 'x', price: '1', maps: [] });
  const [c1] = await sql<{ id: number }[]>`select id from customers where tenant_id = ${tenantId}`;
  tokens.admin = await api.token(tenantId, 'admin', undefined, 'root');
  tokens.finance = await api.token(tenantId, 'finance', undefined, 'fiona@msp');
  tokens.operator = await api.token(tenantId, 'operator');
  tokens.customer = await api.token(tenantId, 'customer', c1?.id);
  tokens.other = await api.token(otherTenant, 'admin');
});

afterAll(async () => {
  // Runs left waiting for approval would outlive the file on the shared server.
  for await (const run of temporal.client.workflow.list({
    query: `MonthendTenant = '${tenantId}' AND ExecutionStatus = 'Running'`,
  })) {
    await temporal.client.workflow.getHandle(run.workflowId).terminate('test file finished');
  }
});

const isoInstant = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
const noCriteria = {
  customer: null,
  customerPattern: null,
  customerTag: null,
  userPattern: null,
  sku: null,
  vendor: null,
  service: null,
  kind: null,
};

describe('rule validation and roles', () => {
  it('names every field that is wrong', async () => {
    const cases: [Record<string, unknown>, { field: string; reason: string }[]][] = [
      [
        { name: 'nothing', criteria: {} },
        [{ field: 'criteria', reason: 'at least one criterion is required' }],
      ],
      [
        { name: 'backwards', from: '2026-03-10', to: '2026-03-09', criteria: { vendor: 'Microsoft' } },
        [{ field: 'to', reason: 'must not be before from' }],
      ],
      [
        { name: 'bad', from: '2026-02-30', criteria: { kind: 'seat', colour: 'red' } },
        [
          { field: 'from', reason: 'not a calendar date' },
          {
            field: 'criteria.kind',
            reason: 'Invalid option: expected one of "plan"|"instance"|"application"|"domain"|"usage"',
          },
          { field: 'criteria.colour', reason: 'unknown field' },
        ],
      ],
      [
        { name: 'who', criteria: { customer: 'nobody' } },
        [{ field: 'criteria.customer', reason: "no customer 'nobody'" }],
      ],
      [{ name: 'what', criteria: { sku: 'THEIRS' } }, [{ field: 'criteria.sku', reason: "no SKU 'THEIRS'" }]],
    ];
    for (const [body, errors] of cases) {
      const response = await api.call('POST', '/v1/rules', tokens.admin, body);
      expect(response.status).toBe(400);
      expect(response.json.errors).toEqual(errors);
    }
    expect(await sql`select id from rules`).toEqual([]);
  });

  it('lets admin and finance write, staff read, and nobody else', async () => {
    const operator = await api.call('POST', '/v1/rules', tokens.operator, {
      name: 'x',
      criteria: { vendor: 'y' },
    });
    expect(operator.status).toBe(403);
    expect(operator.json.detail).toBe('the operator role may not POST /v1/rules');
    expect((await api.call('GET', '/v1/rules', tokens.operator)).status).toBe(200);
    expect((await api.call('GET', '/v1/rules', tokens.customer)).status).toBe(403);
  });
});

describe('rules without reprocessing', () => {
  it('creates, edits (criteria merged, null removes) and ends a rule, audited', async () => {
    const created = await api.call('POST', '/v1/rules', tokens.finance, {
      name: 'Demo customers',
      from: '2026-02-01',
      criteria: { customerPattern: 'Demo*', customer: 'c1' },
    });
    expect(created.status).toBe(201);
    const id = created.json.rule.id;
    expect(created.json).toEqual({
      rule: {
        id,
        name: 'Demo customers',
        from: '2026-02-01',
        to: null,
        criteria: { ...noCriteria, customer: 'c1', customerPattern: 'Demo*' },
        createdBy: 'fiona@msp',
        createdAt: isoInstant,
        updatedBy: null,
        updatedAt: null,
      },
      reprocessed: [],
      notReprocessed: [],
    });

    const edited = await api.call('PATCH', `/v1/rules/${id}`, tokens.admin, {
      name: 'Demo and test customers',
      criteria: { customer: null, customerTag: 'test' },
    });
    expect(edited.status).toBe(200);
    expect(edited.json.rule).toMatchObject({
      name: 'Demo and test customers',
      criteria: { ...noCriteria, customerPattern: 'Demo*', customerTag: 'test' },
      updatedBy: 'root',
      updatedAt: isoInstant,
    });
    const emptied = await api.call('PATCH', `/v1/rules/${id}`, tokens.admin, {
      criteria: { customerPattern: null, customerTag: null },
    });
    expect(emptied.status).toBe(400);
    expect(emptied.json.errors).toEqual([
      { field: 'criteria', reason: 'at least one criterion is required' },
    ]);
    const backwards = await api.call('PATCH', `/v1/rules/${id}`, tokens.admin, { to: '2026-01-31' });
    expect(backwards.json.errors).toEqual([{ field: 'to', reason: 'must not be before from' }]);

    const tooEarly = await api.call('POST', `/v1/rules/${id}/end`, tokens.admin, { on: '2026-01-15' });
    expect(tooEarly.status).toBe(400);
    expect(tooEarly.json.errors).toEqual([
      { field: 'on', reason: "must not be before the rule's from (2026-02-01)" },
    ]);
    const ended = await api.call('POST', `/v1/rules/${id}/end`, tokens.finance, { on: '2026-06-30' });
    expect(ended.status).toBe(200);
    expect(ended.json.rule).toMatchObject({ from: '2026-02-01', to: '2026-06-30', updatedBy: 'fiona@msp' });

    const listed = await api.call('GET', '/v1/rules', tokens.operator);
    expect(listed.json.rules).toEqual([ended.json.rule]);
    const audit = await sql`
      select actor, action, subject from audit_log where tenant_id = ${tenantId} and action like 'rule.%' order by id`;
    expect(audit.map((row) => `${row.actor} ${row.action} ${row.subject}`)).toEqual([
      `fiona@msp rule.created rule:${id}`,
      `root rule.updated rule:${id}`,
      `fiona@msp rule.ended rule:${id}`,
    ]);
    const [endedAudit] = await sql`
      select details - 'requestId' as details from audit_log where action = 'rule.ended' and tenant_id = ${tenantId}`;
    expect(endedAudit?.details).toEqual({ on: '2026-06-30', previousTo: null });
    await sql`delete from rules where id = ${id}`;
  });

  it("answers 404 for another tenant's rule", async () => {
    const [rule] = await sql<{ id: number }[]>`
      insert into rules (tenant_id, name, vendor, created_by) values (${otherTenant}, 'theirs', 'x', 'test') returning id`;
    const patched = await api.call('PATCH', `/v1/rules/${rule?.id}`, tokens.admin, { name: 'mine now' });
    expect(patched.status).toBe(404);
    expect(patched.json.detail).toBe(`no rule ${rule?.id}`);
    expect(
      (await api.call('POST', `/v1/rules/${rule?.id}/end`, tokens.admin, { on: '2026-01-01' })).status,
    ).toBe(404);
    expect((await api.call('GET', '/v1/rules', tokens.admin)).json.rules).toEqual([]);
  });
});

describe('rules with ?reprocess=true', () => {
  it('reprocesses the period awaiting approval and reports the runs that refuse', async () => {
    // December 2025 is computed and approved (never touched again); March 2026 is open without a run.
    const december = await generatePeriod(sql, tenantId, '2025-12-15');
    await approvePeriod(sql, december.periodId);
    await openPeriod(sql, { tenantId, date: '2026-03-15' });

    await temporal.withWorker(database, async () => {
      await closes.start(january);
      const before = await waitForStage(closes, january, 'awaiting_approval');
      expect(before.totals).toEqual({ items: 3, billableItems: 3, total: '83.00' });

      const created = await api.call('POST', '/v1/rules?reprocess=true', tokens.finance, {
        name: 'u3 is a test mailbox',
        criteria: { userPattern: 'u3@*' },
      });
      expect(created.status).toBe(201);
      const id = created.json.rule.id;
      expect(created.json.reprocessed).toEqual([{ periodEnd: '2026-01-31', revision: 1 }]);
      expect(created.json.notReprocessed).toEqual([
        { periodEnd: '2026-03-31', revision: 1, reason: `no close run close:${tenantId}:2026-03-31` },
      ]);
      const after = await waitForStage(closes, january, 'awaiting_approval');
      expect(after.totals).toEqual({ items: 3, billableItems: 2, total: '62.00' });
      expect(after.events.at(-1)).toMatchObject({
        by: 'fiona@msp',
        action: 'reprocess',
        detail: `rule ${id} edited`,
      });

      // From 21 January only: u3 is billed 11..20 January, 10 days of 31.
      const edited = await api.call('PATCH', `/v1/rules/${id}?reprocess=true`, tokens.admin, {
        from: '2026-01-21',
      });
      expect(edited.status).toBe(200);
      expect(edited.json.reprocessed).toEqual([{ periodEnd: '2026-01-31', revision: 1 }]);
      const again = await waitForStage(closes, january, 'awaiting_approval');
      expect(again.totals).toEqual({ items: 4, billableItems: 3, total: '72.00' });

      // The range it had still touched March, so March is reported again.
      const ended = await api.call('POST', `/v1/rules/${id}/end?reprocess=true`, tokens.admin, {
        on: '2026-01-25',
      });
      expect(ended.json.reprocessed).toEqual([{ periodEnd: '2026-01-31', revision: 1 }]);
      expect(ended.json.notReprocessed).toEqual([
        { periodEnd: '2026-03-31', revision: 1, reason: `no close run close:${tenantId}:2026-03-31` },
      ]);
      // Without the flag nothing is reprocessed.
      const quiet = await api.call('PATCH', `/v1/rules/${id}`, tokens.admin, { name: 'u3 tests' });
      expect(quiet.json).toMatchObject({ reprocessed: [], notReprocessed: [] });
      const last = await waitForStage(closes, january, 'awaiting_approval');
      // u3 billed 11..20 and 26..31 January: 16 days of 31.
      expect(last.totals).toEqual({ items: 5, billableItems: 4, total: '78.00' });
    });
  });
});
