import { createRoute, z } from '@hono/zod-openapi';
import type postgres from 'postgres';
import {
  addDays,
  type ConfigHistory,
  instantToLocalDate,
  minLocalDate,
  type PeriodConfig,
  periodContainingWithHistory,
  validatePeriodConfig,
} from '../../billing/index.js';
import { periodConfigHistory } from '../../db/views/periods.js';
import { configInForce, tenantSettings } from '../../db/views/tenant.js';
import { upsertCloseSchedule } from '../../workflows/schedules.js';
import { allow, staff } from '../auth.js';
import { invalid, notFound, ProblemError } from '../problems.js';
import { errorResponses, router, security } from '../router.js';

const modes = ['calendar', 'fixed_day', 'days_before_end'] as const;

const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    currency: z.string(),
    currencyMinorUnits: z.number().int(),
    timeZone: z.string(),
    periodConfig: z
      .object({ effectiveFrom: z.string(), mode: z.enum(modes), day: z.number().int().nullable() })
      .nullable()
      .openapi({ description: 'the configuration cutting the current period' }),
    periodConfigs: z.array(
      z.object({
        effectiveFrom: z.string(),
        mode: z.enum(modes),
        day: z.number().int().nullable(),
        createdBy: z.string(),
        createdAt: z.string(),
      }),
    ),
    currentPeriod: z
      .object({
        startDate: z.string(),
        endDate: z.string(),
        revision: z.number().int().nullable(),
        status: z.string(),
      })
      .nullable()
      .openapi({ description: "the period holding today in the tenant's zone" }),
  })
  .openapi('Tenant');

const TenantPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    timeZone: z.string().min(1).max(100).optional().openapi({ example: 'Europe/Amsterdam' }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code: 3 capital letters')
      .optional()
      .openapi({ example: 'EUR' }),
    currencyMinorUnits: z.number().int().min(0).max(4).optional().openapi({
      description: "ISO 4217 minor unit; defaults to the currency's own when the currency changes",
    }),
    period: z
      .object({ mode: z.enum(modes), day: z.number().int().optional() })
      .strict()
      .optional()
      .openapi({ description: 'takes effect from the day after the latest generated period' }),
  })
  .strict();

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const conflict = {
  409: {
    description: 'A close in progress (or an approved period) forbids this change',
    content: { 'application/problem+json': { schema: z.any() } },
  },
};

export function tenantRoutes() {
  const app = router();
  const tags = ['Tenant'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security,
      summary: 'The tenant: currency, time zone, period configuration history and the current period',
      middleware: [allow(...staff)] as const,
      responses: { 200: json(TenantSchema, 'The tenant'), ...errorResponses },
    }),
    async (c) => {
      const settings = await tenantSettings(c.var.deps.sql, c.var.principal.tenantId);
      if (!settings) throw notFound('no such tenant');
      return c.json(settings, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/',
      tags,
      security,
      summary: 'Change the name, time zone, currency or period mode (audited)',
      description:
        'A period mode change takes effect from the day after the latest generated period (or after the ' +
        'current period when none was generated): periods never overlap and never leave a gap, and the ' +
        'close schedule follows. The time zone and currency cannot change while a close is under way; the ' +
        'currency cannot change once a period was approved.',
      middleware: [allow('admin')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: TenantPatch } } } },
      responses: { 200: json(TenantSchema, 'The tenant as it is now'), ...errorResponses, ...conflict },
    }),
    async (c) => {
      const patch = c.req.valid('json');
      const { principal, deps } = c.var;
      const timeZone = patch.timeZone === undefined ? undefined : canonicalTimeZone(patch.timeZone);
      const period = patch.period === undefined ? undefined : periodConfigOf(patch.period);
      if (patch.currency !== undefined && !Intl.supportedValuesOf('currency').includes(patch.currency)) {
        throw invalid('currency', `'${patch.currency}' is not an ISO 4217 currency`);
      }
      await deps.sql.begin(async (tx) => {
        // One change at a time, and no period opens while the configuration moves under it.
        await tx`select pg_advisory_xact_lock(hashtext(${`open-period:${principal.tenantId}`}))`;
        const [before] = await tx<
          { name: string; timeZone: string; currency: string; currencyMinorUnits: number }[]
        >`
          select name, time_zone as "timeZone", currency, currency_minor_units as "currencyMinorUnits"
          from tenants where id = ${principal.tenantId} for update`;
        if (!before) throw notFound('no such tenant');
        const after = {
          name: patch.name ?? before.name,
          timeZone: timeZone ?? before.timeZone,
          currency: patch.currency ?? before.currency,
          currencyMinorUnits:
            patch.currencyMinorUnits ??
            (patch.currency !== undefined && patch.currency !== before.currency
              ? minorUnitsOf(patch.currency)
              : before.currencyMinorUnits),
        };
        const changes: Record<string, unknown> = {};
        for (const key of ['name', 'timeZone', 'currency', 'currencyMinorUnits'] as const) {
          if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
        }
        const currencyChanged = 'currency' in changes || 'currencyMinorUnits' in changes;
        if ('timeZone' in changes || currencyChanged) {
          await refuseWhileClosing(tx, principal.tenantId, currencyChanged ? 'currency' : 'time zone');
        }
        if (currencyChanged) await refuseAfterApproval(tx, principal.tenantId, before.currency);

        const history = await periodConfigHistory(tx, principal.tenantId);
        const today = instantToLocalDate(new Date(), after.timeZone);
        const todayStart = history.length > 0 ? periodContainingWithHistory(history, today).start : today;
        let future = history;
        let pivot = todayStart;
        if (period) {
          const from = await nextPeriodStart(tx, principal.tenantId, history, today);
          pivot = minLocalDate(todayStart, from);
          future = [
            ...history.filter((h) => h.effectiveFrom < from),
            { effectiveFrom: from, config: period },
          ];
          const previous = configInForce(history, from)?.config;
          const replaced = history.some((h) => h.effectiveFrom > from);
          if (replaced || JSON.stringify(previous) !== JSON.stringify(period)) {
            changes.period = { from: previous ?? null, to: period, effectiveFrom: from };
            // Configurations after `from` cut no generated period yet: the latest intent replaces them.
            await tx`delete from period_configs where tenant_id = ${principal.tenantId} and effective_from >= ${from}`;
            await tx`
              insert into period_configs (tenant_id, effective_from, mode, day, created_by)
              values (${principal.tenantId}, ${from}, ${period.mode},
                      ${period.mode === 'calendar' ? null : period.day}, ${principal.name})`;
          }
        }
        if (Object.keys(changes).length === 0) return;
        await tx`
          update tenants set name = ${after.name}, time_zone = ${after.timeZone}, currency = ${after.currency},
                 currency_minor_units = ${after.currencyMinorUnits}
          where id = ${principal.tenantId}`;
        await tx`
          insert into audit_log (tenant_id, actor, action, subject, details)
          values (${principal.tenantId}, ${principal.name}, 'tenant.updated', ${`tenant:${principal.tenantId}`},
                  ${tx.json({ ...changes, requestId: c.get('requestId') } as postgres.JSONValue)})`;
        if ('period' in changes || 'timeZone' in changes) {
          // Inside the transaction: if the schedule cannot follow, the change is not made either.
          await upsertCloseSchedule(deps.temporal, {
            id: principal.tenantId,
            timeZone: after.timeZone,
            configs: stillToCome(history, future, todayStart, pivot),
          });
        }
      });
      const settings = await tenantSettings(deps.sql, principal.tenantId);
      if (!settings) throw notFound('no such tenant');
      return c.json(settings, 200);
    },
  );
  return app;
}

