import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest, itemLines } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Billing periods": fixed_day D ends on day D of each month (D = 25: 26 Jan .. 25 Feb).
// Days are local dates in the tenant's zone: Amsterdam is UTC+1 in winter, so local midnight of
// 26 Jan is 25 Jan 23:00 UTC, and 23:30 UTC on 25 Feb is already 26 Feb.
const tenantId = 'amsterdam';
const seat = (user: string, occurredAt: string, plan: string | null = 'E3') => ({
  kind: 'plan.changed',
  occurredAt,
  customer: 'acme',
  user,
  service: 'm365',
  plan,
});

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, timeZone: 'Europe/Amsterdam', mode: 'fixed_day', day: 25 });
  // 31.00 a period: in a 31-day period one day is exactly 1.00.
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  await createSku(sql, tenantId, {
    code: 'AVD',
    vendor: 'Microsoft',
    price: '40.00',
    proration: 'full',
    maps: [['application', 'avd', null]],
  });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2025-12-01T00:00:00Z', customer: 'acme', name: 'Acme BV' },
    ...['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank'].map((user) => ({
      kind: 'user.created',
      occurredAt: '2025-12-01T00:00:00Z',
      customer: 'acme',
      user,
      name: `${user}@acme.example`,
    })),
    seat('alice', '2025-12-15T00:00:00Z'),
    seat('carol', '2025-12-15T00:00:00Z'),
    // 22:30 UTC on 25 Jan is 23:30 local: still 25 Jan, the previous period.
    seat('frank', '2026-01-25T22:30:00Z'),
    // 23:30 UTC on 25 Jan is 00:30 on 26 Jan locally: the first day of this period.
    seat('erin', '2026-01-25T23:30:00Z'),
    // 23:30 UTC on 31 Jan is 1 Feb locally.
    seat('carol', '2026-01-31T23:30:00Z', null),
    seat('bob', '2026-02-10T09:00:00Z'),
    {
      kind: 'application.added',
      occurredAt: '2026-02-20T10:00:00Z',
      customer: 'acme',
      user: 'bob',
      service: 'avd',
      product: 'desktop',
      application: 'avd-bob',
    },
    // 23:30 UTC on 25 Feb is 26 Feb locally: alice's removal and dave's start belong to the next period.
    seat('alice', '2026-02-25T23:30:00Z', null),
    seat('dave', '2026-02-25T23:30:00Z'),
    seat('bob', '2026-03-08T12:00:00Z', null),
    // Summer time from 29 March: local midnight of 26 April is 22:00 UTC on 25 April.
    seat('hank', '2026-04-25T21:30:00Z'),
    seat('gina', '2026-04-25T22:30:00Z'),
  ]);
});

describe('a fixed_day 25 period in Europe/Amsterdam is 26 Jan .. 25 Feb in local dates', () => {
  it('starts and ends at local midnight, 31 days long', async () => {
    const period = await generatePeriod(sql, tenantId, '2026-02-10');
    const [row] = await sql`
      select start_date::text, end_date::text, starts_at, ends_at, mode from periods where id = ${period.periodId}`;
    expect(row).toEqual({
      start_date: '2026-01-26',
      end_date: '2026-02-25',
      starts_at: new Date('2026-01-25T23:00:00Z'),
      ends_at: new Date('2026-02-25T23:00:00Z'),
      mode: 'fixed_day',
    });
  });

  it('carries over what was active at its start and bills in-period changes for their local days', async () => {
    const period = await generatePeriod(sql, tenantId, '2026-01-26');
    // E3 is 31.00 per 31-day period, 1.00 a day:
    //   alice  carried, removed 26 Feb local (after the period): 31 days  31.00 x 31/31 = 31.00
    //   bob    added 10 Feb: 10 Feb .. 26 Feb                   16 days  31.00 x 16/31 = 16.00
    //   bob    AVD (full) added 20 Feb: any presence bills the whole price   40.00
    //   carol  carried, removed 1 Feb local (31 Jan 23:30 UTC):  6 days  31.00 x 6/31  =  6.00
    //   erin   added 26 Jan 00:30 local: not carried over      31 days  31.00
    //   frank  added 25 Jan 23:30 local: carried over          31 days  31.00
    //   dave   added 26 Feb 00:30 local: next period, no item here
    expect(await itemLines(sql, period.periodId)).toEqual([
      'acme | alice@acme.example | E3 | 2026-01-26..2026-02-26 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | bob@acme.example | AVD | 2026-02-20..2026-02-26 | 6/31 | 1 x 40 = 40.00',
      'acme | bob@acme.example | E3 | 2026-02-10..2026-02-26 | 16/31 | 1 x 31 = 16.00',
      'acme | carol@acme.example | E3 | 2026-01-26..2026-02-01 | 6/31 | 1 x 31 = 6.00 | carried over',
      'acme | erin@acme.example | E3 | 2026-01-26..2026-02-26 | 31/31 | 1 x 31 = 31.00',
      'acme | frank@acme.example | E3 | 2026-01-26..2026-02-26 | 31/31 | 1 x 31 = 31.00 | carried over',
    ]);
    // 31.00 + 40.00 + 16.00 + 6.00 + 31.00 + 31.00 = 155.00
    expect(period.totals).toEqual({ items: 6, billableItems: 6, total: '155.00' });
  });
});

