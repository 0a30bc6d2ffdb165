import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest, itemLines } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Pricing": usage SKUs are priced per unit used, each entry in the period holding the
// local date of its occurred_at. Tier and discount figures are asserted by the pure engine tests
// (test/billing/engine/pricing.test.ts); a volume band and a vendor discount loaded from the
// database are exercised by test/engine/adjustment-residuals.test.ts.
const since = '2026-01-01T00:00:00Z';
const customers = (...refs: [ref: string, parent?: string][]) =>
  refs.map(([ref, parent]) => ({
    kind: 'customer.created',
    occurredAt: since,
    customer: ref,
    name: ref,
    ...(parent ? { parent, relationship: 'via' } : {}),
  }));

describe('usage SKUs', () => {
  it('are priced per unit used, each entry an item on its date, volume bands per invoice-to', async () => {
    const tenantId = 'usage';
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, {
      code: 'SMS',
      vendor: 'Twilio',
      price: '0.0725',
      model: 'usage',
      maps: [['usage', 'sms', null]],
    });
    await createSku(sql, tenantId, {
      code: 'CALLS',
      vendor: 'Twilio',
      price: '0.10',
      model: 'usage',
      scheme: 'volume',
      tiers: [[1001, '0.05']],
      maps: [['usage', 'voice', null]],
    });
    const used = (occurredAt: string, service: string, quantity: string) => ({
      kind: 'usage.recorded',
      occurredAt,
      customer: 'acme',
      service,
      product: 'std',
      quantity,
    });
    await ingest(sql, tenantId, [
      ...customers(['acme']),
      used('2026-03-03T10:00:00Z', 'sms', '100'),
      used('2026-03-17T10:00:00Z', 'sms', '33'),
      used('2026-03-31T23:59:59Z', 'sms', '7'),
      used('2026-04-01T00:00:00Z', 'sms', '1000'),
      used('2026-03-05T10:00:00Z', 'voice', '600'),
      used('2026-03-25T10:00:00Z', 'voice', '500'),
    ]);
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    //   SMS    100 x 0.0725 = 7.25; 33 x 0.0725 = 2.3925 -> 2.39; 7 x 0.0725 = 0.5075 -> 0.51
    //          (the 1000 units of 1 April belong to April)
    //   CALLS  600 + 500 = 1100 units reach the band from 1001: every unit at 0.05
    //          600 x 0.05 = 30.00, 500 x 0.05 = 25.00
    expect(await itemLines(sql, march.periodId)).toEqual([
      'acme | - | CALLS | 2026-03-05..2026-03-05 | 0/31 | 600 x 0.05 = 30.00',
      'acme | - | CALLS | 2026-03-25..2026-03-25 | 0/31 | 500 x 0.05 = 25.00',
      'acme | - | SMS | 2026-03-03..2026-03-03 | 0/31 | 100 x 0.0725 = 7.25',
      'acme | - | SMS | 2026-03-17..2026-03-17 | 0/31 | 33 x 0.0725 = 2.39',
      'acme | - | SMS | 2026-03-31..2026-03-31 | 0/31 | 7 x 0.0725 = 0.51',
    ]);
    // 30.00 + 25.00 + 7.25 + 2.39 + 0.51 = 65.15
    expect(march.totals).toEqual({ items: 5, billableItems: 5, total: '65.15' });
  });
});
