import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPeriod } from '../../activities/export-period.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';
import { buildBook } from './views-book.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('exports');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let book: Awaited<ReturnType<typeof buildBook>>;
let admin = '';
let finance = '';
let reseller = '';
let exportDir = '';

beforeAll(async () => {
  exportDir = await mkdtemp(path.join(tmpdir(), 'monthend-exports-'));
  process.env.EXPORT_DIR = exportDir;
  book = await buildBook(sql, tenantId);
  admin = await api.token(tenantId, 'admin');
  finance = await api.token(tenantId, 'finance');
  reseller = await api.token(tenantId, 'customer', book.customerIds.r1, 'northwind portal');
});
afterAll(() => rm(exportDir, { recursive: true, force: true }));

async function download(url: string, token: string) {
  const response = await api.app.request(url, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

async function workbook(body: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  return book;
}

/** An exact decimal string as an integer count of 1/10000: amounts compare and sum without floats. */
function tenThousandths(decimal: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(decimal);
  if (!match) throw new Error(`not a decimal with at most 4 places: ${decimal}`);
  const value = BigInt(match[2] ?? '0') * 10000n + BigInt((match[3] ?? '').padEnd(4, '0'));
  return match[1] ? -value : value;
}

const cents = (amount: number) => Math.round(amount * 100);
const sheetNames = [
  'Service Summary',
  'Service Detail',
  'Customer Totals',
  'Invoice-to Totals',
  'Reseller Roll-up',
];
function sheetOf(book: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const sheet = book.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet '${name}'`);
  return sheet;
}
/** Title, five heading lines, then the header row; the data follow, then one total row. */
const HEADER_ROW = 7;
const column = (sheet: ExcelJS.Worksheet, index: number) =>
  (sheet.getColumn(index).values as unknown[]).slice(HEADER_ROW + 1, sheet.rowCount);
const headers = (sheet: ExcelJS.Worksheet) => (sheet.getRow(HEADER_ROW).values as unknown[]).slice(1);
const rowValues = (sheet: ExcelJS.Worksheet, row: number) => (sheet.getRow(row).values as unknown[]).slice(1);

describe('GET /v1/periods/{period}/export.xlsx', () => {
  it('streams one sheet per view with typed cells, frozen headers and filters, as a draft until approved', async () => {
    const response = await download('/v1/periods/2026-01-15/export.xlsx', admin);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(XLSX);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${tenantId}-2026-01-31-rev1-draft.xlsx"`,
    );
    // Streamed: nothing knew the length before the last byte.
    expect(response.headers.get('content-length')).toBeNull();

    const book = await workbook(response.body);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(sheetNames);
    expect(book.subject).toBe('Status: draft (open), not approved');
    for (const sheet of book.worksheets) {
      const view = sheet.views[0] as { state?: string; ySplit?: number } | undefined;
      expect({ sheet: sheet.name, state: view?.state, ySplit: view?.ySplit }).toEqual({
        sheet: sheet.name,
        state: 'frozen',
        ySplit: HEADER_ROW,
      });
      expect(sheet.autoFilter).toBeTruthy();
    }
    const detail = sheetOf(book, 'Service Detail');
    const customers = sheetOf(book, 'Customer Totals');
    expect(headers(sheetOf(book, 'Service Summary'))).toEqual([
      'Customer',
      'Service',
      'At start',
      'Added',
      'Removed',
      'At end',
    ]);
    expect(headers(detail)).toEqual([
      'Item',
      'Customer',
      'Invoice to',
      'User',
      'Kind',
      'Service',
      'Product',
      'SKU',
      'Vendor',
      'From',
      'To (excl.)',
      'Days',
      'Period days',
      'Quantity',
      'Unit price',
      'Discount %',
      'Amount',
      'Billable',
      'Rule',
      'Carried over',
      'Unmapped',
      'Adjusts period',
    ]);
    for (const name of ['Customer Totals', 'Invoice-to Totals', 'Reseller Roll-up']) {
      expect(headers(sheetOf(book, name))).toEqual(['Customer', 'Depth', 'Items', 'Amount (EUR)']);
    }
    expect(detail.autoFilter).toBe('A7:V17');
    expect(customers.autoFilter).toBe('A7:D11');

    // Service Detail: ten items, dates as dates, amounts as numbers in the currency's format.
    expect(detail.actualRowCount).toBe(HEADER_ROW + 10 + 1);
    const from = detail.getRow(HEADER_ROW + 1).getCell(10);
    expect(from.value).toBeInstanceOf(Date);
    expect((from.value as Date).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const amount = detail.getRow(HEADER_ROW + 1).getCell(17);
    expect(typeof amount.value).toBe('number');
    expect(amount.numFmt).toContain('"EUR"');
    expect(amount.numFmt).toBe('#,##0.00 "EUR"');
    expect(customers.getRow(HEADER_ROW + 1).getCell(4).numFmt).toBe('#,##0.00 "EUR"');

    const totals = await api.call('GET', '/v1/periods/2026-01-15/totals', admin);
    expect(totals.json.total).toBe('223.00');
    expect(column(customers, 1)).toEqual(
      totals.json.totals.map((t: { customer: { name: string } }) => t.customer.name),
    );
    expect(column(customers, 4)).toEqual(totals.json.totals.map((t: { amount: string }) => Number(t.amount)));
    const sum = (column(customers, 4) as number[]).reduce((total, value) => total + cents(value), 0);
    expect(BigInt(sum) * 100n).toBe(tenThousandths(totals.json.total));
    expect(column(sheetOf(book, 'Reseller Roll-up'), 4)).toEqual([140]);
  });

  it('heads every sheet with what it shows, totals it exactly and prints its header on each page', async () => {
    const book = await workbook((await download('/v1/periods/2026-01-15/export.xlsx', admin)).body);
    for (const sheet of book.worksheets) {
      expect(rowValues(sheet, 1)).toEqual([sheet.name]);
      expect([2, 3, 4, 5].map((row) => rowValues(sheet, row))).toEqual([
        [`Tenant: ${tenantId}`],
        ['Period: 2026-01-01..2026-01-31'],
        ['Revision: 1'],
        ['Status: draft (open), not approved'],
      ]);
      expect(rowValues(sheet, 6)).toEqual([
        expect.stringMatching(/^Generated at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      ]);
      expect(sheet.pageSetup).toMatchObject({
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
      });
      const header = sheet.getRow(HEADER_ROW);
      header.eachCell((cell) => {
        expect({ sheet: sheet.name, font: cell.font }).toEqual({
          sheet: sheet.name,
          font: { name: 'Calibri', size: 11, bold: true },
        });
      });
      expect(sheet.getRow(sheet.rowCount).getCell(1).value).toBe('Total');
    }
    // Total rows: the exact sums of the data above them (amounts to the cent, counts as integers).
    const detail = sheetOf(book, 'Service Detail');
    expect(detail.getRow(detail.rowCount).getCell(17).value).toBe(223);
    for (const name of ['Customer Totals', 'Invoice-to Totals']) {
      const sheet = sheetOf(book, name);
      expect(rowValues(sheet, sheet.rowCount)).toEqual(['Total', undefined, 10, 223]);
    }
    // The roll-up's tiers are already in their parents' figures: only the top tier adds up.
    const rollUp = sheetOf(book, 'Reseller Roll-up');
    expect(rowValues(rollUp, rollUp.rowCount)).toEqual(['Total', undefined, 7, 140]);
    const summary = sheetOf(book, 'Service Summary');
    const summed = [3, 4, 5, 6].map((index) =>
      (column(summary, index) as number[]).reduce((total, value) => total + value, 0),
    );
    expect(rowValues(summary, summary.rowCount)).toEqual(['Total', undefined, ...summed]);
  });

  it('gives a reseller’s token a workbook of its own subtree only, reconciling with its API total', async () => {
    const response = await download('/v1/periods/2026-01-15/export.xlsx', reseller);
    expect(response.status).toBe(200);
    const book = await workbook(response.body);
    const customers = sheetOf(book, 'Customer Totals');
    expect(column(customers, 1)).toEqual(['Northwind Reseller', 'Alpha', 'Beta']);
    const amounts = column(customers, 4) as number[];
    const total = await api.call('GET', '/v1/periods/2026-01-15/totals', reseller);
    expect(total.json.total).toBe('140.00');
    expect(BigInt(amounts.reduce((sum, amount) => sum + cents(amount), 0)) * 100n).toBe(
      tenThousandths(total.json.total),
    );
    expect(sheetOf(book, 'Service Detail').actualRowCount).toBe(HEADER_ROW + 7 + 1);
    expect(column(sheetOf(book, 'Invoice-to Totals'), 1)).toEqual(['Northwind Reseller']);
  });

  it('answers 404 for a period never generated and 400 for a date that is not one', async () => {
    expect((await download('/v1/periods/2026-06-01/export.xlsx', admin)).status).toBe(404);
    expect((await download('/v1/periods/2026-01-15/export.xlsx?revision=3', admin)).status).toBe(404);
    expect((await download('/v1/periods/2026-1-15/export.xlsx', admin)).status).toBe(400);
  });

  it('survives a client that goes away mid-download', async () => {
    const response = await api.app.request('/v1/periods/2026-01-15/export.xlsx', {
      headers: { authorization: `Bearer ${admin}` },
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await download('/v1/periods/2026-01-15/export.xlsx', admin)).status).toBe(200);
  });
});

