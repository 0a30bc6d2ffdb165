import { describe, expect, it } from 'vitest';
import { openPeriod } from '../../activities/open-period.js';
import { freshDatabase } from '../support/database.js';
import { createTenant } from '../support/fixtures.js';

const { sql } = await freshDatabase();

describe('openPeriod', () => {
  it('opens the period holding any date, once, with local-midnight instants', async () => {
    await createTenant(sql, { id: 'ams', timeZone: 'Europe/Amsterdam', mode: 'fixed_day', day: 25 });
    const first = await openPeriod(sql, { tenantId: 'ams', date: '2026-02-03' });
    expect(first).toMatchObject({
      startDate: '2026-01-26',
      endDate: '2026-02-25',
      revision: 1,
      status: 'open',
    });
    expect(await openPeriod(sql, { tenantId: 'ams', date: '2026-02-25' })).toEqual(first);
    const [row] = await sql`select starts_at, ends_at from periods where id = ${first.periodId}`;
    expect([row?.starts_at.toISOString(), row?.ends_at.toISOString()]).toEqual([
      '2026-01-25T23:00:00.000Z',
      '2026-02-25T23:00:00.000Z',
    ]);
  });

  it('starts a period where the previous one ended, even after the time zone changed', async () => {
    await createTenant(sql, { id: 'mover', timeZone: 'Europe/Amsterdam' });
    const january = await openPeriod(sql, { tenantId: 'mover', date: '2026-01-31' });
    await sql`update tenants set time_zone = 'America/New_York' where id = 'mover'`;
    const february = await openPeriod(sql, { tenantId: 'mover', date: '2026-02-01' });
    const rows =
      await sql`select id, starts_at, ends_at from periods where id in (${january.periodId}, ${february.periodId}) order by start_date`;
    expect(rows.map((r) => [r.starts_at.toISOString(), r.ends_at.toISOString()])).toEqual([
      ['2025-12-31T23:00:00.000Z', '2026-01-31T23:00:00.000Z'],
      // Starts when January ended (Amsterdam midnight), ends at New York midnight of 1 March.
      ['2026-01-31T23:00:00.000Z', '2026-03-01T05:00:00.000Z'],
    ]);
  });

  it('refuses an unknown tenant and a revision that skips ahead, as bad data', async () => {
    await expect(openPeriod(sql, { tenantId: 'nobody', date: '2026-01-01' })).rejects.toThrow(
      "unknown tenant 'nobody'",
    );
    await expect(openPeriod(sql, { tenantId: 'ams', date: '2026-02-01', revision: 3 })).rejects.toThrow(
      'revision 3 of 2026-01-26..2026-02-25 cannot be opened',
    );
    await expect(
      openPeriod(sql, { tenantId: 'ams', date: '2026-02-01', revision: 2, reopen: { decisionId: 1 } }),
    ).rejects.toThrow('only an approved period can be reopened; revision 1 is open');
  });
});
