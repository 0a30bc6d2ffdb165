import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest, itemLines } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Pricing": an element that starts at s and ends at e is active on every local date d
// with date(s) <= d < date(e): the day of removal is not billed, and an element added and removed
// on the same day is itemised with 0 days (daily: 0.00; full: the whole price, docs/billing-choices.md).
const tenantId = 'lifecycle';

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, mode: 'calendar' });
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  await createSku(sql, tenantId, {
    code: 'ARCHIVE',
    vendor: 'Microsoft',
    price: '3.10',
    maps: [['instance', 'exchange', 'archive']],
  });
  await createSku(sql, tenantId, {
    code: 'VM',
    vendor: 'Azure',
    price: '62.00',
    maps: [['instance', 'iaas', null]],
  });
  await createSku(sql, tenantId, {
    code: 'CITRIX',
    vendor: 'Citrix',
    price: '25.00',
    proration: 'full',
    maps: [['application', 'citrix', null]],
  });
  const vm = (instance: string, occurredAt: string, removed = false, quantity?: string) => ({
    kind: removed ? 'instance.removed' : 'instance.added',
    occurredAt,
    customer: 'contoso',
    service: 'iaas',
    instance,
    ...(removed ? {} : { product: 'd2s', ...(quantity ? { quantity } : {}) }),
  });
  const citrix = (occurredAt: string, removed = false) => ({
    kind: removed ? 'application.removed' : 'application.added',
    occurredAt,
    customer: 'contoso',
    service: 'citrix',
    application: 'ctx-trial',
    ...(removed ? {} : { product: 'workspace' }),
  });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2025-12-01T00:00:00Z', customer: 'contoso', name: 'Contoso' },
    vm('vm-1', '2025-12-01T00:00:00Z', false, '2'),
    // Ann joins on 10 January with a seat and an archive mailbox, and leaves on 20 February.
    {
      kind: 'user.created',
      occurredAt: '2026-01-10T09:00:00Z',
      customer: 'contoso',
      user: 'ann',
      name: 'ann@contoso.example',
    },
    {
      kind: 'plan.changed',
      occurredAt: '2026-01-10T09:00:00Z',
      customer: 'contoso',
      user: 'ann',
      service: 'm365',
      plan: 'E3',
    },
    {
      kind: 'instance.added',
      occurredAt: '2026-01-10T09:00:00Z',
      customer: 'contoso',
      user: 'ann',
      service: 'exchange',
      product: 'archive',
      instance: 'archive-ann',
    },
    { kind: 'user.deleted', occurredAt: '2026-02-20T15:00:00Z', customer: 'contoso', user: 'ann' },
    // A VM and a Citrix trial that live from 08:00 to 17:00 on 15 January.
    vm('vm-tmp', '2026-01-15T08:00:00Z'),
    vm('vm-tmp', '2026-01-15T17:00:00Z', true),
    citrix('2026-01-15T08:00:00Z'),
    citrix('2026-01-15T17:00:00Z', true),
  ]);
});

describe('a user added on the 10th and removed on the 20th of the next month', () => {
  it('is billed in the first period from the 10th to the period end', async () => {
    const january = await generatePeriod(sql, tenantId, '2026-01-01');
    // January has 31 days:
    //   ann E3       10 Jan .. 1 Feb  22 days  31.00 x 22/31 = 22.00
    //   ann archive  10 Jan .. 1 Feb  22 days   3.10 x 22/31 =  2.20
    //   vm-1 (2 units, carried)       31 days  62.00 x 2 x 31/31 = 124.00
    //   vm-tmp       15 Jan .. 15 Jan  0 days  62.00 x 0/31 = 0.00
    //   ctx-trial    15 Jan .. 15 Jan  0 days  full: 25.00
    expect(await itemLines(sql, january.periodId)).toEqual([
      'contoso | - | CITRIX | 2026-01-15..2026-01-15 | 0/31 | 1 x 25 = 25.00',
      'contoso | - | VM | 2026-01-01..2026-02-01 | 31/31 | 2 x 62 = 124.00 | carried over',
      'contoso | - | VM | 2026-01-15..2026-01-15 | 0/31 | 1 x 62 = 0.00',
      'contoso | ann@contoso.example | ARCHIVE | 2026-01-10..2026-02-01 | 22/31 | 1 x 3.1 = 2.20',
      'contoso | ann@contoso.example | E3 | 2026-01-10..2026-02-01 | 22/31 | 1 x 31 = 22.00',
    ]);
    // 25.00 + 124.00 + 0.00 + 2.20 + 22.00 = 173.20
    expect(january.totals).toEqual({ items: 5, billableItems: 5, total: '173.20' });
  });

  it('is billed in the next period from the 1st to the 19th: the day of removal is not billed', async () => {
    const february = await generatePeriod(sql, tenantId, '2026-02-01');
    // February has 28 days; deleting ann ends every user-level element she held:
    //   ann E3       1 Feb .. 20 Feb  19 days  31.00 x 19/28 = 21.035714 -> 21.04
    //   ann archive  1 Feb .. 20 Feb  19 days   3.10 x 19/28 =  2.103571 ->  2.10
    //   vm-1 is the customer's, not ann's: the whole month  62.00 x 2 = 124.00
    expect(await itemLines(sql, february.periodId)).toEqual([
      'contoso | - | VM | 2026-02-01..2026-03-01 | 28/28 | 2 x 62 = 124.00 | carried over',
      'contoso | ann@contoso.example | ARCHIVE | 2026-02-01..2026-02-20 | 19/28 | 1 x 3.1 = 2.10 | carried over',
      'contoso | ann@contoso.example | E3 | 2026-02-01..2026-02-20 | 19/28 | 1 x 31 = 21.04 | carried over',
    ]);
    // 124.00 + 2.10 + 21.04 = 147.14
    expect(february.totals).toEqual({ items: 3, billableItems: 3, total: '147.14' });
  });

  it('is not billed at all once removed', async () => {
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    // vm-1 only: 62.00 x 2 x 31/31 = 124.00
    expect(await itemLines(sql, march.periodId)).toEqual([
      'contoso | - | VM | 2026-03-01..2026-04-01 | 31/31 | 2 x 62 = 124.00 | carried over',
    ]);
    expect(march.totals).toEqual({ items: 1, billableItems: 1, total: '124.00' });
  });
});

describe('an element added and removed the same day', () => {
  it('is itemised with 0 days: 0.00 when daily, the whole price when full', async () => {
    const january = await generatePeriod(sql, tenantId, '2026-01-15');
    const sameDay = await sql`
      select i.sku_code, i.active_from::text, i.active_to::text, i.days_active, i.amount::text
      from items i join elements e on e.id = i.element_id
      where i.period_id = ${january.periodId} and e.ref in ('vm-tmp', 'ctx-trial') order by i.sku_code`;
    expect(sameDay).toEqual([
      {
        sku_code: 'CITRIX',
        active_from: '2026-01-15',
        active_to: '2026-01-15',
        days_active: 0,
        amount: '25.0000',
      },
      {
        sku_code: 'VM',
        active_from: '2026-01-15',
        active_to: '2026-01-15',
        days_active: 0,
        amount: '0.0000',
      },
    ]);
  });
});
