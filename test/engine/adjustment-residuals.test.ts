import { describe, expect, it } from 'vitest';
import { reprocessRules } from '../../activities/run-stages.js';
import { periodsUnderWay } from '../../db/views/rules.js';
import { freshDatabase } from '../support/database.js';
import {
  approvePeriod,
  createSku,
  createTenant,
  generatePeriod,
  ingest,
  itemLines,
  type SkuSpec,
} from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// Issue 11, point 5: money bugs of adjustments (billing.md, "The change log": a late entry is billed
// in the next open period as an adjustment pointing back to the period it belongs to), one scenario each.
const at = '2025-12-01T00:00:00Z';
const january = 'adjusts 2026-01-01..2026-01-31';
const seat = (customer: string, user: string, occurredAt: string, plan: string | null = 'E3') => ({
  kind: 'plan.changed',
  occurredAt,
  customer,
  user,
  service: 'm365',
  plan,
});
const user = (customer: string, ref: string, occurredAt = at) => ({
  kind: 'user.created',
  occurredAt,
  customer,
  user: ref,
  name: `${ref}@${customer}`,
});
const e3: SkuSpec = { code: 'E3', vendor: 'Microsoft', price: '31.00', maps: [['plan', 'm365', 'E3']] };

describe('a vendor discount counts the services held in the period, not its adjustments', () => {
  it('bills February E3 without the discount a January VISIO credit would have reached', async () => {
    const tenantId = 'discount-held';
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, e3);
    await createSku(sql, tenantId, {
      code: 'VISIO',
      vendor: 'Microsoft',
      price: '15.50',
      maps: [['plan', 'visio', null]],
    });
    await sql`insert into vendor_discounts (tenant_id, vendor, min_services, percent)
              values (${tenantId}, 'Microsoft', 2, 10)`;
    await ingest(sql, tenantId, [
      { kind: 'customer.created', occurredAt: at, customer: 'acme', name: 'Acme' },
      user('acme', 'u1'),
      user('acme', 'u2'),
      seat('acme', 'u1', at),
      { ...seat('acme', 'u2', at, 'P2'), service: 'visio' },
    ]);
    // January: two Microsoft SKUs, 10% off both: 27.90 + 13.95.
    const jan = await generatePeriod(sql, tenantId, '2026-01-01');
    expect(jan.totals.total).toBe('41.85');
    await approvePeriod(sql, jan.periodId);
    // Late: u2's VISIO ended on 21 Jan. February credits 21..31 Jan (11 days) at January's price and
    // discount, -15.50 x 11/31 x 90% = -4.95, and holds E3 alone: one service, no discount, 31.00.
    await ingest(sql, tenantId, [{ ...seat('acme', 'u2', '2026-01-21T09:00:00Z', null), service: 'visio' }]);
    const feb = await generatePeriod(sql, tenantId, '2026-02-01');
    expect(await itemLines(sql, feb.periodId)).toEqual([
      'acme | u1@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      `acme | u2@acme | VISIO | 2026-01-21..2026-02-01 | 11/31 | -1 x 15.5 = -4.95 | discount 10%, ${january}`,
    ]);
    expect(feb.totals.total).toBe('26.05');
  });
});

describe('an adjustment is priced as the adjusted period charged, after its customer moved', () => {
  it("credits e1's seat at the 25.00 the reseller's volume band charged in January", async () => {
    const tenantId = 'moved';
    await createTenant(sql, { id: tenantId });
    // Volume: 31.00 a seat, 25.00 each from the third.
    await createSku(sql, tenantId, { ...e3, scheme: 'volume', tiers: [[3, '25.00']] });
    await ingest(sql, tenantId, [
      {
        kind: 'customer.created',
        occurredAt: at,
        customer: 'res',
        name: 'Res',
        resellerBilling: 'aggregate',
      },
      {
        kind: 'customer.created',
        occurredAt: at,
        customer: 'end1',
        name: 'End1',
        parent: 'res',
        relationship: 'via',
      },
      ...['r1', 'r2'].flatMap((ref) => [user('res', ref), seat('res', ref, at)]),
      user('end1', 'e1'),
      seat('end1', 'e1', at),
    ]);
    // January: res is invoiced for 3 seats, 25.00 each.
    const jan = await generatePeriod(sql, tenantId, '2026-01-01');
    expect(jan.totals.total).toBe('75.00');
    await approvePeriod(sql, jan.periodId);
    // end1 then leaves the reseller and pays for itself (the tree as the period's end reads it; a
    // customer.updated entry will do this once the change log carries tree changes).
    await sql`update customers set relationship = 'direct', parent_id = null
              where tenant_id = ${tenantId} and ref = 'end1'`;
    // Late: e1's seat ended on 21 Jan. The credit returns what January charged for 21..31 Jan:
    // -25.00 x 11/31 = -8.87, not the -11.00 of end1's own single seat at 31.00.
    await ingest(sql, tenantId, [seat('end1', 'e1', '2026-01-21T09:00:00Z', null)]);
    const feb = await generatePeriod(sql, tenantId, '2026-02-01');
    expect(await itemLines(sql, feb.periodId)).toEqual([
      `end1 | e1@end1 | E3 | 2026-01-21..2026-02-01 | 11/31 | -1 x 25 = -8.87 | ${january}`,
      'res | r1@res | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'res | r2@res | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
    ]);
  });
});

