import { execFile, spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverOptions } from '../../api/serve.js';
import { sumAmounts } from '../../billing/money.js';
import { buildBook } from '../api/views-book.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';

/**
 * The OData feed read by a client nobody here wrote: Apache Olingo's OData v4 Java client
 * (test/thirdparty/olingo, built with Maven). It reads $metadata, walks Items to the end through
 * @odata.nextLink, expands Customer and Period, filters with year(), reads Reconciliation, and prints
 * exact sums that must equal the API's. Needs Java 17 and Maven (`.ci/run` installs them): without
 * `mvn` this file fails, it does not skip. The first build downloads Olingo into ~/.m2.
 */
const run = promisify(execFile);
const PROJECT = path.join(import.meta.dirname, 'olingo');
const PAGE_SIZE = 3;

interface Totals {
  rows: number;
  sums: Record<string, string>;
}
interface Summary {
  metadata: { entitySets: string[]; navigations: Record<string, string[]> };
  items: Totals & { pages: number };
  itemsWithCustomer: Totals & { customerMismatches: number };
  itemsOfYear: Totals & { year: number };
  reconciliation: Totals & { reasons: Record<string, number> };
}

/** Offline first (a machine that built it once has every jar); online when something is missing. */
async function buildClient(): Promise<void> {
  const goals = ['-B', '-q', 'compile', 'dependency:copy-dependencies'];
  try {
    await run('mvn', ['-o', ...goals], { cwd: PROJECT, timeout: 300_000 });
  } catch {
    await run('mvn', goals, { cwd: PROJECT, timeout: 900_000 });
  }
}

const database = await freshDatabase();
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('olingo');
let server: ServerType | undefined;
let summary: Summary;
let admin = '';

const get = async (url: string) => api.call('GET', url, admin);

/**
 * The view book (December 2025 approved, January 2026 a draft) with Microsoft's December invoice:
 * Contoso's 3 E3 seats (2 charged from 1 Dec, provisioned from 15 Dec), Alpha's and Beta's seats.
 */
async function seedVendorCharges() {
  const csv =
    'vendor,vendor_customer_id,vendor_product_id,quantity,charge_start,charge_end,unit_cost,amount,currency\n' +
    'Microsoft,contoso-tid,E3-ID,2,2025-12-01,2025-12-31,25.00,50.00,EUR\n' +
    'Microsoft,alpha-tid,E3-ID,1,2025-12-01,2025-12-31,25.05,25.05,EUR\n' +
    'Microsoft,beta-tid,E3-ID,1,2025-12-01,2025-12-31,33.17,33.17,EUR\n';
  const imported = await api.call('POST', '/v1/vendor-invoices?vendor=Microsoft', admin, csv, {
    'content-type': 'text/csv',
  });
  expect(imported.status, imported.text).toBe(201);
  for (const [kind, body] of [
    ['customers', { vendor: 'Microsoft', vendorCustomerId: 'contoso-tid', customer: 'c1' }],
    ['customers', { vendor: 'Microsoft', vendorCustomerId: 'alpha-tid', customer: 'r1a' }],
    ['customers', { vendor: 'Microsoft', vendorCustomerId: 'beta-tid', customer: 'r1b' }],
    ['products', { vendor: 'Microsoft', vendorProductId: 'E3-ID', sku: 'E3' }],
  ] as const) {
    const mapped = await api.call('POST', `/v1/vendor-mappings/${kind}`, admin, body);
    expect(mapped.status, mapped.text).toBe(201);
  }
}

