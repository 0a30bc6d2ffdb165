import { describe, expect, test } from 'vitest';
import {
  apportionCharge,
  type ChargeGroup,
  formatDecimal,
  type ProvisionedGroup,
  reconcile,
  reconciliationMargins,
  reconciliationTotals,
  type SkuTerms,
} from '../../billing/index.js';

// October 2026, a calendar tenant: 31 days. Microsoft charges 10.00 per seat per month for
// Business Premium, which the MSP sells at 12.00; PROJECT is sold at 9.00, below its 10.00 cost.
const october = { start: '2026-10-01', end: '2026-10-31' };
const skus = new Map<string, SkuTerms>([
  ['M365-BP', { vendor: 'Microsoft', unitPrice: '12.00', costPrice: '9.50' }],
  ['PROJECT', { vendor: 'Microsoft', unitPrice: '9.00', costPrice: null }],
]);

const provisioned = (
  customerId: number,
  skuCode: string,
  figures: Partial<Omit<ProvisionedGroup, 'customerId' | 'skuCode'>>,
): ProvisionedGroup => ({
  customerId,
  skuCode,
  unitsAtEnd: '0',
  unitDays: '0',
  billedUnitDays: '0',
  excludedUnitDays: '0',
  billedAmount: '0',
  ...figures,
});

const charge = (
  customerId: number | null,
  skuCode: string | null,
  chargeStart: string,
  chargeEnd: string,
  quantity: string,
  amount: string,
): ChargeGroup => ({
  vendor: 'Microsoft',
  vendorCustomerId: `tenant-${customerId ?? 'unknown'}`,
  vendorProductId: skuCode === null ? 'CFQ7TTC0UNKNOWN:0001' : `${skuCode}:0001`,
  customerId,
  skuCode,
  chargeStart,
  chargeEnd,
  quantity,
  amount,
});

const match = (provisionedGroups: ProvisionedGroup[], charges: ChargeGroup[], period = october) =>
  reconcile({ period, minorUnits: 2, provisioned: provisionedGroups, charges, skus });

describe('apportionCharge: a vendor charge split across tenant periods by days', () => {
  test('Microsoft bills October 1..31; a tenant closing on the 25th takes 25 of its 31 days', () => {
    const share = apportionCharge(
      { chargeStart: '2026-10-01', chargeEnd: '2026-10-31', quantity: '10', amount: '100.00' },
      { start: '2026-09-26', end: '2026-10-25' },
    );
    expect([share.days, formatDecimal(share.unitDays), share.amount.toFixed(6)]).toEqual([
      25,
      '250',
      '80.645161',
    ]);
  });

  test('an annual NCE term paid up front: October takes 31/365 of it', () => {
    const share = apportionCharge(
      { chargeStart: '2026-10-01', chargeEnd: '2027-09-30', quantity: '1', amount: '120.00' },
      october,
    );
    expect([share.days, formatDecimal(share.unitDays), share.amount.toFixed(4)]).toEqual([
      31,
      '31',
      '10.1918',
    ]);
  });

  test('a prorated credit returns units even when the vendor writes a positive quantity', () => {
    const share = apportionCharge(
      { chargeStart: '2026-10-16', chargeEnd: '2026-10-31', quantity: '2', amount: '-10.32' },
      october,
    );
    expect([share.days, formatDecimal(share.unitDays), formatDecimal(share.amount)]).toEqual([
      16,
      '-32',
      '-10.32',
    ]);
  });

  test('a charge outside the period contributes nothing', () => {
    const share = apportionCharge(
      { chargeStart: '2026-11-01', chargeEnd: '2026-11-30', quantity: '3', amount: '30' },
      october,
    );
    expect([share.days, formatDecimal(share.unitDays), formatDecimal(share.amount)]).toEqual([0, '0', '0']);
  });

  test('two vendor months across a period closing on the 25th add up to the whole period', () => {
    const period = { start: '2026-09-26', end: '2026-10-25' };
    const result = reconcile({
      period,
      minorUnits: 2,
      skus,
      provisioned: [
        provisioned(1, 'M365-BP', {
          unitsAtEnd: '10',
          unitDays: '300',
          billedUnitDays: '300',
          billedAmount: '120.00',
        }),
      ],
      charges: [
        charge(1, 'M365-BP', '2026-09-01', '2026-09-30', '10', '100.00'),
        charge(1, 'M365-BP', '2026-10-01', '2026-10-31', '10', '100.00'),
      ],
    });
    // 100 x 5/30 + 100 x 25/31 = 16.666.. + 80.645.. = 97.3118 -> 97.31; 10 seats x 30 days.
    expect(result.lines).toMatchObject([
      { chargedUnitDays: '300', chargedAmount: '97.31', cost: '97.31', margin: '22.69', variances: [] },
    ]);
  });
});