describe('a rule edit reprocesses the open periods whose adjustments it reaches', () => {
  it('reprocesses February for a rule over January days that February bills', async () => {
    const tenantId = 'rule-reach';
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, e3);
    await ingest(sql, tenantId, [
      { kind: 'customer.created', occurredAt: at, customer: 'acme', name: 'Acme' },
      user('acme', 'u1'),
      seat('acme', 'u1', at),
    ]);
    const jan = await generatePeriod(sql, tenantId, '2026-01-01');
    await approvePeriod(sql, jan.periodId);
    // Late: u2's seat from 20 Jan, charged in February for 20..31 Jan: 31.00 x 12/31 = 12.00.
    await ingest(sql, tenantId, [
      user('acme', 'u2', '2026-01-20T10:00:00Z'),
      seat('acme', 'u2', '2026-01-20T10:00:00Z'),
    ]);
    const feb = await generatePeriod(sql, tenantId, '2026-02-01');
    expect(feb.totals.total).toBe('74.00');

    // A trial for u2 until 25 Jan: February's dates are untouched, its adjustment's are not.
    const [rule] = await sql<{ id: number }[]>`
      insert into rules (tenant_id, name, from_date, to_date, user_pattern, created_by)
      values (${tenantId}, 'u2 trial', '2026-01-01', '2026-01-25', 'u2*', 'finance@msp') returning id`;
    expect(await periodsUnderWay(sql, tenantId, [{ from: '2026-01-01', to: '2026-01-25' }])).toEqual([
      { periodEnd: '2026-02-28', revision: 1 },
    ]);
    // A range no item of February lies in reaches nothing: an adjustment's last day is 31 Jan.
    expect(await periodsUnderWay(sql, tenantId, [{ from: '2025-12-01', to: '2025-12-31' }])).toEqual([]);
    expect(await periodsUnderWay(sql, tenantId, [{ from: '2026-02-01', to: null }])).toEqual([
      { periodEnd: '2026-02-28', revision: 1 },
    ]);

    const criteria = {
      customer: null,
      customerPattern: null,
      customerTag: null,
      userPattern: 'u2*',
      sku: null,
      vendor: null,
      service: null,
      kind: null,
    };
    const totals = await reprocessRules(sql, feb.periodId, [{ id: rule?.id ?? 0, criteria }]);
    // 20..25 Jan (6 days) excluded, 26..31 Jan (6 days) charged: 31.00 x 6/31 = 6.00.
    expect(await itemLines(sql, feb.periodId)).toEqual([
      'acme | u1@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      `acme | u2@acme | E3 | 2026-01-20..2026-01-26 | 6/31 | 1 x 31 = 0.00 | not billable: u2 trial, ${january}`,
      `acme | u2@acme | E3 | 2026-01-26..2026-02-01 | 6/31 | 1 x 31 = 6.00 | ${january}`,
    ]);
    expect(totals.total).toBe('68.00');
  });
});

describe('two open periods never both adjust the same late entry', () => {
  it('bills a January late seat once, in February, though March was opened first', async () => {
    const tenantId = 'open-order';
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, e3);
    await ingest(sql, tenantId, [
      { kind: 'customer.created', occurredAt: at, customer: 'acme', name: 'Acme' },
      user('acme', 'u1'),
      seat('acme', 'u1', at),
    ]);
    const jan = await generatePeriod(sql, tenantId, '2026-01-01');
    await approvePeriod(sql, jan.periodId);
    await ingest(sql, tenantId, [
      user('acme', 'u2', '2026-01-20T10:00:00Z'),
      seat('acme', 'u2', '2026-01-20T10:00:00Z'),
    ]);

    // A March preview before February is opened: February, not yet approved, will bill January's news.
    const marchLines = [
      'acme | u1@acme | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
    ];
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    expect(await itemLines(sql, march.periodId)).toEqual(marchLines);
    const feb = await generatePeriod(sql, tenantId, '2026-02-01');
    expect(await itemLines(sql, feb.periodId)).toEqual([
      'acme | u1@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      `acme | u2@acme | E3 | 2026-01-20..2026-02-01 | 12/31 | 1 x 31 = 12.00 | ${january}`,
    ]);
    // February approved, March computed again: the seat was billed once, so nothing is left to adjust.
    await approvePeriod(sql, feb.periodId);
    await generatePeriod(sql, tenantId, '2026-03-01');
    expect(await itemLines(sql, march.periodId)).toEqual(marchLines);
  });
});
