import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { importVendorFile } from '../activities/vendor-files/import-vendor-file.js';
import { importStatedBefore } from '../activities/vendor-files/known-import.js';
import { readPage } from '../api/odata/query.js';
import { feedRecord, reconciliation } from '../api/odata/reconciliation-set.js';
import { reconciliationTotals } from '../billing/index.js';
import { connect } from '../db/connection.js';
import { migrateDatabase } from '../db/migrate.js';
import { periodUnitDayCosts } from '../db/views/item-costs.js';
import type { PeriodRevision } from '../db/views/period-revision.js';
import { periodReconciliation } from '../db/views/reconciliation.js';
import { SeededRandom } from './random.js';
import { nceHeader, nceLine } from './recon-file.js';
import { freshDatabase, startBenchServer } from './server.js';

/**
 * `npm run bench -- --only=recon [--lines=1000000]`: writes a Microsoft NCE reconciliation file of
 * realistic lines (monthly renewals, mid-month additions, prorated credits, annual terms, 5% of
 * customers unmapped), imports it through the production import, then matches the period against it.
 * It prints figures; it asserts nothing.
 */

const PRODUCTS = [
  {
    productId: 'CFQ7TTC0LCHC',
    skuId: '0002',
    skuName: 'Microsoft 365 Business Premium',
    price: '20.60',
    sku: 'M365-BP',
  },
  {
    productId: 'CFQ7TTC0LDPB',
    skuId: '0001',
    skuName: 'Microsoft 365 Business Standard',
    price: '11.70',
    sku: 'M365-BS',
  },
  {
    productId: 'CFQ7TTC0LH18',
    skuId: '0001',
    skuName: 'Microsoft 365 Business Basic',
    price: '5.60',
    sku: 'M365-BB',
  },
  { productId: 'CFQ7TTC0LFLZ', skuId: '0002', skuName: 'Microsoft 365 E3', price: '33.75', sku: 'M365-E3' },
  { productId: 'CFQ7TTC0HDB0', skuId: '0002', skuName: 'Project Plan 3', price: '28.10', sku: 'PROJECT' },
  { productId: 'CFQ7TTC0HD33', skuId: '0002', skuName: 'Visio Plan 2', price: '14.00', sku: 'VISIO' },
];

export async function benchReconImport(lines: number) {
  const server = await startBenchServer();
  try {
    const url = await freshDatabase(server.url, 'monthend_bench_recon');
    await migrateDatabase(url);
    const { sql, close } = connect(url, { max: 4 });
    try {
      const customers = Math.max(10, Math.round(lines / 400));
      await seedTenant(sql, customers);
      const file = path.join(server.scratch, 'recon.csv');
      let started = performance.now();
      await writeReconFile(file, lines, customers);
      const bytes = (await stat(file)).size;
      console.log(
        `generated ${lines.toLocaleString('en')} lines, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${seconds(started)} s`,
      );

      started = performance.now();
      const cpu = process.cpuUsage();
      const outcome = await importVendorFile(
        sql,
        { tenantId: 'bench', vendor: 'Microsoft', encoding: 'csv', importedBy: 'bench' },
        createReadStream(file, { highWaterMark: 1 << 20 }),
      );
      const importSeconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      if (outcome.kind !== 'imported')
        throw new Error(`import ${outcome.kind}: ${JSON.stringify(outcome).slice(0, 500)}`);
      console.log(
        `import: ${outcome.import.lineCount.toLocaleString('en')} lines in ${importSeconds.toFixed(1)} s = ` +
          `${Math.round(outcome.import.lineCount / importSeconds).toLocaleString('en')} lines/s ` +
          `(Node CPU ${((used.user + used.system) / 1e6).toFixed(1)} s; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`,
      );

      started = performance.now();
      const again = await importVendorFile(
        sql,
        { tenantId: 'bench', vendor: 'Microsoft', encoding: 'csv', importedBy: 'bench' },
        createReadStream(file, { highWaterMark: 1 << 20 }),
      );
      console.log(`same file again: ${again.kind} in ${seconds(started)} s (parsed, then rolled back)`);

      // As POST /v1/vendor-invoices does with a Content-Digest: the known file is only hashed.
      started = performance.now();
      const stated = await importStatedBefore(
        sql,
        'bench',
        outcome.import.sha256,
        createReadStream(file, { highWaterMark: 1 << 20 }),
      );
      console.log(
        `same file again, digest stated: ${stated ? 'already_imported' : 'not found'} in ${seconds(started)} s (hashed only)`,
      );

      const period = await benchPeriod(sql);
      started = performance.now();
      const result = await periodReconciliation(sql, period);
      const totals = reconciliationTotals(result);
      console.log(
        `match October: ${totals.lines.toLocaleString('en')} lines, ${result.unmapped.length} unmapped groups, ` +
          `charged ${totals.charged} in ${seconds(started)} s`,
      );

      // The OData Reconciliation set on top of the match: its lines through SQL as one jsonb
      // parameter, a first page with @odata.count, then a filtered, sorted page.
      const records = result.lines.map((line) => feedRecord(line, period.id));
      const feedSet = { ...reconciliation, load: async () => records };
      started = performance.now();
      const first = await readPage(sql, feedSet, { tenantId: 'bench' }, { count: true }, 5000);
      const firstSeconds = seconds(started);
      started = performance.now();
      const filter = "contains(varianceReasons,'unbilled') and year(periodEnd) eq 2026";
      const sorted = await readPage(
        sql,
        feedSet,
        { tenantId: 'bench' },
        { filter, orderby: 'cost desc' },
        5000,
      );
      console.log(
        `OData Reconciliation after the match: first page ${first.rows.length} of ${first.count} rows ` +
          `with $count in ${firstSeconds} s; $filter+$orderby page of ${sorted.rows.length} in ${seconds(started)} s`,
      );
      // Costing items: a whole month (management trends), and a staff page of items of 100 customers.
      started = performance.now();
      await periodUnitDayCosts(sql, period);
      console.log(`unit-day costs of October, every customer: ${seconds(started)} s`);
      const page = await sql<{ id: number }[]>`
        select id::int from customers where tenant_id = 'bench' order by id limit 100`;
      started = performance.now();
      await periodUnitDayCosts(
        sql,
        period,
        page.map((row) => row.id),
      );
      console.log(`unit-day costs of October, a page's 100 customers: ${seconds(started)} s`);
      return { lines, bytes, importSeconds };
    } finally {
      await close();
    }
  } finally {
    await server.stop();
  }
}

