import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPeriod } from '../../activities/open-period.js';
import { addDays, instantToLocalDate, periodContaining } from '../../billing/index.js';
import { closeScheduleId } from '../../workflows/schedules.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { approvePeriod, createTenant, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const temporal = await temporalForTests();
const api = apiForTests(database, temporal);
const tenantId = uniqueTenantId('tenant');
const fresh = uniqueTenantId('tenant-fresh');
const tokens = { admin: '', finance: '', operator: '', customer: '', freshAdmin: '' };

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await createTenant(sql, { id: fresh, timeZone: 'Pacific/Auckland', mode: 'fixed_day', day: 20 });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2025-12-01T00:00:00Z', customer: 'c1', name: 'Contoso' },
  ]);
  const [c1] = await sql<{ id: number }[]>`select id from customers where tenant_id = ${tenantId}`;
  tokens.admin = await api.token(tenantId, 'admin', undefined, 'root');
  tokens.finance = await api.token(tenantId, 'finance');
  tokens.operator = await api.token(tenantId, 'operator');
  tokens.customer = await api.token(tenantId, 'customer', c1?.id);
  tokens.freshAdmin = await api.token(fresh, 'admin', undefined, 'fresh-root');
});

afterAll(async () => {
  for (const id of [tenantId, fresh]) {
    await temporal.client.schedule
      .getHandle(closeScheduleId(id))
      .delete()
      .catch(() => undefined);
  }
});

const today = (timeZone: string) => instantToLocalDate(new Date(), timeZone);
const isoInstant = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
type Range<T> = { start: T; end: T };
type Calendar = {
  dayOfMonth: Range<number>[];
  month: Range<string>[];
  hour: Range<number>[];
  minute: Range<number>[];
};
/** The tenant's close schedule as its zone and one line per calendar: `day months hh:mm`. */
async function scheduleOf(id: string) {
  const { spec } = await temporal.client.schedule.getHandle(closeScheduleId(id)).describe();
  const line = (calendar: Calendar) => {
    const months = calendar.month.map((range) => range.start.slice(0, 3));
    return [
      calendar.dayOfMonth.map((range) => range.start).join(','),
      months.length === 12 ? 'every month' : months.join(','),
      `${calendar.hour[0]?.start}:0${calendar.minute[0]?.start}`,
    ].join(' ');
  };
  return { timezone: spec.timezone, calendars: (spec.calendars as Calendar[]).map(line) };
}

describe('GET /v1/tenant', () => {
  it('shows settings, configuration history and the period holding today', async () => {
    const response = await api.call('GET', '/v1/tenant', tokens.operator);
    expect(response.status).toBe(200);
    const current = periodContaining({ mode: 'calendar' }, today('UTC'));
    expect(response.json).toEqual({
      id: tenantId,
      name: `${tenantId} MSP`,
      currency: 'EUR',
      currencyMinorUnits: 2,
      timeZone: 'UTC',
      periodConfig: { effectiveFrom: '2000-01-01', mode: 'calendar', day: null },
      periodConfigs: [
        {
          effectiveFrom: '2000-01-01',
          mode: 'calendar',
          day: null,
          createdBy: 'test',
          createdAt: isoInstant,
        },
      ],
      currentPeriod: { startDate: current.start, endDate: current.end, revision: null, status: 'open' },
    });
  });

  it('is for staff only', async () => {
    const response = await api.call('GET', '/v1/tenant', tokens.customer);
    expect(response.status).toBe(403);
    expect(response.json.detail).toBe('the customer role may not GET /v1/tenant');
  });
});

