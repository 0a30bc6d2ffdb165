import { type PeriodConfig, validatePeriodConfig } from './periods.js';

/**
 * One validation of a tenant's configuration (time zone, currency, period mode and day), used by
 * the CLI, the API and the worker alike, so what one accepts the others can run.
 */

/** A configuration value that cannot be used, with the field it belongs to. */
export class TenantConfigError extends Error {
  constructor(
    readonly field: 'timeZone' | 'currency' | 'currencyMinorUnits' | 'period.mode' | 'period.day',
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'TenantConfigError';
  }
}

export const PERIOD_MODES = ['calendar', 'fixed_day', 'days_before_end'] as const;

/** The IANA name as Intl resolves it ('utc' -> 'UTC', 'europe/paris' -> 'Europe/Paris'). */
export function canonicalTimeZone(value: string): string {
  try {
    // Offsets ('+05:00') are not IANA names, and PostgreSQL reads their sign the other way round.
    if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) throw new RangeError('not a name');
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new TenantConfigError('timeZone', `'${value}' is not an IANA time zone`);
  }
}

// ISO 4217 minor units where they are not 2 (list one, 2024; fund codes such as CLF are not
// currencies Intl knows, so they are refused before this table). Intl's digits follow CLDR's cash
// usage instead (IQD 0, ISK 0), which would round an invoice differently from the standard.
// biome-ignore format: a table reads better in rows
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

// Codes without minor units (precious metals, fund codes, testing): nothing can be invoiced in them.
const NOT_MONEY = new Set('XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX'.split(' '));

/** An ISO 4217 currency with its minor units from the table above. */
export function currencyOf(code: string): { currency: string; minorUnits: number } {
  if (!/^[A-Z]{3}$/.test(code)) {
    throw new TenantConfigError(
      'currency',
      `'${code}' is not an ISO 4217 code (3 capital letters, e.g. EUR)`,
    );
  }
  if (NOT_MONEY.has(code) || !Intl.supportedValuesOf('currency').includes(code)) {
    throw new TenantConfigError('currency', `'${code}' is not an ISO 4217 currency`);
  }
  return { currency: code, minorUnits: MINOR_UNITS[code] ?? 2 };
}

/** Minor units chosen explicitly (an override of the currency's own), 0..4 as the database allows. */
export function validMinorUnits(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 4) {
    throw new TenantConfigError('currencyMinorUnits', `must be a whole number 0..4, got ${value}`);
  }
  return value;
}

/** A period mode with its day where it needs one: `fixed_day` 1..31, `days_before_end` 0..27, none for calendar. */
export function periodConfigOf(mode: string, day: number | undefined | null): PeriodConfig {
  if (mode === 'calendar') {
    if (day !== undefined && day !== null)
      throw new TenantConfigError('period.day', 'calendar periods take no day');
    return { mode: 'calendar' };
  }
  if (mode !== 'fixed_day' && mode !== 'days_before_end') {
    throw new TenantConfigError('period.mode', `'${mode}' is not one of ${PERIOD_MODES.join(', ')}`);
  }
  const range = mode === 'fixed_day' ? '1..31' : '0..27';
  if (day === undefined || day === null) {
    throw new TenantConfigError('period.day', `${mode} periods need a day (${range})`);
  }
  try {
    return validatePeriodConfig({ mode, day });
  } catch (error) {
    throw new TenantConfigError('period.day', (error as Error).message);
  }
}

/** A day typed on a command line: digits only, so '3x' or '' is refused rather than read as NaN or 0. */
export function parseDay(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,3}$/.test(text.trim()))
    throw new TenantConfigError('period.day', `'${text}' is not a whole number`);
  return Number(text.trim());
}

export interface TenantConfigInput {
  timeZone: string;
  currency: string;
  /** Defaults to the currency's ISO 4217 minor units. */
  currencyMinorUnits?: number;
  periodMode: string;
  periodDay?: number | null;
}

export interface TenantConfig {
  timeZone: string;
  currency: string;
  currencyMinorUnits: number;
  period: PeriodConfig;
}

/** The whole configuration of a new tenant, or the first value that cannot be used. */
export function validateTenantConfig(input: TenantConfigInput): TenantConfig {
  const timeZone = canonicalTimeZone(input.timeZone);
  const { currency, minorUnits } = currencyOf(input.currency);
  return {
    timeZone,
    currency,
    currencyMinorUnits:
      input.currencyMinorUnits === undefined ? minorUnits : validMinorUnits(input.currencyMinorUnits),
    period: periodConfigOf(input.periodMode, input.periodDay),
  };
}

/** Why a stored tenant (an old row, a hand edit) cannot run, or undefined when it can. */
export function storedTenantProblem(tenant: {
  timeZone: string;
  currency: string;
  currencyMinorUnits: number;
  periods: { mode: string; day: number | null }[];
}): TenantConfigError | undefined {
  try {
    canonicalTimeZone(tenant.timeZone);
    currencyOf(tenant.currency);
    validMinorUnits(tenant.currencyMinorUnits);
    for (const period of tenant.periods) periodConfigOf(period.mode, period.day);
    return undefined;
  } catch (error) {
    if (error instanceof TenantConfigError) return error;
    throw error;
  }
}
