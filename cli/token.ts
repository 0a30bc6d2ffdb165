// `npm run token -- --tenant T --role admin`: the first admin token of a fresh install (creating the
// tenant if it does not exist yet), or any token from the command line. The secret is printed once.
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createToken } from '../api/routes/tokens.js';
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

const url = process.env.DATABASE_URL ?? 'postgres://monthend:monthend@127.0.0.1:5433/monthend';
await migrateDatabase(url);
const { sql, close } = connect(url, { max: 1 });
try {
  const [existing] = await sql`select id from tenants where id = ${values.tenant}`;
  if (!existing) {
    await sql.begin(async (tx) => {
      await tx`insert into tenants (id, name, currency, time_zone)
               values (${values.tenant ?? ''}, ${values['tenant-name'] ?? values.tenant ?? ''}, ${values.currency ?? 'EUR'}, ${values['time-zone'] ?? 'UTC'})`;
      await tx`insert into period_configs (tenant_id, effective_from, mode, day, created_by)
               values (${values.tenant ?? ''}, '2000-01-01', ${values['period-mode'] ?? 'calendar'},
                       ${values['period-day'] ? Number(values['period-day']) : null}, 'npm run token')`;
    });
    console.log(
      `created tenant '${values.tenant}' (${values.currency}, ${values['time-zone']}, ${values['period-mode']})`,
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
  try {
    const connection = await Connection.connect({ address, connectTimeout: '3 seconds' });
    await ensureCloseSchedules(
      new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' }),
      sql,
    );
    await connection.close();
    console.log(`close schedule created for '${tenantId}'`);
  } catch {
    console.log(
      `Temporal is not reachable at ${address}: the worker creates the close schedule when it starts`,
    );
  }
}
