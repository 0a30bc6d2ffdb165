import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureCloseSchedules } from '../../worker/close-schedules.js';
import { closeScheduleId } from '../../workflows/schedules.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const temporal = await temporalForTests();
const api = apiForTests(database, temporal);
const good = uniqueTenantId('good');
const marsZone = uniqueTenantId('mars');
const noDay = uniqueTenantId('noday');

afterAll(async () => {
  for (const id of [good, marsZone, noDay, 'cli-jpy']) {
    await temporal.client.schedule
      .getHandle(closeScheduleId(id))
      .delete()
      .catch(() => undefined);
  }
});

/** `npm run token` against this file's database and the run's Temporal server. */
async function token(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'cli/token.ts', ...args], {
      env: { ...process.env, DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A row as an older version stored it, before the checks: the constraint is lifted for the insert only. */
async function insertOldRow(id: string, timeZone: string, mode: string, day: number | null) {
  await sql.begin(async (tx) => {
    await tx`alter table tenants drop constraint tenants_time_zone`;
    await tx`alter table period_configs drop constraint period_configs_day`;
    await tx`insert into tenants (id, name, currency, time_zone) values (${id}, ${id}, 'EUR', ${timeZone})`;
    await tx`insert into period_configs (tenant_id, effective_from, mode, day, created_by)
             values (${id}, '2000-01-01', ${mode}, ${day}, 'an older version')`;
    await tx`alter table tenants add constraint tenants_time_zone check (time_zone ~ '^[A-Za-z][A-Za-z0-9_+/-]*$'
               and timezone(time_zone, timestamptz '2000-01-01 00:00:00+00') is not null) not valid`;
    await tx`alter table period_configs add constraint period_configs_day check (
               (mode = 'calendar' and day is null)
               or (mode = 'fixed_day' and day is not null and day between 1 and 31)
               or (mode = 'days_before_end' and day is not null and day between 0 and 27)) not valid`;
  });
}

describe('npm run token refuses a configuration it cannot run, storing nothing', () => {
  it.each([
    [['--time-zone', 'Mars/Olympus'], "--time-zone: 'Mars/Olympus' is not an IANA time zone"],
    [['--period-mode', 'fixed_day'], '--period-day: fixed_day periods need a day (1..31)'],
    [['--period-mode', 'days_before_end'], '--period-day: days_before_end periods need a day (0..27)'],
    [['--period-mode', 'fixed_day', '--period-day', '3x'], "--period-day: '3x' is not a whole number"],
    [
      ['--period-mode', 'weekly'],
      "--period-mode: 'weekly' is not one of calendar, fixed_day, days_before_end",
    ],
    [['--currency', 'eur'], "--currency: 'eur' is not an ISO 4217 code (3 capital letters, e.g. EUR)"],
  ])('%j', async (flags, message) => {
    const result = await token('--tenant', 'cli-bad', ...flags);
    expect({ code: result.code, stderr: result.stderr.trim(), stdout: result.stdout }).toEqual({
      code: 2,
      stderr: message,
      stdout: '',
    });
    expect(await sql`select id from tenants where id = 'cli-bad'`).toEqual([]);
  });

  it('sets the currency minor units and the period day it was given', async () => {
    const result = await token(
      '--tenant',
      'cli-jpy',
      '--currency',
      'JPY',
      '--period-mode',
      'days_before_end',
      '--period-day',
      '0',
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      "created tenant 'cli-jpy' (JPY with 0 decimals, UTC, days_before_end day 0)",
    );
    expect(
      await sql`select currency, currency_minor_units, time_zone from tenants where id = 'cli-jpy'`,
    ).toEqual([{ currency: 'JPY', currency_minor_units: 0, time_zone: 'UTC' }]);
    expect(await sql`select mode, day from period_configs where tenant_id = 'cli-jpy'`).toEqual([
      { mode: 'days_before_end', day: 0 },
    ]);
  });
});

describe('the database refuses what the code refuses', () => {
  it.each([
    [
      'a fixed_day with no day',
      sql`insert into period_configs (tenant_id, effective_from, mode, day, created_by)
                                   values ('cli-jpy', '2030-01-01', 'fixed_day', null, 'test')`,
      'period_configs_day',
    ],
    [
      'a days_before_end with no day',
      sql`insert into period_configs (tenant_id, effective_from, mode, day, created_by)
                                   values ('cli-jpy', '2030-01-01', 'days_before_end', null, 'test')`,
      'period_configs_day',
    ],
    [
      'an offset for a zone',
      sql`update tenants set time_zone = '+05:00' where id = 'cli-jpy'`,
      'tenants_time_zone',
    ],
  ])('%s', async (_, statement, constraint) => {
    await expect(statement).rejects.toMatchObject({ code: '23514', constraint_name: constraint });
  });

  it('an unknown zone', async () => {
    await expect(sql`update tenants set time_zone = 'Mars/Olympus' where id = 'cli-jpy'`).rejects.toThrow(
      'time zone "Mars/Olympus" not recognized',
    );
  });
});

describe('a tenant stored before the checks degrades itself, never the others', () => {
  it('is skipped at worker start, named in /health, readable, and its close refused with a 409', async () => {
    await createTenant(sql, { id: good });
    await insertOldRow(marsZone, 'Mars/Olympus', 'calendar', null);
    await insertOldRow(noDay, 'UTC', 'fixed_day', null);

    // What `npm start` and `npm run worker` do at start: no throw, the good tenants get their schedule.
    const ensured = await ensureCloseSchedules(temporal.client, sql, temporal.taskQueue);
    expect(ensured).toEqual(['cli-jpy', good]);
    expect((await temporal.client.schedule.getHandle(closeScheduleId(good)).describe()).scheduleId).toBe(
      closeScheduleId(good),
    );

    const health = await api.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json.status).toBe('degraded');
    expect(health.json.degradedTenants).toEqual(
      expect.arrayContaining([
        { tenantId: marsZone, reason: "timeZone: 'Mars/Olympus' is not an IANA time zone" },
        { tenantId: noDay, reason: 'period.day: fixed_day periods need a day (1..31)' },
        {
          tenantId: marsZone,
          reason: "no close schedule: timeZone: 'Mars/Olympus' is not an IANA time zone",
        },
        { tenantId: noDay, reason: 'no close schedule: period.day: fixed_day periods need a day (1..31)' },
      ]),
    );
    expect(health.json.degradedTenants.some((t: { tenantId: string }) => t.tenantId === good)).toBe(false);

    const mars = await api.token(marsZone, 'admin');
    const settings = await api.call('GET', '/v1/tenant', mars);
    expect(settings.status).toBe(200);
    expect(settings.json).toMatchObject({ id: marsZone, timeZone: 'Mars/Olympus', currentPeriod: null });

    const close = await api.call('POST', '/v1/periods/2026-01-31/close', mars);
    expect(close.status).toBe(409);
    expect(close.json).toMatchObject({
      status: 409,
      detail:
        "the tenant's stored configuration cannot be used (timeZone: 'Mars/Olympus' is not an IANA time zone): change it with PATCH /v1/tenant",
      errors: [{ field: 'timeZone', reason: "'Mars/Olympus' is not an IANA time zone" }],
    });

    const noDayClose = await api.call(
      'POST',
      '/v1/periods/2026-01-31/close',
      await api.token(noDay, 'admin'),
    );
    expect(noDayClose.status).toBe(409);
    expect(noDayClose.json.errors).toEqual([
      { field: 'period.day', reason: 'fixed_day periods need a day (1..31)' },
    ]);
    expect(noDayClose.json.detail).toBe(
      "the tenant's stored configuration cannot be used (period.day: fixed_day periods need a day (1..31)): " +
        'an operator must set the day of its stored period configuration',
    );

    // The good tenant keeps working.
    const goodClose = await api.call('POST', '/v1/periods/2026-01-31/close', await api.token(good, 'admin'));
    expect(goodClose.status).toBe(202);

    // The admin repairs the zone; the tenant is no longer listed for its configuration.
    const repaired = await api.call('PATCH', '/v1/tenant', mars, { timeZone: 'Europe/Paris' });
    expect(repaired.status).toBe(200);
    await ensureCloseSchedules(temporal.client, sql, temporal.taskQueue);
    const after = await api.call('GET', '/health');
    expect(after.json.degradedTenants.map((t: { tenantId: string }) => t.tenantId)).toEqual([noDay, noDay]);
  });
});