describe('reconcile: provisioned, billed and charged per customer and SKU (October 2026)', () => {
  test('an unbilled seat: the vendor charges a seat nobody provisioned or billed', () => {
    const { lines } = match([], [charge(1, 'M365-BP', '2026-10-01', '2026-10-31', '1', '10.00')]);
    expect(lines).toEqual([
      {
        vendor: 'Microsoft',
        customerId: 1,
        skuCode: 'M365-BP',
        unitsAtEnd: '0',
        provisionedUnitDays: '0',
        billedUnitDays: '0',
        excludedUnitDays: '0',
        chargedUnitDays: '31',
        billedAmount: '0.00',
        chargedAmount: '10.00',
        unitCost: '10',
        costSource: 'vendor',
        cost: '10.00',
        margin: '-10.00',
        // The seat billed at 12.00 would have brought 12.00.
        variances: [{ reason: 'unbilled', unitDays: '31', amount: '10.00', revenueLost: '12.00' }],
      },
    ]);
  });

  test('a test customer excluded by a rule, still charged by the vendor', () => {
    const { lines } = match(
      [provisioned(2, 'M365-BP', { unitsAtEnd: '1', unitDays: '31', excludedUnitDays: '31' })],
      [charge(2, 'M365-BP', '2026-10-01', '2026-10-31', '1', '10.00')],
    );
    expect(lines).toMatchObject([
      {
        customerId: 2,
        billedAmount: '0.00',
        cost: '10.00',
        margin: '-10.00',
        variances: [{ reason: 'excluded_but_charged', unitDays: '31', amount: '10.00' }],
      },
    ]);
  });

  test('a mid-month seat increase (10 -> 12 on 16 Oct) the vendor never charged', () => {
    // Provisioned 10 x 15 days + 12 x 16 days = 342 unit-days; items 58.06 + 74.32 = 132.38.
    // Charged 10 seats for the month: 310 unit-days at 100.00 / 310 = 0.3226 a unit-day.
    const { lines } = match(
      [
        provisioned(3, 'M365-BP', {
          unitsAtEnd: '12',
          unitDays: '342',
          billedUnitDays: '342',
          billedAmount: '132.38',
        }),
      ],
      [charge(3, 'M365-BP', '2026-10-01', '2026-10-31', '10', '100.00')],
    );
    expect(lines).toMatchObject([
      {
        provisionedUnitDays: '342',
        chargedUnitDays: '310',
        cost: '100.00',
        margin: '32.38',
        // 32 unit-days provisioned and billed but not purchased: -32 x 100/310 = -10.32.
        variances: [{ reason: 'quantity', unitDays: '-32', amount: '-10.32' }],
      },
    ]);
  });

  test('a prorated NCE credit (10 -> 8 seats on 16 Oct) nets against the month’s purchase', () => {
    // Provisioned 10 x 15 + 8 x 16 = 278 unit-days, items 58.06 + 49.55 = 107.61. Charged 10 seats
    // (100.00) and a Cycle instance prorate credit of 2 seats for 16..31 Oct (-10.32): 278 unit-days.
    const { lines } = match(
      [
        provisioned(4, 'M365-BP', {
          unitsAtEnd: '8',
          unitDays: '278',
          billedUnitDays: '278',
          billedAmount: '107.61',
        }),
      ],
      [
        charge(4, 'M365-BP', '2026-10-01', '2026-10-31', '10', '100.00'),
        charge(4, 'M365-BP', '2026-10-16', '2026-10-31', '2', '-10.32'),
      ],
    );
    expect(lines).toMatchObject([
      {
        provisionedUnitDays: '278',
        chargedUnitDays: '278',
        chargedAmount: '89.68',
        // 89.68 x 31 / 278 = 10.000288 a seat-month once the credit is netted.
        unitCost: '10.000288',
        cost: '89.68',
        margin: '17.93',
        variances: [],
      },
    ]);
  });

  test('a price below cost: PROJECT sold at 9.00 a seat, bought at 10.00', () => {
    const { lines } = match(
      [
        provisioned(5, 'PROJECT', {
          unitsAtEnd: '5',
          unitDays: '155',
          billedUnitDays: '155',
          billedAmount: '45.00',
        }),
      ],
      [charge(5, 'PROJECT', '2026-10-01', '2026-10-31', '5', '50.00')],
    );
    expect(lines).toMatchObject([
      {
        cost: '50.00',
        margin: '-5.00',
        variances: [{ reason: 'below_cost', unitDays: '155', amount: '5.00' }],
      },
    ]);
  });

  test('billed but not purchased: the cost price serves as cost when the vendor charged nothing', () => {
    const { lines } = match(
      [
        provisioned(6, 'M365-BP', {
          unitsAtEnd: '2',
          unitDays: '62',
          billedUnitDays: '62',
          billedAmount: '24.00',
        }),
        provisioned(7, 'M365-BP', {
          unitsAtEnd: '1',
          unitDays: '31',
          billedUnitDays: '31',
          billedAmount: '12.00',
        }),
      ],
      [charge(7, 'M365-BP', '2026-10-01', '2026-10-31', '1', '10.00')],
    );
    expect(lines).toMatchObject([
      {
        customerId: 6,
        costSource: 'cost_price',
        unitCost: '9.5',
        // 9.50 / 31 x 62 = 19.00
        cost: '19.00',
        margin: '5.00',
        variances: [{ reason: 'billed_not_purchased', unitDays: '62', amount: '24.00' }],
      },
      { customerId: 7, cost: '10.00', margin: '2.00', variances: [] },
    ]);
  });

  test('a vendor with no charge in the period is not reconciled at all', () => {
    expect(
      match([provisioned(6, 'M365-BP', { unitDays: '62', billedUnitDays: '62', billedAmount: '24.00' })], []),
    ).toEqual({ lines: [], unmapped: [] });
  });

  test('lines that map to nothing are listed, never dropped, and count in the charged total', () => {
    const result = match(
      [
        provisioned(7, 'M365-BP', {
          unitsAtEnd: '1',
          unitDays: '31',
          billedUnitDays: '31',
          billedAmount: '12.00',
        }),
      ],
      [
        charge(7, 'M365-BP', '2026-10-01', '2026-10-31', '1', '10.00'),
        charge(null, 'M365-BP', '2026-10-01', '2026-10-31', '3', '30.00'),
        charge(7, null, '2026-10-10', '2026-10-31', '1', '22.00'),
      ],
    );
    expect(result.unmapped).toEqual([
      {
        vendor: 'Microsoft',
        vendorCustomerId: 'tenant-7',
        vendorProductId: 'CFQ7TTC0UNKNOWN:0001',
        missing: ['product'],
        chargedUnitDays: '22',
        chargedAmount: '22.00',
      },
      {
        vendor: 'Microsoft',
        vendorCustomerId: 'tenant-unknown',
        vendorProductId: 'M365-BP:0001',
        missing: ['customer'],
        chargedUnitDays: '93',
        chargedAmount: '30.00',
      },
    ]);
    expect(reconciliationTotals(result)).toEqual({
      lines: 1,
      matched: 1,
      billed: '12',
      charged: '62',
      cost: '10',
      margin: '2',
      unbilledRevenueLost: '0',
      unmappedCharged: '52',
      variances: [
        { reason: 'unbilled', count: 0, amount: '0' },
        { reason: 'billed_not_purchased', count: 0, amount: '0' },
        { reason: 'quantity', count: 0, amount: '0' },
        { reason: 'excluded_but_charged', count: 0, amount: '0' },
        { reason: 'below_cost', count: 0, amount: '0' },
      ],
    });
  });
});