async function seedTenant(sql: ReturnType<typeof connect>['sql'], customers: number) {
  await sql`insert into tenants (id, name, currency, time_zone) values ('bench', 'Bench MSP', 'EUR', 'UTC')`;
  await sql`insert into period_configs (tenant_id, effective_from, mode, created_by) values ('bench', '2000-01-01', 'calendar', 'bench')`;
  for (const product of PRODUCTS) {
    await sql`insert into skus (tenant_id, code, vendor, name, unit_price, billing_model)
              values ('bench', ${product.sku}, 'Microsoft', ${product.skuName}, ${product.price}, 'recurring')`;
    await sql`insert into vendor_product_mappings (tenant_id, vendor, vendor_product_id, sku_code, created_by)
              values ('bench', 'Microsoft', ${product.productId}, ${product.sku}, 'bench')`;
  }
  await sql`
    insert into customers (tenant_id, ref, name, created_at)
    select 'bench', 'c' || n, 'Customer ' || n, '2026-01-01' from generate_series(1, ${customers}) n`;
  // Every twentieth customer is left unmapped, as in a real first import.
  await sql`
    insert into vendor_customer_mappings (tenant_id, vendor, vendor_customer_id, customer_id, created_by)
    select 'bench', 'Microsoft', 'c' || substr(ref, 2) || '.onmicrosoft.com', id, 'bench'
    from customers where tenant_id = 'bench' and substr(ref, 2)::int % 20 <> 0`;
}

/** Monthly renewals for October, with additions, prorated credits and annual terms mixed in. */
async function writeReconFile(file: string, lines: number, customers: number) {
  const random = new SeededRandom(42);
  let draws = 0;
  const rng = () => random.at(draws++, 7);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let chunk = nceHeader;
  for (let i = 0; i < lines; i++) {
    const n = 1 + Math.floor(rng() * customers);
    const product = PRODUCTS[Math.floor(rng() * PRODUCTS.length)] as (typeof PRODUCTS)[number];
    const quantity = 1 + Math.floor(rng() * 25);
    const kind = rng();
    const customer = {
      customerId: `${String(n).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`,
      customerName: `Customer ${n}`,
      domain: `c${n}.onmicrosoft.com`,
      ...product,
      unitPrice: product.price,
      subscriptionId: `${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`,
    };
    const cents = (value: number) => (value / 100).toFixed(2);
    const priceCents = Math.round(Number(product.price) * 100);
    if (kind < 0.8) {
      chunk += nceLine({
        ...customer,
        chargeType: 'Renew',
        chargeStart: '10/1/2026',
        chargeEnd: '10/31/2026',
        quantity: String(quantity),
        subtotal: cents(priceCents * quantity),
      });
    } else if (kind < 0.9) {
      const day = 2 + Math.floor(rng() * 28);
      const days = 32 - day;
      chunk += nceLine({
        ...customer,
        chargeType: 'New',
        chargeStart: `10/${day}/2026`,
        chargeEnd: '10/31/2026',
        quantity: String(quantity),
        subtotal: cents(Math.round((priceCents * quantity * days) / 31)),
      });
    } else if (kind < 0.97) {
      const day = 2 + Math.floor(rng() * 28);
      const days = 32 - day;
      chunk += nceLine({
        ...customer,
        chargeType: 'Cycle instance prorate',
        chargeStart: `10/${day}/2026`,
        chargeEnd: '10/31/2026',
        quantity: String(quantity),
        subtotal: cents(-Math.round((priceCents * quantity * days) / 31)),
      });
    } else {
      chunk += nceLine({
        ...customer,
        chargeType: 'Purchase',
        chargeStart: '10/1/2026',
        chargeEnd: '9/30/2027',
        quantity: String(quantity),
        subtotal: cents(priceCents * quantity * 12),
      });
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function benchPeriod(sql: ReturnType<typeof connect>['sql']): Promise<PeriodRevision> {
  const [row] = await sql<{ id: number }[]>`
    insert into periods (tenant_id, start_date, end_date, starts_at, ends_at, mode)
    values ('bench', '2026-10-01', '2026-10-31', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', 'calendar')
    returning id`;
  return {
    id: row?.id as number,
    tenantId: 'bench',
    startDate: '2026-10-01',
    endDate: '2026-10-31',
    revision: 1,
    status: 'open',
    approvedAt: null,
    superseded: false,
    currency: 'EUR',
    minorUnits: 2,
  };
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = Number(process.argv.find((arg) => arg.startsWith('--lines='))?.slice(8) ?? 1_000_000);
  await benchReconImport(lines);
}
