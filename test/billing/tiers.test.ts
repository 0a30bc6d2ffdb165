import { describe, expect, test } from 'vitest';
import { effectiveUnitPrice, type PriceTier, type PricingScheme, tierTotal } from '../../billing/index.js';

// Units 1..10 at 10, 11..50 at 8, 51.. at 6; the base price 12 is never reached.
const fromOne: PriceTier[] = [
  { fromQuantity: 1, unitPrice: '10' },
  { fromQuantity: 11, unitPrice: '8' },
  { fromQuantity: 51, unitPrice: '6' },
];
// Units 1..5 at the base price 10, 6..10 at 8, 11.. at 5; given out of order on purpose.
const afterBase: PriceTier[] = [
  { fromQuantity: 11, unitPrice: '5' },
  { fromQuantity: 6, unitPrice: '8' },
];

describe('tierTotal', () => {
  test.each<[PricingScheme, string, PriceTier[], string, string]>([
    // tiered: each unit at its band's price
    ['tiered', '12', fromOne, '0', '0'],
    ['tiered', '12', fromOne, '1', '10'],
    ['tiered', '12', fromOne, '10', '100'],
    ['tiered', '12', fromOne, '11', '108'], // 100 + 8
    ['tiered', '12', fromOne, '50', '420'], // 100 + 40 x 8
    ['tiered', '12', fromOne, '51', '426'], // 420 + 6
    ['tiered', '12', fromOne, '60', '480'], // 420 + 10 x 6
    ['tiered', '12', fromOne, '10.5', '104'], // 100 + half of unit 11 at 8
    ['tiered', '10', afterBase, '3', '30'],
    ['tiered', '10', afterBase, '5', '50'],
    ['tiered', '10', afterBase, '6', '58'], // 50 + 8
    ['tiered', '10', afterBase, '12', '100'], // 50 + 5 x 8 + 2 x 5
    ['tiered', '10', afterBase, '5.5', '54'], // 50 + half of unit 6 at 8
    ['tiered', '10', [], '7', '70'],
    // volume: every unit at the price of the band the last unit falls in
    ['volume', '12', fromOne, '0', '0'],
    ['volume', '12', fromOne, '10', '100'],
    ['volume', '12', fromOne, '11', '88'],
    ['volume', '12', fromOne, '50', '400'],
    ['volume', '12', fromOne, '51', '306'],
    ['volume', '12', fromOne, '10.5', '84'],
    ['volume', '10', afterBase, '5', '50'],
    ['volume', '10', afterBase, '5.5', '44'],
    ['volume', '10', afterBase, '6', '48'],
    ['volume', '10', afterBase, '12', '60'],
    ['volume', '10', [], '7', '70'],
    // flat: base price per unit, bands ignored
    ['flat', '12', fromOne, '11', '132'],
    ['flat', '0.333333', [], '3', '0.999999'],
    ['flat', '12', [], '0', '0'],
  ])('%s, base %s, bands %j, %s units: %s', (scheme, basePrice, tiers, quantity, total) => {
    expect(tierTotal(scheme, basePrice, tiers, quantity)).toBe(total);
  });

  test.each<[PriceTier[], string, RegExp]>([
    [[{ fromQuantity: 0, unitPrice: '1' }], '1', /whole unit number >= 1/],
    [[{ fromQuantity: 2.5, unitPrice: '1' }], '1', /whole unit number >= 1/],
    [
      [
        { fromQuantity: 5, unitPrice: '1' },
        { fromQuantity: 5, unitPrice: '2' },
      ],
      '1',
      /two price tiers start at unit 5/,
    ],
    [[{ fromQuantity: 5, unitPrice: 'x' }], '1', /tier price/],
    [fromOne, '-1', /must not be negative/],
  ])('rejects bands %j with quantity %s', (tiers, quantity, message) => {
    expect(() => tierTotal('tiered', '1', tiers, quantity)).toThrow(message);
  });
});

describe('effectiveUnitPrice', () => {
  const twoBands: PriceTier[] = [
    { fromQuantity: 1, unitPrice: '10' },
    { fromQuantity: 2, unitPrice: '9' },
  ];

  test.each<[PricingScheme, string, PriceTier[], string, string]>([
    ['tiered', '10', twoBands, '3', '9.3333333333'], // 28 / 3
    ['tiered', '10', twoBands, '1', '10'],
    ['tiered', '12', fromOne, '11', '9.8181818182'], // 108 / 11
    ['tiered', '12', fromOne, '0', '10'], // the first unit's price
    ['tiered', '10', afterBase, '0', '10'],
    ['tiered', '10', afterBase, '12', '8.3333333333'], // 100 / 12
    ['volume', '10', afterBase, '12', '5'],
    ['volume', '12', fromOne, '10.5', '8'],
    ['flat', '7.5', fromOne, '4', '7.5'],
    ['flat', '7.5', [], '0', '7.5'],
  ])('%s, base %s, bands %j, %s units: %s per unit', (scheme, basePrice, tiers, quantity, price) => {
    expect(effectiveUnitPrice(scheme, basePrice, tiers, quantity)).toBe(price);
  });
});
