import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import { approvePeriod, createSku, createTenant, generatePeriod, ingest } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Generating a period": every element active at the period's start gets an item
// starting at the period start (carried_over); the first period replays the whole log up to its
// start. A small book closed and approved month by month through 2025.
const tenantId = 'year';

interface Month {
  month: string;
  total: string;
  items: number;
  carriedOver: number;
}
const closed: Month[] = [];

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, mode: 'calendar' });
  await createSku(sql, tenantId, {
    code: 'SEAT',
    vendor: 'Microsoft',
    price: '30.00',
    maps: [['plan', 'm365', null]],
  });
  await createSku(sql, tenantId, {
    code: 'VM',
    vendor: 'Azure',
    price: '62.00',
    maps: [['instance', 'iaas', null]],
  });
  for (const [code, price] of [
    ['BK', '10.00'],
    ['BK-PLUS', '20.00'],
  ] as const) {
    const maps: [['plan', string, string]] = [['plan', 'backup', code]];
    await createSku(sql, tenantId, { code, vendor: 'Veeam', price, proration: 'full', maps });
  }
  await createSku(sql, tenantId, {
    code: 'SMS',
    vendor: 'Twilio',
    price: '0.05',
    model: 'usage',
    maps: [['usage', 'sms', null]],
  });
  const c = { customer: 'acme' };
  const seat = (user: string, occurredAt: string, plan: string | null) => ({
    kind: 'plan.changed',
    occurredAt,
    ...c,
    user,
    service: 'm365',
    plan,
  });
  const sms = (occurredAt: string, quantity: string) => ({
    kind: 'usage.recorded',
    occurredAt,
    ...c,
    service: 'sms',
    product: 'text',
    quantity,
  });
  const vm = (occurredAt: string, added: boolean) => ({
    kind: added ? 'instance.added' : 'instance.removed',
    occurredAt,
    ...c,
    service: 'iaas',
    instance: 'vm-1',
    ...(added ? { product: 'd2s' } : {}),
  });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2024-12-01T00:00:00Z', ...c, name: 'Acme' },
    ...['u1', 'u2', 'u3'].map((user) => ({
      kind: 'user.created',
      occurredAt: '2024-12-01T00:00:00Z',
      ...c,
      user,
      name: `${user}@acme`,
    })),
    seat('u1', '2024-12-01T00:00:00Z', 'E3'),
    { kind: 'plan.changed', occurredAt: '2024-12-01T00:00:00Z', ...c, service: 'backup', plan: 'BK' },
    sms('2025-02-14T10:00:00Z', '100'),
    seat('u2', '2025-03-16T10:00:00Z', 'E3'),
    vm('2025-06-01T00:00:00Z', true),
    { kind: 'plan.changed', occurredAt: '2025-07-20T00:00:00Z', ...c, service: 'backup', plan: 'BK-PLUS' },
    seat('u2', '2025-09-10T00:00:00Z', null),
    sms('2025-10-05T10:00:00Z', '333'),
    vm('2025-11-15T00:00:00Z', false),
    seat('u3', '2025-12-24T00:00:00Z', 'E3'),
  ]);
  for (let month = 1; month <= 12; month++) {
    const date = `2025-${String(month).padStart(2, '0')}-01`;
    const period = await generatePeriod(sql, tenantId, date);
    const [carried] = await sql`
      select count(*)::int as n from items where period_id = ${period.periodId} and carried_over`;
    closed.push({
      month: date.slice(0, 7),
      total: period.totals.total,
      items: period.totals.items,
      carriedOver: carried?.n,
    });
    await approvePeriod(sql, period.periodId);
  }
});

describe('twelve months of carry-over through 2025', () => {
  it('bills each month exactly as computed by hand', () => {
    // SEAT 30.00 daily, VM 62.00 daily, BK 10.00 and BK-PLUS 20.00 full, SMS 0.05 a unit.
    //   Jan  u1 30 + BK 10                                              =  40.00
    //   Feb  u1 30 + BK 10 + 100 SMS x 0.05 = 5.00                      =  45.00
    //   Mar  u1 30 + BK 10 + u2 16..31 Mar 30 x 16/31 = 15.483870 -> 15.48  =  55.48
    //   Apr  u1 30 + u2 30 + BK 10                                      =  70.00
    //   May  same as April                                              =  70.00
    //   Jun  u1 30 + u2 30 + BK 10 + VM from 1 Jun 62                   = 132.00
    //   Jul  u1 30 + u2 30 + VM 62 + BK 10 (1..19 Jul, full) + BK-PLUS 20 (full) = 152.00
    //   Aug  u1 30 + u2 30 + VM 62 + BK-PLUS 20                         = 142.00
    //   Sep  u1 30 + u2 1..9 Sep 30 x 9/30 = 9.00 + VM 62 + BK-PLUS 20  = 121.00
    //   Oct  u1 30 + VM 62 + BK-PLUS 20 + 333 SMS x 0.05 = 16.65        = 128.65
    //   Nov  u1 30 + VM 1..14 Nov 62 x 14/30 = 28.933333 -> 28.93 + BK-PLUS 20 = 78.93
    //   Dec  u1 30 + BK-PLUS 20 + u3 24..31 Dec 30 x 8/31 = 7.741935 -> 7.74  =  57.74
    // Carried over: whatever was active at the month's start (SMS never; VM from 1 Jun 00:00 is
    // new in June; BK-PLUS new in July; u3 new in December).
    expect(closed).toEqual([
      { month: '2025-01', total: '40.00', items: 2, carriedOver: 2 },
      { month: '2025-02', total: '45.00', items: 3, carriedOver: 2 },
      { month: '2025-03', total: '55.48', items: 3, carriedOver: 2 },
      { month: '2025-04', total: '70.00', items: 3, carriedOver: 3 },
      { month: '2025-05', total: '70.00', items: 3, carriedOver: 3 },
      { month: '2025-06', total: '132.00', items: 4, carriedOver: 3 },
      { month: '2025-07', total: '152.00', items: 5, carriedOver: 4 },
      { month: '2025-08', total: '142.00', items: 4, carriedOver: 4 },
      { month: '2025-09', total: '121.00', items: 4, carriedOver: 4 },
      { month: '2025-10', total: '128.65', items: 4, carriedOver: 3 },
      { month: '2025-11', total: '78.93', items: 3, carriedOver: 3 },
      { month: '2025-12', total: '57.74', items: 3, carriedOver: 2 },
    ]);
  });

  it('carries over into every month after the first, starting each carried item on the 1st', async () => {
    const carried = await sql`
      select to_char(p.start_date, 'YYYY-MM') as month, bool_and(i.active_from = p.start_date) as from_start
      from items i join periods p on p.id = i.period_id
      where p.tenant_id = ${tenantId} and i.carried_over group by 1 order by 1`;
    expect(carried.map((row) => row.month)).toEqual(closed.map((month) => month.month));
    expect(carried.every((row) => row.from_start)).toBe(true);
  });

  it('makes no adjustment when nothing arrives late, and the year adds up to its months', async () => {
    const [year] = await sql`
      select count(*) filter (where i.adjusts_period_id is not null)::int as adjustments, sum(i.amount)::text as total
      from items i join periods p on p.id = i.period_id where p.tenant_id = ${tenantId}`;
    // 40.00 + 45.00 + 55.48 + 70.00 + 70.00 + 132.00 + 152.00 + 142.00 + 121.00 + 128.65 + 78.93 + 57.74
    expect(year).toEqual({ adjustments: 0, total: '1092.8000' });
  });
});
