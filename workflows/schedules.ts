import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import { closeFirings, type PeriodConfig } from '../billing/index.js';
import { scheduledClose } from './scheduled-close.js';
import { TASK_QUEUE, TENANT_ATTRIBUTE } from './shared.js';

const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;

export function closeScheduleId(tenantId: string): string {
  return `close-schedule:${tenantId}`;
}

/**
 * Creates or updates the tenant's close schedule: five minutes past local midnight on every day
 * after a possible period end of the given configurations (the current one and any coming one).
 * A week of catch-up closes periods missed while the server was down; buffered overlap runs every
 * missed firing in turn, and the close's own workflow id keeps one close per period.
 */
export async function upsertCloseSchedule(
  client: Client,
  tenant: { id: string; timeZone: string; configs: PeriodConfig[] },
  taskQueue = TASK_QUEUE,
): Promise<string> {
  const scheduleId = closeScheduleId(tenant.id);
  const spec = {
    timezone: tenant.timeZone,
    calendars: closeFirings(tenant.configs).map(({ dayOfMonth, months }) => ({
      dayOfMonth,
      month: months.map((month) => MONTHS[month - 1] as (typeof MONTHS)[number]),
      hour: 0,
      minute: 5,
      comment: `close periods ending the day before (${tenant.configs.map((c) => c.mode).join(', ')})`,
    })),
  };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: scheduledClose,
    args: [{ tenantId: tenant.id }] as [{ tenantId: string }],
    taskQueue,
    workflowId: `scheduled-close:${tenant.id}`,
    typedSearchAttributes: [{ key: TENANT_ATTRIBUTE, value: tenant.id }],
  };
  const policies = { overlap: 'BUFFER_ALL' as const, catchupWindow: '7 days' as const };
  try {
    await client.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ ...previous, spec, action, policies }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await client.schedule.create({ scheduleId, spec, action, policies });
  }
  return scheduleId;
}
