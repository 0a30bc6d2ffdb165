import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import {
  approvePeriod,
  createSku,
  createTenant,
  generatePeriod,
  ingest,
  itemLines,
  rollupLines,
} from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "The change log": an entry whose occurred_at falls in a period already approved is kept
// and billed in the next open period as an adjustment item that points back to the period it belongs
// to: nothing is lost, nothing in an approved period changes silently. "Period lifecycle": approval
// locks a period: its items and totals never change afterwards.
const tenantId = 'late';
const acme = { customer: 'acme' };
const seat = (user: string, occurredAt: string, plan: string | null = 'E3') => ({
  kind: 'plan.changed',
  occurredAt,
  ...acme,
  user,
  service: 'm365',
  plan,
});
/** A Citrix desktop (full SKU), for a user or for the customer as a whole. */
const desktop = (
  application: string,
  occurredAt: string,
  { user, removed = false }: { user?: string; removed?: boolean } = {},
) => ({
  kind: removed ? 'application.removed' : 'application.added',
  occurredAt,
  ...acme,
  ...(user ? { user } : {}),
  service: 'citrix',
  application,
  ...(removed ? {} : { product: 'workspace' }),
});

let january: Awaited<ReturnType<typeof generatePeriod>>;
let januaryBefore: { items: string[]; rollups: string[] };

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, mode: 'calendar' });
  await createSku(sql, tenantId, {
    code: 'SEAT',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', null]],
  });
  await createSku(sql, tenantId, {
    code: 'CTX',
    vendor: 'Citrix',
    price: '50.00',
    proration: 'full',
    maps: [['application', 'citrix', null]],
  });
  await createSku(sql, tenantId, {
    code: 'SMS',
    vendor: 'Twilio',
    price: '0.10',
    model: 'usage',
    maps: [['usage', 'sms', null]],
  });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2025-12-01T00:00:00Z', ...acme, name: 'Acme' },
    ...['u1', 'u2'].map((user) => ({
      kind: 'user.created',
      occurredAt: '2025-12-01T00:00:00Z',
      ...acme,
      user,
      name: `${user}@acme`,
    })),
    seat('u1', '2025-12-01T00:00:00Z'),
    seat('u2', '2025-12-01T00:00:00Z'),
    desktop('ctx-u2', '2025-12-01T00:00:00Z', { user: 'u2' }),
  ]);
  // January: u1 and u2 seats 31.00 each and u2's Citrix 50.00 = 112.00, approved.
  january = await generatePeriod(sql, tenantId, '2026-01-01');
  await approvePeriod(sql, january.periodId);
  januaryBefore = {
    items: await itemLines(sql, january.periodId),
    rollups: await rollupLines(sql, january.periodId),
  };

  // Then the late news about January arrives.
  await ingest(sql, tenantId, [
    { kind: 'user.created', occurredAt: '2026-01-20T10:00:00Z', ...acme, user: 'u3', name: 'u3@acme' },
    seat('u3', '2026-01-20T10:00:00Z'),
    seat('u2', '2026-01-25T12:00:00Z', null),
    desktop('ctx-u1', '2026-01-28T09:00:00Z', { user: 'u1' }),
    desktop('ctx-u2', '2026-01-10T09:00:00Z', { user: 'u2', removed: true }),
    {
      kind: 'usage.recorded',
      occurredAt: '2026-01-15T12:00:00Z',
      ...acme,
      user: 'u1',
      service: 'sms',
      product: 'text',
      quantity: '200',
    },
    // Two customer-level Citrix desktops from 12 Jan 08:00: a trial gone at 17:00, a demo kept.
    desktop('ctx-trial', '2026-01-12T08:00:00Z'),
    desktop('ctx-trial', '2026-01-12T17:00:00Z', { removed: true }),
    desktop('ctx-demo', '2026-01-12T08:00:00Z'),
  ]);
});

