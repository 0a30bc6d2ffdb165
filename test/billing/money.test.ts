import { describe, expect, test } from 'vitest';
import { BillingDecimal, roundHalfUp, sumAmounts, toDecimal, toFixedMinor } from '../../billing/index.js';

describe('roundHalfUp', () => {
  test.each([
    ['0.005', 2, '0.01'],
    // Binary floats store 1.005 as 1.00499999..., so Math.round(1.005 * 100) / 100 gives 1.
    ['1.005', 2, '1.01'],
    ['2.675', 2, '2.68'],
    ['0.004', 2, '0.00'],
    ['0.0049999', 2, '0.00'],
    // Ties go away from zero for credits too, mirroring the charge they cancel.
    ['-0.005', 2, '-0.01'],
    ['-1.005', 2, '-1.01'],
    ['-0.004', 2, '0.00'],
    ['10', 2, '10.00'],
    ['0.5', 0, '1'],
    ['1.5', 0, '2'],
    ['2.5', 0, '3'],
    ['-2.5', 0, '-3'],
    ['1234', 0, '1234'],
    ['1.0005', 3, '1.001'],
    ['1.0004', 3, '1.000'],
    ['-1.0005', 3, '-1.001'],
    ['0.32258064516129032258064516129032258', 2, '0.32'],
    ['123456789012345678.995', 2, '123456789012345679.00'],
    ['+7.125', 2, '7.13'],
    ['.5', 0, '1'],
  ])('%s at %i minor units is %s', (amount, minorUnits, expected) => {
    expect(roundHalfUp(amount, minorUnits)).toBe(expected);
  });

  test('accepts a Decimal', () => {
    expect(roundHalfUp(new BillingDecimal('1').dividedBy(3), 2)).toBe('0.33');
  });

  test.each([-1, 1.5, 9])('rejects %s minor units', (minorUnits) => {
    expect(() => roundHalfUp('1', minorUnits)).toThrow(/minor units/);
  });
});

describe('sumAmounts', () => {
  test.each<[string[], string]>([
    [[], '0'],
    [['0.1', '0.2'], '0.3'],
    [['1.10', '2.205'], '3.305'],
    [['1.10', '-1.10'], '0'],
    [['0.01', '0.01', '0.01'], '0.03'],
    [['99999999999999999999.99', '0.01'], '100000000000000000000'],
    [['-5', '2.5'], '-2.5'],
  ])('sum of %j is %s', (amounts, total) => {
    expect(sumAmounts(amounts)).toBe(total);
  });
});

describe('toFixedMinor', () => {
  test.each([
    ['3.3', 2, '3.30'],
    ['5', 0, '5'],
    ['5', 3, '5.000'],
    ['-0.1', 2, '-0.10'],
    ['-0', 2, '0.00'],
    ['1.230', 2, '1.23'],
  ])('%s shows as %s at %i', (amount, minorUnits, shown) => {
    expect(toFixedMinor(amount, minorUnits)).toBe(shown);
  });

  test('refuses to round silently', () => {
    expect(() => toFixedMinor('1.005', 2)).toThrow(/round it first/);
  });
});

describe('toDecimal', () => {
  test.each(['', 'abc', '1e3', 'NaN', 'Infinity', '0x10', '1,5', '1.2.3', '--1'])('rejects %j', (value) => {
    expect(() => toDecimal(value)).toThrow(/expected a decimal string/);
  });

  test('rejects numbers passed where strings are expected', () => {
    expect(() => toDecimal(0.1 as unknown as string)).toThrow(/expected a decimal string/);
  });
});