describe('GET /v1/periods/{period}/export.csv', () => {
  async function csv(url: string, token: string) {
    const response = await download(url, token);
    const lines = response.body.toString('utf8').split('\r\n').filter(Boolean);
    const columns = (lines[0] ?? '').split(',');
    const amount = columns.indexOf('amount');
    const amounts = lines.slice(1).map((line) => line.split(',')[amount] ?? '');
    return { ...response, columns, lines, amounts };
  }

  it('streams Service Detail with exact decimals that sum to the API’s total, scoped like the API', async () => {
    const all = await csv('/v1/periods/2026-01-15/export.csv', admin);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(all.headers.get('content-disposition')).toBe(
      `attachment; filename="${tenantId}-2026-01-31-rev1-draft.csv"`,
    );
    expect(all.columns.slice(0, 3)).toEqual(['itemId', 'customerId', 'customerName']);
    expect(all.lines).toHaveLength(11);
    expect(all.body.toString('utf8')).not.toContain('"');
    const total = await api.call('GET', '/v1/periods/2026-01-15/totals', admin);
    expect(all.amounts.reduce((sum, amount) => sum + tenThousandths(amount), 0n)).toBe(
      tenThousandths(total.json.total),
    );

    const scoped = await csv('/v1/periods/2026-01-15/export.csv', reseller);
    expect(scoped.lines).toHaveLength(8);
    expect(scoped.amounts.reduce((sum, amount) => sum + tenThousandths(amount), 0n)).toBe(
      tenThousandths('140.00'),
    );
  });

  it('names an approved period without the draft suffix', async () => {
    const december = await csv('/v1/periods/2025-12-31/export.csv', admin);
    expect(december.headers.get('content-disposition')).toBe(
      `attachment; filename="${tenantId}-2025-12-31-rev1.csv"`,
    );
    expect(december.amounts.reduce((sum, amount) => sum + tenThousandths(amount), 0n)).toBe(
      tenThousandths('115.00'),
    );
  });
});

