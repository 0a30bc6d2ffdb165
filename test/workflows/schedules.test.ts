import type { Client } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import type { PeriodConfig } from '../../billing/index.js';
import { closeScheduleId, upsertCloseSchedule } from '../../workflows/schedules.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const temporal = await temporalForTests();
const tenants: string[] = [];

afterAll(async () => {
  for (const tenantId of tenants) {
    await temporal.client.schedule.getHandle(closeScheduleId(tenantId)).delete();
    for await (const run of temporal.client.workflow.list({
      query: `MonthendTenant = '${tenantId}' AND ExecutionStatus = 'Running'`,
    })) {
      await temporal.client.workflow.getHandle(run.workflowId).terminate('test file finished');
    }
  }
});

/** Workflow ids of `type` runs for the tenant, once `count` of them are visible and completed or running. */
async function runsOf(client: Client, tenantId: string, type: string, count: number, status?: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ids: string[] = [];
    const filter = status ? ` AND ExecutionStatus = '${status}'` : '';
    for await (const run of client.workflow.list({
      query: `WorkflowType = '${type}' AND MonthendTenant = '${tenantId}'${filter}`,
    })) {
      ids.push(run.workflowId);
    }
    if (ids.length >= count || Date.now() > deadline) return ids.sort();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const cases: { name: string; config: PeriodConfig; firings: number; ends: string[] }[] = [
  {
    name: 'calendar',
    config: { mode: 'calendar' },
    firings: 3,
    ends: ['2024-01-31', '2024-02-29', '2024-03-31'],
  },
  // Day 30 does not exist in February 2024: that period ends on the 29th.
  {
    name: 'fixed_day 30',
    config: { mode: 'fixed_day', day: 30 },
    firings: 3,
    ends: ['2024-01-30', '2024-02-29', '2024-03-30'],
  },
  // 3 days before the end: 28 Jan, 26 Feb (leap year), 28 Mar. The calendar also fires on 26 Feb
  // (the non-leap candidate), where the run finds that no period ended and does nothing.
  {
    name: 'days_before_end 3',
    config: { mode: 'days_before_end', day: 3 },
    firings: 4,
    ends: ['2024-01-28', '2024-02-26', '2024-03-28'],
  },
];

describe('close schedules on the real dev server', () => {
  for (const { name, config, firings, ends } of cases) {
    it(`${name}: fires on the right dates of a leap-year quarter, and once per period when fired twice`, async () => {
      const tenantId = uniqueTenantId('sched');
      tenants.push(tenantId);
      await createTenant(database.sql, {
        id: tenantId,
        timeZone: 'Europe/Amsterdam',
        mode: config.mode,
        ...('day' in config ? { day: config.day } : {}),
      });
      await temporal.withWorker(database, async () => {
        const scheduleId = await upsertCloseSchedule(
          temporal.client,
          { id: tenantId, timeZone: 'Europe/Amsterdam', configs: [config] },
          temporal.taskQueue,
        );
        const schedule = temporal.client.schedule.getHandle(scheduleId);
        const description = await schedule.describe();
        expect(description.spec.timezone).toBe('Europe/Amsterdam');
        expect(description.policies.overlap).toBe('BUFFER_ALL');

        // Firings at local 00:05 from 1 Jan 12:00 UTC to 1 Apr 12:00 UTC: the closes of Jan..Mar 2024, a
        // past leap-year quarter (a period that has not started cannot be closed).
        const quarter = { start: new Date('2024-01-01T12:00:00Z'), end: new Date('2024-04-01T12:00:00Z') };
        await schedule.backfill({ ...quarter, overlap: 'BUFFER_ALL' });
        expect(await runsOf(temporal.client, tenantId, 'scheduledClose', firings, 'Completed')).toHaveLength(
          firings,
        );
        const closes = await runsOf(temporal.client, tenantId, 'periodClose', ends.length);
        expect(closes).toEqual(ends.map((end) => `close:${tenantId}:${end}`));

        // The same firings again (a catch-up after an outage, a double trigger): still one close each.
        await schedule.backfill({ ...quarter, overlap: 'BUFFER_ALL' });
        expect(
          await runsOf(temporal.client, tenantId, 'scheduledClose', 2 * firings, 'Completed'),
        ).toHaveLength(2 * firings);
        // Every second firing has completed, so a duplicate close would already be listed.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(await runsOf(temporal.client, tenantId, 'periodClose', ends.length)).toEqual(closes);
      });
    });
  }
});
