import { cpus, loadavg } from 'node:os';
import type { Client } from '@temporalio/client';
import { createApp } from '../api/app.js';
import { createToken } from '../api/routes/tokens.js';
import { connect } from '../db/connection.js';
import { migrateDatabase } from '../db/migrate.js';
import type { PeriodCloses } from '../workflows/client.js';
import { dropDatabase, freshDatabase, startBenchServer } from './server.js';

/**
 * `npm run bench -- --only=service-detail [--items=2000000] [--repeat=30] [--keep]`: the Service Detail grid
 * of one period holding 2 million items, read through the API (the Hono app, `app.request()`, JSON
 * included, no socket), first page and filtered pages, median and p95 over repeated requests against
 * the 300 ms target. The items are written straight into the tables, shaped like a close's (2,000
 * customers, a user per item, 12 SKUs of 4 vendors, an instance element for 1 item in 10): what is
 * measured is the read, not the close. It prints; it asserts nothing.
 */

const target = 300;
const tenantId = 'bench-grid';

export async function runServiceDetailBench(args: string[]): Promise<void> {
  const count = Number(flag(args, '--items') ?? 2_000_000);
  const repeat = Number(flag(args, '--repeat') ?? 30);
  // --keep leaves the server's data directory and the database behind, for EXPLAIN afterwards.
  const keep = args.includes('--keep');
  const server = await startBenchServer();
  const name = 'monthend_bench_service_detail';
  const url = await freshDatabase(server.url, name);
  try {
    await migrateDatabase(url);
    const { sql, db } = connect(url, { max: 4 });
    try {
      const started = performance.now();
      await sql`set maintenance_work_mem = '256MB'`;
      const ids = await buildPeriod(sql, count);
      console.error(`${count.toLocaleString('en')} items written in ${seconds(started)} s`);
      const app = createApp({
        db,
        sql,
        // The grid reads the database only; nothing here reaches Temporal.
        temporal: undefined as unknown as Client,
        closes: undefined as unknown as PeriodCloses,
      });
      const admin = await createToken(sql, { tenantId, name: 'bench', role: 'admin', createdBy: 'bench' });
      const customer = await createToken(sql, {
        tenantId,
        name: 'bench customer',
        role: 'customer',
        customerId: ids.customerId,
        createdBy: 'bench',
      });
      const base = '/v1/periods/2025-12-31/service-detail';
      const cases: [string, string, string][] = [
        ['first page (id order, 100 rows)', `${base}?limit=100`, admin.secret],
        ['first page, largest amount first', `${base}?limit=100&sort=-amount`, admin.secret],
        ['first page, by customer name', `${base}?limit=100&sort=customer`, admin.secret],
        ['filter: one customer', `${base}?limit=100&customer=${ids.customerRef}`, admin.secret],
        [
          'filter: one customer, largest amount first',
          `${base}?limit=100&customer=${ids.customerRef}&sort=-amount`,
          admin.secret,
        ],
        ['filter: one SKU (1 in 12)', `${base}?limit=100&sku=CTX-VAPPS`, admin.secret],
        ['filter: a rare SKU (1 in 1,000)', `${base}?limit=100&sku=RARE`, admin.secret],
        ['filter: non-billable', `${base}?limit=100&billable=false`, admin.secret],
        [
          'search: a customer name',
          `${base}?limit=100&q=${encodeURIComponent(ids.customerName)}`,
          admin.secret,
        ],
        ['search: a user name', `${base}?limit=100&q=${encodeURIComponent(ids.userName)}`, admin.secret],
        [
          'search: an instance name',
          `${base}?limit=100&q=${encodeURIComponent(ids.instanceName)}`,
          admin.secret,
        ],
        ['search: no match', `${base}?limit=100&q=zzzz-nowhere`, admin.secret],
        ['search: a product (1 in 12)', `${base}?limit=100&q=M365-BB`, admin.secret],
        ['search: every user (each name has it)', `${base}?limit=100&q=example`, admin.secret],
        ['customer token: its first page', `${base}?limit=100`, customer.secret],
        ['page 50 by cursor (largest amount first)', '', admin.secret],
      ];
      const rows: string[] = [];
      for (const [label, path, token] of cases) {
        const request = path === '' ? await deepCursorRequest(app, base, token) : path;
        const timings: number[] = [];
        let count = 0;
        for (let n = 0; n < repeat + 2; n++) {
          const t0 = performance.now();
          const response = await app.request(request, { headers: { authorization: `Bearer ${token}` } });
          const body = (await response.json()) as { rows?: unknown[] };
          if (response.status !== 200)
            throw new Error(`${label}: ${response.status} ${JSON.stringify(body)}`);
          // The first two warm the caches and the plan; the rest are measured.
          if (n >= 2) timings.push(performance.now() - t0);
          count = body.rows?.length ?? 0;
        }
        timings.sort((a, b) => a - b);
        const median = quantile(timings, 0.5);
        const p95 = quantile(timings, 0.95);
        rows.push(
          `| ${label} | ${count} | ${median.toFixed(0)} | ${p95.toFixed(0)} | ${p95 <= target ? 'yes' : '**no**'} |`,
        );
        console.error(`${label}: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
      }
      const load = loadavg()[0]?.toFixed(1);
      console.log(
        `\nService Detail of a period with ${count.toLocaleString('en')} items, ${repeat} requests each ` +
          `(1-minute load average ${load} on ${cpus().length} cores at the end):\n`,
      );
      console.log(`| Request | Rows | Median ms | p95 ms | p95 ≤ ${target} ms |`);
      console.log('|---|---|---|---|---|');
      for (const row of rows) console.log(row);
    } finally {
      await sql.end();
    }
  } finally {
    if (!keep) await dropDatabase(server.url, name).catch(() => {});
    await server.stop({ keep });
    if (keep) console.log(`kept ${server.scratch} (database ${name})`);
  }
}

/** The request for the 50th page of 100 in the amount order, following the cursors there. */
async function deepCursorRequest(app: ReturnType<typeof createApp>, base: string, token: string) {
  let cursor: string | null = null;
  for (let page = 1; page < 50; page++) {
    const path: string = `${base}?limit=100&sort=-amount${cursor === null ? '' : `&cursor=${cursor}`}`;
    const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
    cursor = ((await response.json()) as { cursor: string | null }).cursor;
  }
  return `${base}?limit=100&sort=-amount&cursor=${cursor}`;
}

/**
 * December 2025 of one tenant: 2,000 customers, items spread over them, a user per item. Plain SQL
 * over generate_series, then analysed, as the close leaves a period.
 */
async function buildPeriod(sql: ReturnType<typeof connect>['sql'], count: number) {
  const customers = 2_000;
  await sql`insert into tenants (id, name, currency, time_zone) values (${tenantId}, 'Bench Grid BV', 'EUR', 'UTC')`;
  await sql`insert into period_configs (tenant_id, effective_from, mode, day, created_by)
            values (${tenantId}, '2020-01-01', 'calendar', null, 'bench')`;
  await sql`
    insert into customers (tenant_id, ref, name, created_at)
    select ${tenantId}, 'c' || n, 'Customer ' || n || ' ' || (array['Ltd', 'BV', 'GmbH', 'Inc'])[1 + n % 4],
           '2024-01-01'
    from generate_series(1, ${customers}) n`;
  const [period] = await sql<{ id: number }[]>`
    insert into periods (tenant_id, start_date, end_date, starts_at, ends_at, mode, status)
    values (${tenantId}, '2025-12-01', '2025-12-31', '2025-12-01T00:00:00Z', '2026-01-01T00:00:00Z',
            'calendar', 'awaiting_approval')
    returning id`;
  const periodId = period?.id ?? 0;
  await sql`
    insert into period_customers (period_id, tenant_id, customer_id, parent_id, relationship, reseller_billing,
      invoice_to_id, depth, ancestor_ids, name, tags)
    select ${periodId}, tenant_id, id, null, 'direct', 'aggregate', id, 0, '{}', name, '{}'
    from customers where tenant_id = ${tenantId}`;
  // One user per item, so a user-name search is as selective as it is in a real book.
  await sql`
    insert into users (tenant_id, customer_id, ref, name, created_at)
    select ${tenantId}, c.id, 'u' || n, 'user' || n || '@c' || c.ref || '.example', '2024-01-01'
    from generate_series(1, ${count}) n
    join customers c on c.tenant_id = ${tenantId} and c.ref = 'c' || (1 + n % ${customers})`;
  await sql`
    insert into elements (tenant_id, kind, customer_id, service, product, ref, quantity, started_at, start_change_id)
    select ${tenantId}, 'instance', u.customer_id, 'vm', 'std', 'vm-' || u.id, 1, '2024-01-01', 0
    from users u where u.tenant_id = ${tenantId} and u.id % 10 = 0`;
  // Indexes are built after the load, in bulk (as a restore would): maintaining eleven of them row by
  // row, a trigram one among them, is the close's cost, not the grid's, and took most of the setup.
  const indexes = await sql<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes
    where tablename = 'items' and indexname <> 'items_pkey'`;
  for (const index of indexes) await sql.unsafe(`drop index ${index.name}`);
  await sql`
    insert into items (tenant_id, period_id, customer_id, invoice_to_id, user_id, element_id, kind, service,
      product, customer_name, user_name, sku_code, vendor, active_from, active_to, days_active, period_days,
      quantity, unit_price, amount, billable, carried_over)
    select ${tenantId}, ${periodId}, u.customer_id, u.customer_id, u.id, e.id,
           case when e.id is null then 'plan' else 'instance' end::element_kind,
           case when e.id is null then 'm365' else 'vm' end, sku.code, c.name, u.name,
           case when u.id % 1000 = 7 then 'RARE' else sku.code end, sku.vendor,
           '2025-12-01', '2026-01-01', 31, 31, 1, sku.price,
           case when u.id % 40 = 0 then 0 else sku.price end, u.id % 40 <> 0, true
    from users u
    join customers c on c.id = u.customer_id
    left join elements e on e.tenant_id = u.tenant_id and e.ref = 'vm-' || u.id
    join lateral (
      select (array['M365-BB','M365-BS','M365-BP','M365-E3','M365-E5','MS-DEF-P1','CTX-VAPPS','AVD-DESK',
                    'VEEAM-365','DNS-COM','ACR-BKP','KASEYA'])[1 + u.id % 12] as code,
             (array['Microsoft','Microsoft','Microsoft','Microsoft','Microsoft','Microsoft','Citrix','Microsoft',
                    'Veeam','Registrar','Acronis','Kaseya'])[1 + u.id % 12] as vendor,
             (5 + (u.id % 997) / 10.0)::numeric(20, 6) as price
    ) sku on true
    where u.tenant_id = ${tenantId}
    order by u.id`;
  for (const index of indexes) await sql.unsafe(index.definition);
  await sql`analyze`;
  const [sample] = await sql<
    { ref: string; name: string; userName: string; instance: string; customerId: number }[]
  >`
    select c.ref, c.name, u.name as "userName", 'vm-' || (u.id - u.id % 10 + 10) as instance, c.id as "customerId"
    from customers c join users u on u.customer_id = c.id
    where c.tenant_id = ${tenantId} and c.ref = 'c1234' order by u.id limit 1`;
  if (!sample) throw new Error('no sample customer');
  return {
    customerRef: sample.ref,
    customerName: sample.name,
    customerId: sample.customerId,
    userName: sample.userName,
    instanceName: sample.instance,
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}
function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(0);
}
function flag(args: string[], name: string): string | undefined {
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}