describe("the OData feed read by Apache Olingo's OData v4 Java client", () => {
  beforeAll(async () => {
    if (spawnSync('mvn', ['-v']).status !== 0 || spawnSync('java', ['-version']).status !== 0) {
      throw new Error(
        'mvn or java is not on PATH: install Maven 3.8+ and Java 17 (apt-get install maven openjdk-17-jdk-headless); ' +
          '.ci/run does, and this check must not be skipped',
      );
    }
    await buildClient();
    await buildBook(database.sql, tenantId);
    admin = await api.token(tenantId, 'finance');
    await seedVendorCharges();
    const running = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions }, () =>
        resolve(s),
      );
    });
    server = running;
    const { port } = running.address() as AddressInfo;
    const { stdout } = await run(
      'java',
      [
        '-cp',
        `target/classes${path.delimiter}target/lib/*`,
        'monthend.FeedReader',
        `http://127.0.0.1:${port}/odata`,
        admin,
        '2025',
        String(PAGE_SIZE),
      ],
      { cwd: PROJECT, timeout: 120_000 },
    );
    summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    // The figures in the test log, for the reader who checks what the client saw.
    console.log(`Olingo read: ${JSON.stringify(summary)}`);
  }, 1_200_000);
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('reads $metadata: the sets and their navigation bindings', async () => {
    const names = (await get('/odata')).json.value.map((set: { name: string }) => set.name);
    expect(summary.metadata.entitySets).toEqual(names);
    expect(names).toEqual([
      'Items',
      'CustomerTotals',
      'Periods',
      'Customers',
      'Reconciliation',
      'UnmappedCharges',
      'Skus',
    ]);
    expect(summary.metadata.navigations).toEqual({
      CustomerTotals: ['Customer->Customers', 'Period->Periods'],
      Customers: [],
      Items: ['Customer->Customers', 'InvoiceTo->Customers', 'Period->Periods'],
      Periods: [],
      Reconciliation: ['Customer->Customers', 'Period->Periods', 'Sku->Skus'],
      Skus: [],
      UnmappedCharges: ['Period->Periods'],
    });
  });

  it('walks every Item page by page to the end, the sums exact', async () => {
    const { sql } = database;
    const [stored] = await sql<{ rows: number; amount: string; billable: string }[]>`
      select count(*)::int as rows, sum(i.amount)::text as amount,
             coalesce(sum(i.amount) filter (where i.billable), 0)::text as billable
      from items i join periods p on p.id = i.period_id
      where i.tenant_id = ${tenantId} and p.superseded_at is null`;
    expect(summary.items.rows).toBe(Number((await get('/odata/Items/$count')).text));
    expect(summary.items.rows).toBe(stored?.rows);
    expect(summary.items.pages).toBe(Math.ceil((stored?.rows ?? 0) / PAGE_SIZE));
    expect(summary.items.sums).toEqual({
      amount: sumAmounts([stored?.amount ?? '']),
      billableAmount: sumAmounts([stored?.billable ?? '']),
    });
    expect(summary.items.pages).toBeGreaterThan(2);
  });

  it('expands each Item to its Customer and Period, and filters by year()', async () => {
    expect(summary.itemsWithCustomer).toEqual({ rows: summary.items.rows, sums: {}, customerMismatches: 0 });
    const december = await get('/odata/Items?$filter=year(periodEnd) eq 2025&$select=amount');
    const count = Number((await get('/odata/Items/$count?$filter=year(periodEnd) eq 2025')).text);
    expect(december.json['@odata.nextLink']).toBeUndefined();
    expect(summary.itemsOfYear).toEqual({
      rows: count,
      sums: { amount: sumAmounts(december.json.value.map((row: { amount: number }) => String(row.amount))) },
      year: 2025,
    });
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(summary.items.rows);
  });

  it("reads Reconciliation with the API's figures", async () => {
    const detail = await get('/v1/periods/2025-12-15/reconciliation');
    expect(detail.status).toBe(200);
    const { totals } = detail.json;
    expect(totals.unmappedCharged).toBe('0');
    expect(summary.reconciliation.rows).toBe(totals.lines);
    expect(summary.reconciliation.sums).toEqual({
      billedAmount: totals.billed,
      chargedAmount: totals.charged,
      cost: totals.cost,
      margin: totals.margin,
      unbilledAmount: sumAmounts(
        totals.variances
          .filter((v: { reason: string }) => v.reason === 'unbilled')
          .map((v: { amount: string }) => v.amount),
      ),
    });
    expect(summary.reconciliation.reasons).toEqual(
      Object.fromEntries(
        totals.variances
          .filter((v: { count: number }) => v.count > 0)
          .map((v: { reason: string; count: number }) => [v.reason, v.count]),
      ),
    );
    expect(summary.reconciliation.rows).toBeGreaterThan(0);
  });
});
