// `npm run token -- --tenant T --role admin`: the first admin token of a fresh install (creating the
// tenant if it does not exist yet), or any token from the command line. The secret is printed once.
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createToken } from '../api/routes/tokens.js';
import { parseDay, type TenantConfig, TenantConfigError, validateTenantConfig } from '../billing/index.js';
import { connect } from '../db/connection.js';
import { migrateDatabase } from '../db/migrate.js';
import { ensureCloseSchedules } from '../worker/close-schedules.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    role: { type: 'string', default: 'admin' },
    name: { type: 'string' },
    customer: { type: 'string' },
    // Only used when the tenant is created here; change them later with PATCH /v1/tenant.
    'tenant-name': { type: 'string' },
    currency: { type: 'string', default: 'EUR' },
    'time-zone': { type: 'string', default: 'UTC' },
    'period-mode': { type: 'string', default: 'calendar' },
    'period-day': { type: 'string' },
  },
});
const roles = ['admin', 'finance', 'operator', 'customer'] as const;
const role = roles.find((r) => r === values.role);
if (!values.tenant || !role) {
  console.error(
    'usage: npm run token -- --tenant <id> [--role admin|finance|operator|customer] [--name who] [--customer ref]',
  );
  process.exit(2);
}

// Flags per field of the shared validation, so a refusal names what the user typed.
const flagOf = {
  timeZone: '--time-zone',
  currency: '--currency',
  currencyMinorUnits: '--currency',
  'period.mode': '--period-mode',
  'period.day': '--period-day',
} as const;
let config: TenantConfig;
try {
  config = validateTenantConfig({
    timeZone: values['time-zone'] ?? 'UTC',
    currency: values.currency ?? 'EUR',
    periodMode: values['period-mode'] ?? 'calendar',
    periodDay: parseDay(values['period-day']),
  });
} catch (error) {
  if (!(error instanceof TenantConfigError)) throw error;
  console.error(`${flagOf[error.field]}: ${error.reason}`);
  process.exit(2);
}

const url = process.env.DATABASE_URL ?? 'postgres://monthend:monthend@127.0.0.1:5433/monthend';
await migrateDatabase(url);
const { sql, close } = connect(url, { max: 1 });
try {
  const [existing] = await sql`select id from tenants where id = ${values.tenant}`;
  if (!existing) {
    await sql.begin(async (tx) => {
      await tx`insert into tenants (id, name, currency, currency_minor_units, time_zone)
               values (${values.tenant ?? ''}, ${values['tenant-name'] ?? values.tenant ?? ''}, ${config.currency},
                       ${config.currencyMinorUnits}, ${config.timeZone})`;
      await tx`insert into period_configs (tenant_id, effective_from, mode, day, created_by)
               values (${values.tenant ?? ''}, '2000-01-01', ${config.period.mode},
                       ${config.period.mode === 'calendar' ? null : config.period.day}, 'npm run token')`;
    });
    const day = config.period.mode === 'calendar' ? '' : ` day ${config.period.day}`;
    console.log(
      `created tenant '${values.tenant}' (${config.currency} with ${config.currencyMinorUnits} decimals, ${config.timeZone}, ${config.period.mode}${day})`,
    );
    await scheduleCloses(values.tenant);
  }
  let customerId: number | undefined;
  if (role === 'customer') {
    const [customer] = await sql<
      { id: number }[]
    >`select id from customers where tenant_id = ${values.tenant} and ref = ${values.customer ?? ''}`;
    if (!customer) throw new Error(`--customer must name an existing customer ref of '${values.tenant}'`);
    customerId = customer.id;
  }
  const token = await createToken(sql, {
    tenantId: values.tenant,
    name: values.name ?? `${role} (npm run token)`,
    role,
    ...(customerId === undefined ? {} : { customerId }),
    createdBy: 'npm run token',
  });
  console.log(
    `${role} token ${token.id} for '${values.tenant}' (shown once, keep it safe):\n${token.secret}`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await close();
}

/** A new tenant's periods close by themselves once its schedule exists; the worker also makes it at start. */
async function scheduleCloses(tenantId: string) {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '3 seconds' });
  } catch {
    console.log(
      `Temporal is not reachable at ${address}: the worker creates the close schedule when it starts`,
    );
    return;
  }
  try {
    const ensured = await ensureCloseSchedules(
      new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' }),
      sql,
    );
    // Another tenant's fault is logged by ensureCloseSchedules; only this tenant's outcome is ours.
    if (ensured.includes(tenantId)) console.log(`close schedule created for '${tenantId}'`);
    else
      console.log(`no close schedule for '${tenantId}' yet: see the line above; the worker retries at start`);
  } catch (error) {
    console.log(
      `close schedule not created (${error instanceof Error ? error.message : error}): the worker creates it when it starts`,
    );
  } finally {
    await connection.close();
  }
}
