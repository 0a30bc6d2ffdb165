import { describe, expect, test } from 'vitest';
import { applyDiscount, type VendorDiscount, vendorDiscountPercent } from '../../billing/index.js';

const brackets: VendorDiscount[] = [
  { minServices: 4, percent: '10' },
  { minServices: 2, percent: '5' },
  { minServices: 6, percent: '12.5' },
];

describe('vendorDiscountPercent', () => {
  test.each([
    [0, '0'],
    [1, '0'],
    [2, '5'],
    [3, '5'],
    [4, '10'],
    [5, '10'],
    [6, '12.5'],
    [40, '12.5'],
  ])('%i distinct services: %s%%', (services, percent) => {
    expect(vendorDiscountPercent(brackets, services)).toBe(percent);
  });

  test('no brackets, no discount', () => {
    expect(vendorDiscountPercent([], 10)).toBe('0');
  });

  test('the highest bracket reached wins even if a lower one offers more', () => {
    const odd: VendorDiscount[] = [
      { minServices: 2, percent: '20' },
      { minServices: 3, percent: '15' },
    ];
    expect(vendorDiscountPercent(odd, 3)).toBe('15');
  });

  test.each<[VendorDiscount[], number, RegExp]>([
    [
      [
        { minServices: 2, percent: '5' },
        { minServices: 2, percent: '6' },
      ],
      3,
      /two vendor discounts start at 2/,
    ],
    [[{ minServices: 2, percent: '101' }], 3, /0\.\.100/],
    [[{ minServices: 2, percent: '-1' }], 3, /0\.\.100/],
    [[{ minServices: 0, percent: '5' }], 3, /minServices/],
    [brackets, -1, /distinct services/],
    [brackets, 2.5, /distinct services/],
  ])('rejects %j with %d services', (discounts, services, message) => {
    expect(() => vendorDiscountPercent(discounts, services)).toThrow(message);
  });
});

describe('applyDiscount', () => {
  test.each([
    ['100', '12.5', '87.5'],
    ['19.99', '10', '17.991'],
    ['0.01', '50', '0.005'],
    ['10', '0', '10'],
    ['10', '100', '0'],
    ['-20', '10', '-18'],
  ])('%s less %s%% is %s (unrounded)', (amount, percent, discounted) => {
    expect(applyDiscount(amount, percent)).toBe(discounted);
  });
});
