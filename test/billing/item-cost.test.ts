import { describe, expect, test } from 'vitest';
import {
  chargedPerCustomerSku,
  chargeKey,
  formatDecimal,
  itemCostAndMargin,
  type MappedCharge,
  unitDayCost,
} from '../../billing/index.js';

// October 2026 (31 days): Microsoft charges 10 Business Premium seats at 10.00 for the month to
// customer 1, and credits 2 of them from 16 Oct (16 days: 2 x 10.00 x 16/31 = 10.32).
const october = { start: '2026-10-01', end: '2026-10-31' };
const charge = (figures: Partial<MappedCharge>): MappedCharge => ({
  vendor: 'Microsoft',
  customerId: 1,
  skuCode: 'M365-BP',
  chargeStart: '2026-10-01',
  chargeEnd: '2026-10-31',
  quantity: '10',
  amount: '100.00',
  ...figures,
});

describe('the unit-day cost of a customer’s SKU', () => {
  const charged = chargedPerCustomerSku(
    [
      charge({}),
      charge({ chargeStart: '2026-10-16', quantity: '2', amount: '-10.32' }),
      // September's charge does not reach October; another customer's is its own.
      charge({ chargeStart: '2026-09-01', chargeEnd: '2026-09-30' }),
      charge({ customerId: 2, quantity: '1', amount: '12.40' }),
    ],
    october,
  );

  test('is the vendor’s net charge over its net unit-days, credits included', () => {
    const own = charged.get(chargeKey(1, 'M365-BP'));
    expect(own && [formatDecimal(own.unitDays), formatDecimal(own.amount)]).toEqual(['278', '89.68']);
    const cost = unitDayCost(own, '9.50', 31);
    expect([cost?.source, cost?.perUnitDay.toDecimalPlaces(6).toFixed()]).toEqual(['vendor', '0.32259']);
    expect(unitDayCost(charged.get(chargeKey(2, 'M365-BP')), null, 31)?.perUnitDay.toFixed()).toBe('0.4');
  });

  test('falls back to the SKU’s cost price per period, else is unknown', () => {
    const cost = unitDayCost(undefined, '3.10', 31);
    expect([cost?.source, cost?.perUnitDay.toFixed()]).toEqual(['cost_price', '0.1']);
    expect(unitDayCost(undefined, null, 31)).toBeNull();
  });
});

describe('an item’s cost and margin', () => {
  const seat = { quantity: '8', daysActive: 16, amount: '49.5500', billable: true };

  test('cost = unit-days at the unit-day cost, rounded; margin = the rounded amount - cost', () => {
    // 8 x 16 = 128 unit-days x 89.68/310 = 37.0295... -> 37.03; 49.55 - 37.03 = 12.52.
    const month = chargedPerCustomerSku([charge({ amount: '89.68' })], october);
    const cost = unitDayCost(month.get(chargeKey(1, 'M365-BP')), null, 31);
    expect(itemCostAndMargin(seat, cost, 2)).toEqual({ cost: '37.03', margin: '12.52' });
    expect(itemCostAndMargin(seat, unitDayCost(undefined, '3.10', 31), 2)).toEqual({
      cost: '12.80',
      margin: '36.75',
    });
  });

  test('a non-billable item bills nothing: its margin is minus its cost', () => {
    expect(
      itemCostAndMargin({ ...seat, billable: false, amount: '0' }, unitDayCost(undefined, '3.10', 31), 2),
    ).toEqual({
      cost: '12.80',
      margin: '-12.80',
    });
  });

  test('without a cost there is no margin, and the currency’s minor unit rounds both', () => {
    expect(itemCostAndMargin(seat, null, 2)).toEqual({ cost: null, margin: null });
    expect(itemCostAndMargin({ ...seat, amount: '4955' }, unitDayCost(undefined, '310', 31), 0)).toEqual({
      cost: '1280',
      margin: '3675',
    });
  });
});