/** The IANA name as Intl resolves it ('utc' -> 'UTC'), or a 400. */
function canonicalTimeZone(value: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw invalid('timeZone', `'${value}' is not an IANA time zone`);
  }
}

function minorUnitsOf(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

export function periodConfigOf(input: {
  mode: PeriodConfig['mode'];
  day?: number | undefined;
}): PeriodConfig {
  if (input.mode === 'calendar') {
    if (input.day !== undefined) throw invalid('period.day', 'calendar periods take no day');
    return { mode: 'calendar' };
  }
  try {
    return validatePeriodConfig({ mode: input.mode, day: input.day as number });
  } catch (error) {
    throw invalid('period.day', error instanceof Error ? error.message : String(error));
  }
}

/**
 * Where a new mode starts: the day after the latest generated period, so no generated period
 * changes; with none generated yet, the day after the period holding today.
 */
export async function nextPeriodStart(
  tx: postgres.TransactionSql,
  tenantId: string,
  history: ConfigHistory,
  today: string,
) {
  const [latest] = await tx<{ end: string | null }[]>`
    select max(end_date)::text as end from periods where tenant_id = ${tenantId}`;
  if (latest?.end) return addDays(latest.end, 1);
  return history.length > 0 ? addDays(periodContainingWithHistory(history, today).end, 1) : today;
}

/** The configuration of the current period and every one taking effect later: the schedule's rhythms. */
function stillToCome(history: ConfigHistory, future: ConfigHistory, todayStart: string, pivot: string) {
  const current = configInForce(history, todayStart)?.config;
  const configs = [
    ...(current ? [current] : []),
    ...future.filter((h) => h.effectiveFrom >= pivot).map((h) => h.config),
  ];
  return configs.filter(
    (config, index) => configs.findIndex((c) => JSON.stringify(c) === JSON.stringify(config)) === index,
  );
}

async function refuseWhileClosing(tx: postgres.TransactionSql, tenantId: string, what: string) {
  const [busy] = await tx<{ end: string; status: string }[]>`
    select end_date::text as end, status from periods
    where tenant_id = ${tenantId} and superseded_at is null
      and status in ('open', 'generating', 'awaiting_approval')
    order by start_date limit 1`;
  if (busy) {
    throw new ProblemError(
      409,
      'Conflict',
      `the ${what} cannot change while the close of the period ending ${busy.end} is ${busy.status}: ` +
        'approve it first',
    );
  }
}

async function refuseAfterApproval(tx: postgres.TransactionSql, tenantId: string, currency: string) {
  const [approved] = await tx<{ end: string }[]>`
    select end_date::text as end from periods
    where tenant_id = ${tenantId} and status in ('approved', 'exported') order by start_date limit 1`;
  if (approved) {
    throw new ProblemError(
      409,
      'Conflict',
      `the currency cannot change once a period is approved: the period ending ${approved.end} was approved in ${currency}`,
    );
  }
}