describe('stored exports of approved revisions', () => {
  let stored: Awaited<ReturnType<typeof exportPeriod>> = [];
  beforeAll(async () => {
    stored = await exportPeriod(sql, { periodId: book.decemberId });
  });

  it('lists them with format, checksum, size and time, for staff only', async () => {
    const listed = await api.call('GET', '/v1/periods/2025-12-15/exports', finance);
    expect(listed.status).toBe(200);
    const files = Object.fromEntries(stored.map((file) => [file.format, file]));
    const ids = await sql<{ id: number; format: string }[]>`
      select id, format from exports where tenant_id = ${tenantId} order by format`;
    expect(listed.json).toEqual({
      exports: ids.map(({ id, format }) => ({
        id,
        revision: 1,
        format,
        sha256: files[format]?.sha256,
        bytes: files[format]?.bytes,
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      })),
    });
    expect(listed.json.exports.map((e: { format: string }) => e.format)).toEqual(['xlsx', 'csv']);
    expect((await api.call('GET', '/v1/periods/2026-01-15/exports', finance)).json).toEqual({ exports: [] });
    expect((await api.call('GET', '/v1/periods/2026-06-15/exports', finance)).status).toBe(404);
    expect((await api.call('GET', '/v1/periods/2025-12-15/exports', reseller)).status).toBe(403);
  });

  it('streams a stored file after checking it against its SHA-256', async () => {
    const xlsx = stored.find((file) => file.format === 'xlsx');
    const [row] = await sql<
      { id: number }[]
    >`select id from exports where tenant_id = ${tenantId} and format = 'xlsx'`;
    const response = await download(`/v1/exports/${row?.id}`, finance);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(XLSX);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${tenantId}-2025-12-31-rev1.xlsx"`,
    );
    expect(response.body.equals(await readFile(xlsx?.path ?? ''))).toBe(true);
    expect(createHash('sha256').update(response.body).digest('hex')).toBe(xlsx?.sha256);
    const book = await workbook(response.body);
    expect(book.subject).toBeUndefined();
    const [approval] = await sql<{ approvedAt: Date }[]>`
      select approved_at as "approvedAt" from periods
      where tenant_id = ${tenantId} and start_date = '2025-12-01' and revision = 1`;
    expect([4, 5, 6].map((row) => rowValues(sheetOf(book, 'Customer Totals'), row))).toEqual([
      ['Revision: 1'],
      ['Status: approved'],
      [`Generated at: ${approval?.approvedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`],
    ]);
    const amounts = column(sheetOf(book, 'Customer Totals'), 4) as number[];
    expect(amounts.reduce((sum, amount) => sum + cents(amount), 0)).toBe(11500);
  });

  it('answers 409 when the file changed or vanished, 404 in another tenant, 403 for customers', async () => {
    const csv = stored.find((file) => file.format === 'csv');
    const [row] = await sql<
      { id: number }[]
    >`select id from exports where tenant_id = ${tenantId} and format = 'csv'`;
    const original = await readFile(csv?.path ?? '');
    expect((await download(`/v1/exports/${row?.id}`, admin)).body.equals(original)).toBe(true);

    await appendFile(csv?.path ?? '', 'tampered\r\n');
    const changed = await api.call('GET', `/v1/exports/${row?.id}`, admin);
    expect(changed.status).toBe(409);
    expect(changed.json.detail).toBe(
      `the file of export ${row?.id} no longer matches its recorded SHA-256 (${csv?.sha256})`,
    );
    await rm(csv?.path ?? '');
    const missing = await api.call('GET', `/v1/exports/${row?.id}`, admin);
    expect(missing.status).toBe(409);
    expect(missing.json.detail).toBe(`the file of export ${row?.id} is missing from storage`);
    await writeFile(csv?.path ?? '', original);
    expect((await download(`/v1/exports/${row?.id}`, admin)).status).toBe(200);

    const other = uniqueTenantId('other');
    await createTenant(sql, { id: other });
    expect((await api.call('GET', `/v1/exports/${row?.id}`, await api.token(other, 'admin'))).status).toBe(
      404,
    );
    expect((await api.call('GET', `/v1/exports/${row?.id}`, reseller)).status).toBe(403);
    expect((await api.call('GET', '/v1/exports/999999', admin)).status).toBe(404);
  });
});