describe('PATCH /v1/tenant', () => {
  it('validates every field with its reason', async () => {
    const bad = await api.call('PATCH', '/v1/tenant', tokens.admin, {
      name: ' ',
      currency: 'eur',
      currencyMinorUnits: 5,
      period: { mode: 'weekly' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([
      { field: 'name', reason: 'Too small: expected string to have >=1 characters' },
      { field: 'currency', reason: 'an ISO 4217 code: 3 capital letters' },
      { field: 'currencyMinorUnits', reason: 'Too big: expected number to be <=4' },
      {
        field: 'period.mode',
        reason: 'Invalid option: expected one of "calendar"|"fixed_day"|"days_before_end"',
      },
    ]);
    const cases: [Record<string, unknown>, { field: string; reason: string }][] = [
      [{ timeZone: 'Mars/Base' }, { field: 'timeZone', reason: "'Mars/Base' is not an IANA time zone" }],
      [{ currency: 'XXY' }, { field: 'currency', reason: "'XXY' is not an ISO 4217 currency" }],
      [
        { period: { mode: 'fixed_day' } },
        { field: 'period.day', reason: 'fixed_day periods need a day (1..31)' },
      ],
      [
        { period: { mode: 'days_before_end', day: 28 } },
        { field: 'period.day', reason: 'days_before_end period day must be a whole number 0..27, got 28' },
      ],
      [
        { period: { mode: 'calendar', day: 1 } },
        { field: 'period.day', reason: 'calendar periods take no day' },
      ],
      [{ locale: 'nl' }, { field: 'locale', reason: 'unknown field' }],
    ];
    for (const [body, error] of cases) {
      const response = await api.call('PATCH', '/v1/tenant', tokens.admin, body);
      expect(response.status).toBe(400);
      expect(response.json.errors).toEqual([error]);
    }
    const finance = await api.call('PATCH', '/v1/tenant', tokens.finance, { name: 'x' });
    expect(finance.status).toBe(403);
  });

  it('changes name, zone and currency (minor units from ISO 4217), audited', async () => {
    const response = await api.call('PATCH', '/v1/tenant', tokens.admin, {
      name: 'Contoso MSP',
      timeZone: 'europe/amsterdam',
      currency: 'JPY',
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      name: 'Contoso MSP',
      timeZone: 'Europe/Amsterdam',
      currency: 'JPY',
      currencyMinorUnits: 0,
    });
    const audit = await sql`
      select actor, action, subject, details - 'requestId' as details from audit_log
      where tenant_id = ${tenantId} and action = 'tenant.updated'`;
    expect(audit).toEqual([
      {
        actor: 'root',
        action: 'tenant.updated',
        subject: `tenant:${tenantId}`,
        details: {
          name: { from: `${tenantId} MSP`, to: 'Contoso MSP' },
          timeZone: { from: 'UTC', to: 'Europe/Amsterdam' },
          currency: { from: 'EUR', to: 'JPY' },
          currencyMinorUnits: { from: 2, to: 0 },
        },
      },
    ]);
    // The close schedule follows the zone.
    expect(await scheduleOf(tenantId)).toEqual({
      timezone: 'Europe/Amsterdam',
      calendars: ['1 every month 0:05'],
    });
    // Sending the same values again changes nothing and audits nothing.
    await api.call('PATCH', '/v1/tenant', tokens.admin, { currency: 'JPY', currencyMinorUnits: 0 });
    expect(await sql`select 1 from audit_log where action = 'tenant.updated'`).toHaveLength(1);
    await api.call('PATCH', '/v1/tenant', tokens.admin, { currency: 'EUR', timeZone: 'UTC' });
  });

  it('refuses a zone or currency change during a close and a currency change after an approval', async () => {
    const period = await openPeriod(sql, { tenantId, date: '2026-01-15' });
    const closing = await api.call('PATCH', '/v1/tenant', tokens.admin, { timeZone: 'Europe/London' });
    expect(closing.status).toBe(409);
    expect(closing.json.detail).toBe(
      'the time zone cannot change while the close of the period ending 2026-01-31 is open: approve it first',
    );
    await approvePeriod(sql, period.periodId);
    const currency = await api.call('PATCH', '/v1/tenant', tokens.admin, { currencyMinorUnits: 3 });
    expect(currency.status).toBe(409);
    expect(currency.json.detail).toBe(
      'the currency cannot change once a period is approved: the period ending 2026-01-31 was approved in EUR',
    );
    expect((await api.call('PATCH', '/v1/tenant', tokens.admin, { timeZone: 'Europe/London' })).status).toBe(
      200,
    );
    expect(await sql`select currency_minor_units from tenants where id = ${tenantId}`).toEqual([
      { currency_minor_units: 2 },
    ]);
  });

  it('changes the period mode from the day after the latest period, and the schedule with it', async () => {
    const response = await api.call('PATCH', '/v1/tenant', tokens.admin, {
      period: { mode: 'fixed_day', day: 25 },
    });
    expect(response.status).toBe(200);
    // January 2026 was generated: the new mode starts on 1 February, whatever today is.
    expect(response.json.periodConfigs).toEqual([
      { effectiveFrom: '2000-01-01', mode: 'calendar', day: null, createdBy: 'test', createdAt: isoInstant },
      { effectiveFrom: '2026-02-01', mode: 'fixed_day', day: 25, createdBy: 'root', createdAt: isoInstant },
    ]);
    const [audit] = await sql`
      select details -> 'period' as period from audit_log
      where tenant_id = ${tenantId} and action = 'tenant.updated' order by id desc limit 1`;
    expect(audit?.period).toEqual({
      from: { mode: 'calendar' },
      to: { mode: 'fixed_day', day: 25 },
      effectiveFrom: '2026-02-01',
    });
    // The current (calendar) periods close on the 1st, the new ones (ending on the 25th) on the 26th.
    expect(await scheduleOf(tenantId)).toEqual({
      timezone: 'Europe/London',
      calendars: ['1 every month 0:05', '26 every month 0:05'],
    });
    // A second change before any new period replaces the pending one.
    await api.call('PATCH', '/v1/tenant', tokens.admin, { period: { mode: 'days_before_end', day: 3 } });
    expect(
      await sql`select effective_from::text, mode::text, day from period_configs where tenant_id = ${tenantId} order by 1`,
    ).toEqual([
      { effective_from: '2000-01-01', mode: 'calendar', day: null },
      { effective_from: '2026-02-01', mode: 'days_before_end', day: 3 },
    ]);
  });

  it('starts a new mode after the current period when no period was generated', async () => {
    const response = await api.call('PATCH', '/v1/tenant', tokens.freshAdmin, {
      period: { mode: 'calendar' },
    });
    expect(response.status).toBe(200);
    const current = periodContaining({ mode: 'fixed_day', day: 20 }, today('Pacific/Auckland'));
    expect(response.json.periodConfigs.map((c: { effectiveFrom: string }) => c.effectiveFrom)).toEqual([
      '2000-01-01',
      addDays(current.end, 1),
    ]);
    expect(response.json.currentPeriod).toMatchObject({ startDate: current.start, endDate: current.end });
    expect(response.json.periodConfig).toEqual({ effectiveFrom: '2000-01-01', mode: 'fixed_day', day: 20 });
    expect(await scheduleOf(fresh)).toEqual({
      timezone: 'Pacific/Auckland',
      calendars: ['1 every month 0:05', '21 every month 0:05'],
    });
  });
});
