import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDecimal,
  formatInstant,
  formatMoney,
  formatPeriod,
  formatUnitPrice,
  isZeroDecimal,
  monthWindow,
  subtractDecimal,
} from './format';

const eur = { currency: 'EUR', currencyMinorUnits: 2, timeZone: 'Europe/Amsterdam' };

describe('formatMoney', () => {
  it('formats exact decimal strings in the tenant’s currency and minor units', () => {
    expect(formatMoney('83.0000', eur)).toBe('€83.00');
    expect(formatMoney('-50.00', eur)).toBe('-€50.00');
    expect(formatMoney('1234567.5', eur)).toBe('€1,234,567.50');
    expect(formatMoney('1500', { ...eur, currency: 'JPY', currencyMinorUnits: 0 })).toBe('JP¥1,500');
    expect(formatMoney('1.2345', { ...eur, currency: 'KWD', currencyMinorUnits: 3 })).toBe('KWD\u00a01.235');
    expect(formatMoney(null, eur)).toBe('—');
  });

  it('never goes through a float: digits past double precision survive', () => {
    // As a number, 90071992547409.93 is 90071992547409.94; as a string it stays exact.
    expect(formatMoney('90071992547409.93', eur)).toBe('€90,071,992,547,409.93');
  });
});

describe('formatUnitPrice', () => {
  it('keeps every significant decimal of a unit price, and at least the currency’s minor units', () => {
    expect(formatUnitPrice('12.345678', eur)).toBe('€12.345678');
    expect(formatUnitPrice('0.000001', eur)).toBe('€0.000001');
    expect(formatUnitPrice('1.250000', eur)).toBe('€1.25');
    expect(formatUnitPrice('7.500000', eur)).toBe('€7.50');
    expect(formatUnitPrice('7', eur)).toBe('€7.00');
    expect(formatUnitPrice('-0.105000', eur)).toBe('-€0.105');
    expect(formatUnitPrice('1234.5', eur)).toBe('€1,234.50');
    expect(formatUnitPrice('0.250000', { ...eur, currency: 'JPY', currencyMinorUnits: 0 })).toBe('JP¥0.25');
    expect(formatUnitPrice('12.000000', { ...eur, currency: 'JPY', currencyMinorUnits: 0 })).toBe('JP¥12');
    expect(formatUnitPrice('1.2345', { ...eur, currency: 'KWD', currencyMinorUnits: 3 })).toBe(
      'KWD\u00a01.2345',
    );
    expect(formatUnitPrice(null, eur)).toBe('—');
  });

  it('never goes through a float: a price past double precision keeps its last digit', () => {
    // As a number, 90071992547.409931 is 90071992547.409927; as a string it stays exact.
    expect(formatUnitPrice('90071992547.409931', eur)).toBe('€90,071,992,547.409931');
    expect(Number('90071992547.409931').toFixed(6)).not.toBe('90071992547.409931');
  });
});

describe('decimals', () => {
  it('trims, subtracts and recognises zero exactly', () => {
    expect(formatDecimal('31.000000')).toBe('31');
    expect(formatDecimal('0.500')).toBe('0.5');
    expect(subtractDecimal('176.00', '226.0000')).toBe('-50.0000');
    expect(subtractDecimal('0.1', '0.3')).toBe('-0.2');
    expect(isZeroDecimal('0.0000')).toBe(true);
    expect(isZeroDecimal('-0')).toBe(true);
    expect(isZeroDecimal('0.01')).toBe(false);
  });
});

describe('dates', () => {
  it('shows local dates as they are and instants in the tenant’s zone', () => {
    expect(formatDate('2026-01-31')).toBe('31 Jan 2026');
    expect(formatPeriod('2026-01-01', '2026-01-31')).toBe('1–31 Jan 2026');
    expect(formatPeriod('2025-12-15', '2026-01-14')).toBe('15 Dec 2025 – 14 Jan 2026');
    expect(formatInstant('2026-01-11T09:00:00Z', eur)).toBe('11 Jan 2026, 10:00');
    expect(formatInstant('2026-01-11T09:00:00Z', { timeZone: 'UTC' })).toBe('11 Jan 2026, 09:00');
    expect(monthWindow('2026-11', 11)).toEqual({ from: '2025-12', to: '2026-11' });
    expect(monthWindow('2026-01', 1)).toEqual({ from: '2025-12', to: '2026-01' });
  });
});
