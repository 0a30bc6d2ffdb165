import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import {
  createSku,
  createTenant,
  generatePeriod,
  ingest,
  itemLines,
  rollupLines,
  useCurrency,
} from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Pricing": money is exact decimal, never binary floating point: each item is rounded
// half-up to the currency's minor unit, and every total is the sum of its rounded items. Half-up is
// half away from zero, for credits too (docs/billing-choices.md, "Money"): credits are asserted by the
// pure engine tests (test/billing/engine/rounding.test.ts); these check what is stored and rolled up.
const since = '2026-01-01T00:00:00Z';
const added = (customer: string, service: string, instance: string, occurredAt = since) => ({
  kind: 'instance.added',
  occurredAt,
  customer,
  service,
  product: 'std',
  instance,
});
const used = (customer: string, occurredAt: string, quantity: string) => ({
  kind: 'usage.recorded',
  occurredAt,
  customer,
  service: 'calls',
  product: 'std',
  quantity,
});

/** A tenant with a daily SEAT, a full SUPPORT and a usage CALL SKU at the given prices. */
async function tenantWithPrices(
  tenantId: string,
  timeZone: string,
  prices: { seat: string; support: string; call: string },
) {
  await createTenant(sql, { id: tenantId, timeZone });
  await createSku(sql, tenantId, {
    code: 'SEAT',
    vendor: 'V',
    price: prices.seat,
    maps: [['instance', 'seats', null]],
  });
  await createSku(sql, tenantId, {
    code: 'SUPPORT',
    vendor: 'V',
    price: prices.support,
    proration: 'full',
    maps: [['instance', 'support', null]],
  });
  await createSku(sql, tenantId, {
    code: 'CALL',
    vendor: 'V',
    price: prices.call,
    model: 'usage',
    maps: [['usage', 'calls', null]],
  });
}

describe('each item is rounded half-up, and totals are sums of rounded items', () => {
  const tenantId = 'rounding';

  it('bills three items of 10.005 as 10.01 each, 30.03 in total (not 30.02)', async () => {
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, {
      code: 'HALF',
      vendor: 'V',
      price: '10.005',
      proration: 'full',
      maps: [['instance', 'licence', null]],
    });
    await createSku(sql, tenantId, {
      code: 'TIE',
      vendor: 'V',
      price: '6.665',
      maps: [['instance', 'tie', null]],
    });
    await ingest(sql, tenantId, [
      { kind: 'customer.created', occurredAt: since, customer: 'acme', name: 'Acme' },
      added('acme', 'licence', 'l1'),
      added('acme', 'licence', 'l2'),
      added('acme', 'licence', 'l3'),
      added('acme', 'tie', 't1', '2026-03-29T09:00:00Z'),
      added('acme', 'tie', 't2', '2026-02-01T00:00:00Z'),
    ]);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    //   HALF (full) 10.005 -> 10.01, three times
    //   TIE t1  29 Mar..1 Apr 3 days: 6.665 x 3/31 = 0.645 exactly -> 0.65
    //   TIE t2  carried, 31 days:     6.665 x 31/31 = 6.665 -> 6.67
    expect(await itemLines(sql, march.periodId)).toEqual([
      'acme | - | HALF | 2026-03-01..2026-04-01 | 31/31 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | HALF | 2026-03-01..2026-04-01 | 31/31 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | HALF | 2026-03-01..2026-04-01 | 31/31 | 1 x 10.005 = 10.01 | carried over',
      'acme | - | TIE | 2026-03-01..2026-04-01 | 31/31 | 1 x 6.665 = 6.67 | carried over',
      'acme | - | TIE | 2026-03-29..2026-04-01 | 3/31 | 1 x 6.665 = 0.65',
    ]);
    // 10.01 x 3 + 6.67 + 0.65 = 37.35, in the totals and in every roll-up
    expect(march.totals).toEqual({ items: 5, billableItems: 5, total: '37.35' });
    expect(await rollupLines(sql, march.periodId)).toEqual([
      'customer acme: 5 items, 37.35',
      'invoice_to acme: 5 items, 37.35',
    ]);
  });
});

describe('a currency with 0 minor units (JPY)', () => {
  it('rounds every item to whole yen, half-up', async () => {
    const tenantId = 'yen';
    await tenantWithPrices(tenantId, 'Asia/Tokyo', { seat: '1500', support: '2500', call: '2.5' });
    await useCurrency(sql, tenantId, 'JPY', 0);
    await ingest(sql, tenantId, [
      { kind: 'customer.created', occurredAt: since, customer: 'tokyo', name: 'Tokyo KK' },
      added('tokyo', 'support', 'support'),
      // 00:00 UTC is 09:00 in Tokyo: 22 March locally.
      added('tokyo', 'seats', 'seat-1', '2026-03-22T00:00:00Z'),
      used('tokyo', '2026-03-10T03:00:00Z', '3'),
    ]);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    //   CALL     3 x 2.5 = 7.5 -> 8
    //   SEAT     22 Mar..1 Apr 10 days: 1500 x 10/31 = 483.870967 -> 484
    //   SUPPORT  (full) 2500
    expect(await itemLines(sql, march.periodId)).toEqual([
      'tokyo | - | CALL | 2026-03-10..2026-03-10 | 0/31 | 3 x 2.5 = 8',
      'tokyo | - | SEAT | 2026-03-22..2026-04-01 | 10/31 | 1 x 1500 = 484',
      'tokyo | - | SUPPORT | 2026-03-01..2026-04-01 | 31/31 | 1 x 2500 = 2500 | carried over',
    ]);
    // 8 + 484 + 2500 = 2992
    expect(march.totals).toEqual({ items: 3, billableItems: 3, total: '2992' });
  });
});

describe('a currency with 3 minor units (KWD)', () => {
  it('rounds every item to the fils, half-up', async () => {
    const tenantId = 'dinar';
    await tenantWithPrices(tenantId, 'Asia/Kuwait', { seat: '12.345', support: '25.5', call: '0.0125' });
    await useCurrency(sql, tenantId, 'KWD', 3);
    await ingest(sql, tenantId, [
      { kind: 'customer.created', occurredAt: since, customer: 'kuwait', name: 'Kuwait Co' },
      added('kuwait', 'support', 'support'),
      added('kuwait', 'seats', 'seat-1', '2026-03-22T00:00:00Z'),
      used('kuwait', '2026-03-10T03:00:00Z', '3'),
    ]);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    //   CALL     3 x 0.0125 = 0.0375 -> 0.038
    //   SEAT     22 Mar..1 Apr 10 days: 12.345 x 10/31 = 3.982258 -> 3.982
    //   SUPPORT  (full) 25.500
    expect(await itemLines(sql, march.periodId)).toEqual([
      'kuwait | - | CALL | 2026-03-10..2026-03-10 | 0/31 | 3 x 0.0125 = 0.038',
      'kuwait | - | SEAT | 2026-03-22..2026-04-01 | 10/31 | 1 x 12.345 = 3.982',
      'kuwait | - | SUPPORT | 2026-03-01..2026-04-01 | 31/31 | 1 x 25.5 = 25.500 | carried over',
    ]);
    // 0.038 + 3.982 + 25.500 = 29.520
    expect(march.totals).toEqual({ items: 3, billableItems: 3, total: '29.520' });
  });
});
