import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type postgres from 'postgres';

/** What `npm run fuzz` loads before the fuzzer runs, and how it proves the approved period did not move. */

export type ApiClient = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; json: unknown }>;

export function apiClient(baseUrl: string, token: string): ApiClient {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
}

async function expectStatus(api: ApiClient, status: number, method: string, path: string, body?: unknown) {
  const response = await api(method, path, body);
  if (response.status !== status) {
    throw new Error(
      `${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.json)}`,
    );
  }
  return response.json as Record<string, unknown>;
}

const at = (date: string) => `${date}T00:00:00Z`;
let keys = 0;
const entry = (fields: Record<string, unknown>) => ({
  key: `fuzz-book-${++keys}`,
  actor: 'npm run fuzz',
  ...fields,
});

/**
 * A small book: two SKUs with their mappings, a direct customer, a reseller with one customer billed
 * through it, a few users and a changing plan; December 2025 closed, approved and exported.
 */
export async function loadBook(api: ApiClient): Promise<void> {
  await expectStatus(api, 201, 'POST', '/v1/skus', {
    code: 'M365-E3',
    vendor: 'Microsoft',
    name: 'Microsoft 365 E3',
    unitPrice: '33.00',
    billingModel: 'recurring',
  });
  await expectStatus(api, 201, 'POST', '/v1/skus', {
    code: 'SUPPORT',
    vendor: 'MSP',
    name: 'Support contract',
    unitPrice: '50.00',
    billingModel: 'recurring',
    proration: 'full',
  });
  await expectStatus(api, 201, 'POST', '/v1/sku-mappings', {
    kind: 'plan',
    service: 'm365',
    product: 'E3',
    skuCode: 'M365-E3',
  });
  await expectStatus(api, 201, 'POST', '/v1/sku-mappings', {
    kind: 'plan',
    service: 'support',
    skuCode: 'SUPPORT',
  });
  const seat = (customer: string, user: string, date: string) => [
    entry({
      kind: 'user.created',
      occurredAt: at(date),
      customer,
      user,
      name: `${user}@${customer}.example`,
    }),
    entry({ kind: 'plan.changed', occurredAt: at(date), customer, user, service: 'm365', plan: 'E3' }),
  ];
  await expectStatus(api, 200, 'POST', '/v1/changes', [
    entry({ kind: 'customer.created', occurredAt: at('2025-12-01'), customer: 'c1', name: 'Contoso' }),
    entry({
      kind: 'customer.created',
      occurredAt: at('2025-12-01'),
      customer: 'r1',
      name: 'Northwind Reseller',
      resellerBilling: 'aggregate',
    }),
    entry({
      kind: 'customer.created',
      occurredAt: at('2025-12-01'),
      customer: 'r1a',
      name: 'Alpha',
      parent: 'r1',
      relationship: 'via',
    }),
    entry({
      kind: 'plan.changed',
      occurredAt: at('2025-12-01'),
      customer: 'r1',
      service: 'support',
      plan: 'std',
    }),
    ...seat('c1', 'u1', '2025-12-01'),
    ...seat('c1', 'u2', '2025-12-15'),
    ...seat('r1a', 'a1', '2025-12-01'),
    ...seat('c1', 'u3', '2026-01-11'),
  ]);
  await expectStatus(api, 202, 'POST', '/v1/periods/2025-12-31/close', {});
  await waitForStatus(api, '2025-12-31', ['awaiting_approval']);
  await expectStatus(api, 200, 'POST', '/v1/periods/2025-12-31/approve', { note: 'npm run fuzz' });
  await waitForStatus(api, '2025-12-31', ['exported']);
}

async function waitForStatus(api: ApiClient, period: string, wanted: string[]) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    // 404 until the close's workflow has opened the period.
    const response = await api('GET', `/v1/periods/${period}`);
    const current =
      response.status === 200
        ? (response.json as { period: { status: string } }).period
        : { status: 'not opened' };
    if (response.status !== 200 && response.status !== 404) {
      throw new Error(`GET /v1/periods/${period}: ${response.status} ${JSON.stringify(response.json)}`);
    }
    if (wanted.includes(current.status)) return;
    if (Date.now() > deadline)
      throw new Error(`period ${period} is ${current.status}, never ${wanted.join('/')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The approved period's items, roll-ups and stored exports (with the sha256 of each file on disk). */
export async function approvedPeriodSnapshot(sql: postgres.Sql, tenantId: string) {
  const [period] = await sql<{ id: number }[]>`
    select id from periods where tenant_id = ${tenantId} and end_date = '2025-12-31' and status = 'exported'
    order by revision limit 1`;
  if (!period) throw new Error('the approved period is gone');
  const items =
    await sql`select * from items where tenant_id = ${tenantId} and period_id = ${period.id} order by id`;
  const rollups = await sql`
    select * from rollups where tenant_id = ${tenantId} and period_id = ${period.id}
    order by level, customer_id`;
  const exports = await sql<{ format: string; path: string; sha256: string; bytes: number }[]>`
    select format, path, sha256, bytes from exports where tenant_id = ${tenantId} and period_id = ${period.id}
    order by format`;
  const files = await Promise.all(
    exports.map(async (stored) => ({
      ...stored,
      onDisk: createHash('sha256')
        .update(await readFile(stored.path))
        .digest('hex'),
    })),
  );
  return {
    periodId: period.id,
    items: items.length,
    rollups: rollups.length,
    exports: files.length,
    digest: createHash('sha256').update(JSON.stringify({ items, rollups, files })).digest('hex'),
    filesIntact: files.every((file) => file.onDisk === file.sha256),
  };
}
