import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPeriod } from '../../activities/export-period.js';
import { runStages } from '../../activities/run-stages.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';
import { buildBook } from './views-book.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('locked');
let book: Awaited<ReturnType<typeof buildBook>>;
let admin = '';
let exportDir = '';

beforeAll(async () => {
  exportDir = await mkdtemp(path.join(tmpdir(), 'monthend-locked-'));
  process.env.EXPORT_DIR = exportDir;
  book = await buildBook(sql, tenantId);
  admin = await api.token(tenantId, 'admin', undefined, 'alice@msp');
});
afterAll(() => rm(exportDir, { recursive: true, force: true }));

async function bytes(url: string) {
  const response = await api.app.request(url, { headers: { authorization: `Bearer ${admin}` } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** Everything an approved December shows, through each read model. */
async function december() {
  return {
    items: (await api.call('GET', '/v1/periods/2025-12-15/items', admin)).json,
    detail: (await api.call('GET', '/v1/periods/2025-12-15/service-detail', admin)).json,
    totals: (await api.call('GET', '/v1/periods/2025-12-15/totals', admin)).json,
    odata: (await api.call('GET', '/odata/Items?$filter=periodEnd eq 2025-12-31&$orderby=id', admin)).json,
    odataTotals: (
      await api.call(
        'GET',
        '/odata/CustomerTotals?$filter=periodEnd eq 2025-12-31&$orderby=customerId',
        admin,
      )
    ).json,
    reseller: (await api.call('GET', '/v1/periods/2025-12-15/totals?level=reseller', admin)).json,
    csv: await bytes('/v1/periods/2025-12-15/export.csv'),
    xlsx: await bytes('/v1/periods/2025-12-15/export.xlsx'),
  };
}

describe('an approved period shows the labels of its computation, whatever is edited later', () => {
  let stored: Awaited<ReturnType<typeof exportPeriod>> = [];
  let before: Awaited<ReturnType<typeof december>>;
  const file = (format: 'xlsx' | 'csv') => stored.find((one) => one.format === format);
  beforeAll(async () => {
    stored = await exportPeriod(sql, { periodId: book.decemberId });
    before = await december();
  });

  it('serves a live workbook of an approved period that hashes like the stored file', async () => {
    expect(sha256(before.xlsx)).toBe(file('xlsx')?.sha256);
    expect(sha256(await bytes('/v1/periods/2025-12-15/export.xlsx'))).toBe(file('xlsx')?.sha256);
    expect(before.csv.equals(await readFile(file('csv')?.path ?? ''))).toBe(true);
  });

  it('keeps rule, SKU and customer labels and the tree in every view, OData and live export after edits', async () => {
    const betaItem = before.items.items.find(
      (item: { customer: { ref: string } }) => item.customer.ref === 'r1b',
    );
    expect(betaItem.rule).toEqual({ id: book.ruleId, name: 'Beta go-live' });
    expect(
      before.odata.value
        .filter((row: { ruleName: string | null }) => row.ruleName !== null)
        .map((row: { customerRef: string; ruleName: string }) => [row.customerRef, row.ruleName]),
    ).toEqual([['r1b', 'Beta go-live']]);

    const renamed = await api.call('PATCH', `/v1/rules/${book.ruleId}`, admin, { name: 'Beta launch' });
    expect(renamed.status).toBe(200);
    const sku = await api.call('PATCH', '/v1/skus/SUPPORT', admin, { name: 'Premium care', vendor: 'Other' });
    expect(sku.status).toBe(200);
    await ingest(sql, tenantId, [
      { kind: 'customer.renamed', occurredAt: '2026-01-10T00:00:00Z', customer: 'r1b', name: 'Beta Ltd' },
    ]);
    // Alpha leaves Northwind and pays for itself from now on, re-tagged.
    const moved = await api.call('PATCH', '/v1/customers/r1a', admin, {
      parent: null,
      relationship: 'direct',
      tags: ['moved'],
    });
    expect(moved.json).toMatchObject({
      parent: null,
      relationship: 'direct',
      tags: ['moved'],
      invoiceTo: 'r1a',
    });

    const after = await december();
    expect(after.items).toEqual(before.items);
    expect(after.detail).toEqual(before.detail);
    expect(after.totals).toEqual(before.totals);
    expect(after.odata).toEqual(before.odata);
    expect(after.odataTotals).toEqual(before.odataTotals);
    expect(after.reseller).toEqual(before.reseller);
    // December's tree: Alpha under Northwind, which pays for it and rolls it up.
    expect(
      after.odataTotals.value.map((r: Record<string, unknown>) => [
        r.customerRef,
        r.parentRef,
        r.invoiceToRef,
        r.amount,
      ]),
    ).toEqual([
      ['c1', null, 'c1', 34],
      ['r1', null, 'r1', 50],
      ['r1a', 'r1', 'r1', 31],
      ['r1b', 'r1', 'r1', 0],
    ]);
    expect(after.reseller.totals).toEqual([
      {
        customer: { ref: 'r1', name: 'Northwind Reseller' },
        parent: null,
        depth: 0,
        itemCount: 3,
        amount: '81.00',
      },
    ]);
    expect(after.csv.equals(before.csv)).toBe(true);
    expect(after.xlsx.equals(before.xlsx)).toBe(true);
  });

  it('gives an open period the rule’s new name when it is reprocessed, as it gives it the rules of today', async () => {
    const ruleNames = async () =>
      (await api.call('GET', '/v1/periods/2026-01-15/items?customer=r1b', admin)).json.items.map(
        (item: { rule: { name: string } | null }) => item.rule?.name ?? null,
      );
    expect(await ruleNames()).toEqual(['Beta go-live', null]);
    await runStages(sql, book.januaryId);
    expect(await ruleNames()).toEqual(['Beta launch', null]);
  });
});