describe('a late entry after approval becomes an adjustment of the next open period', () => {
  it('keeps January approved with the same 112.00', () => {
    expect(january.totals).toEqual({ items: 3, billableItems: 3, total: '112.00' });
  });

  it('is kept in the log, pointing at the approved period it belongs to', async () => {
    const late = await sql`
      select kind::text, count(*)::int as entries from change_log
      where tenant_id = ${tenantId} and late_period_id = ${january.periodId} group by 1 order by 1`;
    expect(late).toEqual([
      { kind: 'application.added', entries: 3 },
      { kind: 'application.removed', entries: 2 },
      { kind: 'plan.changed', entries: 2 },
      { kind: 'usage.recorded', entries: 1 },
      { kind: 'user.created', entries: 1 },
    ]);
  });

  it('bills late adds as charges and late removals as credits in February, pointing back at January', async () => {
    const february = await generatePeriod(sql, tenantId, '2026-02-01');
    // February has 28 days, January 31; adjustments keep January's length. CTX is full, 50.00 whole.
    //   ctx-demo   carried into February                                               50.00
    //   ctx-trial  late, added and removed on 12 Jan: 0 days, but present in January    50.00
    //   ctx-demo   late add 12 Jan: absent from January's bill, now present              50.00
    //   u1 CTX     carried into February                                               50.00
    //   u1 CTX     late add 28 Jan: absent from January's bill, now present              50.00
    //   u1 SEAT    carried 28/28                                                       31.00
    //   u1 SMS     200 units on 15 Jan, late: 200 x 0.10                             = 20.00
    //   u2 SEAT    late removal 25 Jan, billed to 1 Feb: credit 25 Jan..1 Feb,
    //              -1 x 31.00 x 7/31                                                 = -7.00
    //   u3 SEAT    carried 28/28                                                       31.00
    //   u3 SEAT    late add 20 Jan: 20 Jan..1 Feb, 31.00 x 12/31                     = 12.00
    //   u2 CTX     late removal 10 Jan: still present in January, so no adjustment
    expect(await itemLines(sql, february.periodId)).toEqual([
      'acme | - | CTX | 2026-02-01..2026-03-01 | 28/28 | 1 x 50 = 50.00 | carried over',
      'acme | - | CTX | 2026-01-12..2026-01-12 | 0/31 | 1 x 50 = 50.00 | adjusts 2026-01-01..2026-01-31',
      'acme | - | CTX | 2026-01-12..2026-02-01 | 20/31 | 1 x 50 = 50.00 | adjusts 2026-01-01..2026-01-31',
      'acme | u1@acme | CTX | 2026-02-01..2026-03-01 | 28/28 | 1 x 50 = 50.00 | carried over',
      'acme | u1@acme | CTX | 2026-01-28..2026-02-01 | 4/31 | 1 x 50 = 50.00 | adjusts 2026-01-01..2026-01-31',
      'acme | u1@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | u1@acme | SMS | 2026-01-15..2026-01-15 | 0/31 | 200 x 0.1 = 20.00 | adjusts 2026-01-01..2026-01-31',
      'acme | u2@acme | SEAT | 2026-01-25..2026-02-01 | 7/31 | -1 x 31 = -7.00 | adjusts 2026-01-01..2026-01-31',
      'acme | u3@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | u3@acme | SEAT | 2026-01-20..2026-02-01 | 12/31 | 1 x 31 = 12.00 | adjusts 2026-01-01..2026-01-31',
    ]);
    // 50.00 x 3 + 50.00 + 50.00 + 31.00 + 20.00 - 7.00 + 31.00 + 12.00 = 337.00
    expect(february.totals).toEqual({ items: 10, billableItems: 10, total: '337.00' });
  });

  it('leaves the items and totals of January unchanged', async () => {
    expect(await itemLines(sql, january.periodId)).toEqual(januaryBefore.items);
    expect(januaryBefore.rollups).toEqual([
      'customer acme: 3 items, 112.00',
      'invoice_to acme: 3 items, 112.00',
    ]);
    expect(await rollupLines(sql, january.periodId)).toEqual(januaryBefore.rollups);
  });
});

describe('late entries belong to the next open period only', () => {
  it('are not billed again by March while February is still open', async () => {
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    // March has 31 days: ctx-demo 50.00, u1 CTX 50.00, u1 SEAT 31.00, u3 SEAT 31.00 = 162.00;
    // no adjustment.
    expect(await itemLines(sql, march.periodId)).toEqual([
      'acme | - | CTX | 2026-03-01..2026-04-01 | 31/31 | 1 x 50 = 50.00 | carried over',
      'acme | u1@acme | CTX | 2026-03-01..2026-04-01 | 31/31 | 1 x 50 = 50.00 | carried over',
      'acme | u1@acme | SEAT | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | u3@acme | SEAT | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
    ]);
    expect(march.totals).toEqual({ items: 4, billableItems: 4, total: '162.00' });
  });

  it('are not billed again once February, which billed them, is approved', async () => {
    const [february] =
      await sql`select id from periods where tenant_id = ${tenantId} and start_date = '2026-02-01'`;
    await approvePeriod(sql, february?.id);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    expect(march.totals).toEqual({ items: 4, billableItems: 4, total: '162.00' });
  });
});

describe('a late removal reaching back over two approved periods', () => {
  it('credits each approved period for what it billed in excess, full SKUs whole only when presence flips', async () => {
    // January and February are approved. Arriving now: u1's seat ended 29 Jan and u1's Citrix
    // (late-added on 28 Jan) ended 30 Jan; ctx-demo ended at 17:00 on the day it was added, 12 Jan.
    await ingest(sql, tenantId, [
      seat('u1', '2026-01-29T00:00:00Z', null),
      desktop('ctx-u1', '2026-01-30T00:00:00Z', { user: 'u1', removed: true }),
      desktop('ctx-demo', '2026-01-12T17:00:00Z', { removed: true }),
    ]);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    //   ctx-demo January: present 0 days on 12 Jan, still charged whole, no change; February:
    //            billed whole, now absent: credit -1 x 50.00 whole                  = -50.00
    //   u1 CTX   January: still present 28..29 Jan, no change; February: billed whole, now absent:
    //            credit -1 x 50.00 whole                                         = -50.00
    //   u1 SEAT  January: credit 29 Jan..1 Feb, -1 x 31.00 x 3/31                =  -3.00
    //            February: credit the whole month, -1 x 31.00 x 28/28            = -31.00
    //   u3 SEAT  carried 31/31                                                   =  31.00
    expect(await itemLines(sql, march.periodId)).toEqual([
      'acme | - | CTX | 2026-02-01..2026-03-01 | 28/28 | -1 x 50 = -50.00 | adjusts 2026-02-01..2026-02-28',
      'acme | u1@acme | CTX | 2026-02-01..2026-03-01 | 28/28 | -1 x 50 = -50.00 | adjusts 2026-02-01..2026-02-28',
      'acme | u1@acme | SEAT | 2026-01-29..2026-02-01 | 3/31 | -1 x 31 = -3.00 | adjusts 2026-01-01..2026-01-31',
      'acme | u1@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | -1 x 31 = -31.00 | adjusts 2026-02-01..2026-02-28',
      'acme | u3@acme | SEAT | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
    ]);
    // -50.00 - 50.00 - 3.00 - 31.00 + 31.00 = -103.00: a credit for the month.
    expect(march.totals).toEqual({ items: 5, billableItems: 5, total: '-103.00' });
  });
});