describe('the next period, 26 Feb .. 25 Mar (28 days), takes over at local midnight', () => {
  it('bills from 26 Feb what started at 23:30 UTC on 25 Feb, and not what ended then', async () => {
    const period = await generatePeriod(sql, tenantId, '2026-03-25');
    expect([period.startDate, period.endDate]).toEqual(['2026-02-26', '2026-03-25']);
    // E3 is 31.00 per 28-day period:
    //   bob    carried, removed 8 Mar: 26 Feb .. 8 Mar  10 days  31.00 x 10/28 = 11.071428 -> 11.07
    //   bob    AVD carried (full)                               40.00
    //   dave   started 26 Feb 00:30 local, not carried  28 days  31.00
    //   erin, frank carried                             28 days  31.00 each
    //   alice  removed on the period's first local day: not in the period at all
    expect(await itemLines(sql, period.periodId)).toEqual([
      'acme | bob@acme.example | AVD | 2026-02-26..2026-03-26 | 28/28 | 1 x 40 = 40.00 | carried over',
      'acme | bob@acme.example | E3 | 2026-02-26..2026-03-08 | 10/28 | 1 x 31 = 11.07 | carried over',
      'acme | dave@acme.example | E3 | 2026-02-26..2026-03-26 | 28/28 | 1 x 31 = 31.00',
      'acme | erin@acme.example | E3 | 2026-02-26..2026-03-26 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | frank@acme.example | E3 | 2026-02-26..2026-03-26 | 28/28 | 1 x 31 = 31.00 | carried over',
    ]);
    // 40.00 + 11.07 + 31.00 x 3 = 144.07
    expect(period.totals).toEqual({ items: 5, billableItems: 5, total: '144.07' });
  });
});

describe('a period across the switch to summer time, 26 Mar .. 25 Apr', () => {
  it('ends at local midnight, 22:00 UTC, and bills by local dates', async () => {
    const period = await generatePeriod(sql, tenantId, '2026-04-01');
    const [row] = await sql`select starts_at, ends_at from periods where id = ${period.periodId}`;
    expect(row).toEqual({
      starts_at: new Date('2026-03-25T23:00:00Z'),
      ends_at: new Date('2026-04-25T22:00:00Z'),
    });
    // 31 days (6 in March, 25 in April), E3 31.00 a period:
    //   hank   added 21:30 UTC on 25 Apr = 23:30 local, 25 Apr: 1 day  31.00 x 1/31 = 1.00
    //   gina   added 22:30 UTC on 25 Apr = 00:30 local, 26 Apr: next period, no item here
    //   dave, erin, frank carried 31.00 each; bob's AVD carried, full 40.00
    expect(await itemLines(sql, period.periodId)).toEqual([
      'acme | bob@acme.example | AVD | 2026-03-26..2026-04-26 | 31/31 | 1 x 40 = 40.00 | carried over',
      'acme | dave@acme.example | E3 | 2026-03-26..2026-04-26 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | erin@acme.example | E3 | 2026-03-26..2026-04-26 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | frank@acme.example | E3 | 2026-03-26..2026-04-26 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | hank@acme.example | E3 | 2026-04-25..2026-04-26 | 1/31 | 1 x 31 = 1.00',
    ]);
    // 40.00 + 31.00 x 3 + 1.00 = 134.00
    expect(period.totals).toEqual({ items: 5, billableItems: 5, total: '134.00' });
  });
});