describe('reconciliationMargins: billed - cost per vendor, customer and reseller subtree', () => {
  test('a reseller (10) over customers 3 and 4 sums their margins; a line without cost adds billed only', () => {
    const result = reconcile({
      period: october,
      minorUnits: 2,
      skus: new Map([
        ['M365-BP', { vendor: 'Microsoft', unitPrice: '12.00', costPrice: null }],
        ['PROJECT', { vendor: 'Microsoft', unitPrice: '9.00', costPrice: null }],
      ]),
      provisioned: [
        provisioned(3, 'M365-BP', { unitDays: '310', billedUnitDays: '310', billedAmount: '120.00' }),
        provisioned(4, 'PROJECT', { unitDays: '155', billedUnitDays: '155', billedAmount: '45.00' }),
        provisioned(4, 'M365-BP', { unitDays: '31', billedUnitDays: '31', billedAmount: '12.00' }),
      ],
      charges: [
        charge(3, 'M365-BP', '2026-10-01', '2026-10-31', '10', '100.00'),
        charge(4, 'PROJECT', '2026-10-01', '2026-10-31', '5', '50.00'),
      ],
    });
    const margins = reconciliationMargins(
      result,
      new Map([
        [3, [10]],
        [4, [10]],
      ]),
    );
    expect(margins).toEqual({
      vendors: [{ vendor: 'Microsoft', billed: '177', cost: '150', margin: '15', linesWithoutCost: 1 }],
      customers: [
        { customerId: 3, billed: '120', cost: '100', margin: '20', linesWithoutCost: 0 },
        { customerId: 4, billed: '57', cost: '50', margin: '-5', linesWithoutCost: 1 },
      ],
      resellers: [{ customerId: 10, billed: '177', cost: '150', margin: '15', linesWithoutCost: 1 }],
    });
  });
});
