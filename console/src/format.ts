/**
 * Money and dates are formatted here and nowhere else. Amounts arrive as exact decimal strings and
 * go to Intl.NumberFormat as strings, which formats them exactly: never through a float.
 */
export interface Locale {
  currency: string;
  currencyMinorUnits: number;
  timeZone: string;
}

const formats = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: string | null | undefined, locale: Locale): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const key = `${locale.currency}:${locale.currencyMinorUnits}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', {
      style: 'currency',
      currency: locale.currency,
      minimumFractionDigits: locale.currencyMinorUnits,
      maximumFractionDigits: locale.currencyMinorUnits,
    });
    formats.set(key, format);
  }
  // Intl.NumberFormat v3 takes decimal strings exactly; the cast is for older lib typings.
  return format.format(amount as unknown as number);
}

/**
 * A unit price in the tenant's currency with every significant decimal it has (SKU prices carry up
 * to 6): never fewer than the currency's minor units, never rounded, formatted from the string.
 */
export function formatUnitPrice(price: string | null | undefined, locale: Locale): string {
  if (price === null || price === undefined || price === '') return '—';
  const significant = fractionDigits(formatDecimal(price));
  const digits = Math.max(locale.currencyMinorUnits, significant);
  const key = `${locale.currency}:${locale.currencyMinorUnits}:${digits}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', {
      style: 'currency',
      currency: locale.currency,
      minimumFractionDigits: locale.currencyMinorUnits,
      maximumFractionDigits: digits,
    });
    formats.set(key, format);
  }
  return format.format(price as unknown as number);
}

/** An exact decimal quantity or price, trimmed of trailing zeros, never through a float. */
export function formatDecimal(value: string): string {
  if (!value.includes('.')) return value;
  const trimmed = value.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

/** The difference of two exact decimal strings, as an exact decimal string (BigInt arithmetic). */
export function subtractDecimal(a: string, b: string): string {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  const difference = scaled(a, scale) - scaled(b, scale);
  const negative = difference < 0n;
  const digits = (negative ? -difference : difference).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

function fractionDigits(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}

function scaled(value: string, scale: number): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace(/^[-+]/, '').split('.');
  const magnitude = BigInt(whole + fraction.padEnd(scale, '0'));
  return negative ? -magnitude : magnitude;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A local date (YYYY-MM-DD, already in the tenant's zone) as "31 Jan 2026". */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) return date;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
}

/** A period by its span: "1–31 Jan 2026". */
export function formatPeriod(start: string, end: string): string {
  const [sy, sm] = start.split('-');
  const [ey, em] = end.split('-');
  if (sy === ey && sm === em) return `${Number(start.slice(8, 10))}–${formatDate(end)}`;
  return `${formatDate(start)} – ${formatDate(end)}`;
}

/** An instant (ISO 8601 UTC) in the tenant's zone: "31 Jan 2026, 17:05". */
export function formatInstant(instant: string | null | undefined, locale: Pick<Locale, 'timeZone'>): string {
  if (!instant) return '—';
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: locale.timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** True for any spelling of zero ("0", "0.00", "-0.0000"): no float involved. */
export function isZeroDecimal(value: string): boolean {
  return /^[-+]?0*(\.0*)?$/.test(value.trim());
}

/** The months from `back` months before the latest (YYYY-MM) to it: the default window of the trends. */
export function monthWindow(latest: string, back: number): { from: string; to: string } {
  const [year = 2000, month = 1] = latest.split('-').map(Number);
  const index = year * 12 + (month - 1) - back;
  const from = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  return { from, to: latest };
}

/** This month in the tenant's zone, as YYYY-MM. */
export function currentMonth(timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(new Date());
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}
