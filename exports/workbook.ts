import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type postgres from 'postgres';
import type { ViewScope } from '../db/views/scope.js';
import { serviceDetailQuery } from '../db/views/service-detail.js';
import { serviceSummary } from '../db/views/service-summary.js';
import { periodTotals, type TotalsLevel } from '../db/views/totals.js';
import { PeriodSheet } from './workbook-sheet.js';

export interface WorkbookContext {
  currency: string;
  minorUnits: number;
  periodLabel: string;
  /** The heading lines above every sheet's header row: tenant, period, revision, status, generated at. */
  heading: string[];
  /** The period's status when it is not approved yet: the workbook says it is a draft. */
  draftStatus?: string;
  /** The workbook's created and modified dates: the approval time, so an approved period's file is the same bytes. */
  at: Date;
  /** Staff only, on request: the period's vendor reconciliation as its own sheet. */
  reconciliation?: readonly ReconciliationSheetRow[];
}

/** One line of the Reconciliation sheet: a matched line, or an unmapped vendor charge. */
export interface ReconciliationSheetRow {
  vendor: string;
  customer: string;
  sku: string;
  provisionedUnitDays: string;
  billedUnitDays: string;
  chargedUnitDays: string;
  billedAmount: string;
  chargedAmount: string;
  cost: string | null;
  margin: string | null;
  variances: string;
}

/** What a workbook of this period revision says about itself, the same for the stored file and a live download. */
export function workbookContext(period: {
  tenantId: string;
  startDate: string;
  endDate: string;
  revision: number;
  status: string;
  currency: string;
  minorUnits: number;
  approvedAt: Date | null;
}): WorkbookContext {
  const final = period.status === 'approved' || period.status === 'exported';
  const at = final && period.approvedAt !== null ? period.approvedAt : new Date();
  return {
    currency: period.currency,
    minorUnits: period.minorUnits,
    periodLabel: `${period.startDate}..${period.endDate} r${period.revision}`,
    // Exported is approved with its files written: both say "approved", so the stored file and a
    // later live download stay the same bytes.
    heading: [
      `Tenant: ${period.tenantId}`,
      `Period: ${period.startDate}..${period.endDate}`,
      `Revision: ${period.revision}`,
      `Status: ${final ? 'approved' : `draft (${period.status}), not approved`}`,
      `Generated at: ${at.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    ],
    at,
    ...(final ? {} : { draftStatus: period.status }),
  };
}

/**
 * The period's workbook, streamed: one sheet per view, each headed by what it shows and closed by
 * a grand-total row (workbook-sheet.ts), dates as dates, money in the currency's format, frozen
 * header and filters. Service Detail is read through a cursor and each row is
 * committed as written, so a million items never sit in memory.
 */
export async function writePeriodWorkbook(
  sql: postgres.Sql,
  scope: ViewScope,
  context: WorkbookContext,
  stream: Writable,
): Promise<void> {
  fixZipEntryDates();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.created = context.at;
  workbook.modified = context.at;
  workbook.creator = 'Monthend';
  workbook.title = context.periodLabel;
  if (context.draftStatus) workbook.subject = `Status: draft (${context.draftStatus}), not approved`;
  const money = { numFmt: moneyFormat(context) };
  const date = { numFmt: 'yyyy-mm-dd' };
  // Boolean cells are real booleans; LibreOffice shows them as 1/0 unless the format names TRUE/FALSE.
  const boolean = { numFmt: '"TRUE";"TRUE";"FALSE"' };

  const summary = new PeriodSheet(
    workbook,
    'Service Summary',
    [
      { header: 'Customer', key: 'customerName', width: 32 },
      { header: 'Service', key: 'service', width: 20 },
      { header: 'At start', key: 'atStart', width: 10 },
      { header: 'Added', key: 'added', width: 10 },
      { header: 'Removed', key: 'removed', width: 10 },
      { header: 'At end', key: 'atEnd', width: 10 },
    ],
    context.heading,
    ['atStart', 'added', 'removed', 'atEnd'],
  );
  for (const row of await serviceSummary(sql, scope)) summary.add(row, { ...row });
  summary.close();

  const detail = new PeriodSheet(
    workbook,
    'Service Detail',
    [
      { header: 'Item', key: 'itemId', width: 10 },
      { header: 'Customer', key: 'customerName', width: 28 },
      { header: 'Invoice to', key: 'invoiceToName', width: 28 },
      { header: 'User', key: 'userName', width: 28 },
      { header: 'Kind', key: 'kind', width: 12 },
      { header: 'Service', key: 'service', width: 16 },
      { header: 'Product', key: 'product', width: 16 },
      { header: 'SKU', key: 'skuCode', width: 16 },
      { header: 'Vendor', key: 'vendor', width: 16 },
      { header: 'From', key: 'activeFrom', width: 12, style: date },
      { header: 'To (excl.)', key: 'activeTo', width: 12, style: date },
      { header: 'Days', key: 'daysActive', width: 7 },
      { header: 'Period days', key: 'periodDays', width: 7 },
      { header: 'Quantity', key: 'quantity', width: 10 },
      { header: 'Unit price', key: 'unitPrice', width: 12, style: { numFmt: '#,##0.00####' } },
      { header: 'Discount %', key: 'discountPercent', width: 10 },
      { header: 'Amount', key: 'amount', width: 14, style: money },
      { header: 'Billable', key: 'billable', width: 9, style: boolean },
      { header: 'Rule', key: 'ruleName', width: 24 },
      { header: 'Carried over', key: 'carriedOver', width: 9, style: boolean },
      { header: 'Unmapped', key: 'unmapped', width: 9, style: boolean },
      { header: 'Adjusts period', key: 'adjustsPeriodId', width: 10 },
    ],
    context.heading,
    // Non-billable items are 0.00, so the total of every amount is what the period bills.
    ['amount'],
  );
  const cursor = serviceDetailQuery(sql, scope).cursor(2000);
  for await (const rows of cursor) {
    for (const row of rows) {
      detail.add(
        {
          ...row,
          activeFrom: asDate(row.activeFrom),
          activeTo: asDate(row.activeTo),
          quantity: Number(row.quantity),
          unitPrice: Number(row.unitPrice),
          discountPercent: Number(row.discountPercent),
          amount: Number(row.amount),
        },
        { amount: row.amount },
      );
    }
    // Wait for the reader between batches, so a slow download holds back the cursor instead of
    // piling the whole sheet up in the zip's buffers.
    await roomIn(stream);
  }
  detail.close();

  const levels: [string, TotalsLevel][] = [
    ['Customer Totals', 'customer'],
    ['Invoice-to Totals', 'invoice_to'],
    ['Reseller Roll-up', 'reseller'],
  ];
  for (const [title, level] of levels) {
    const totals = new PeriodSheet(
      workbook,
      title,
      [
        { header: 'Customer', key: 'customerName', width: 32 },
        { header: 'Depth', key: 'depth', width: 7 },
        { header: 'Items', key: 'itemCount', width: 9 },
        { header: `Amount (${context.currency})`, key: 'amount', width: 16, style: money },
      ],
      context.heading,
      ['itemCount', 'amount'],
    );
    const rows = await periodTotals(sql, scope, level);
    const shown = new Set(rows.map((row) => row.customerId));
    for (const row of rows) {
      // A roll-up tier's figures are already in its parent's: only the top tiers shown add up.
      const counted = level !== 'reseller' || row.parentId === null || !shown.has(row.parentId);
      totals.add(
        { ...row, amount: Number(row.amount) },
        counted ? { itemCount: row.itemCount, amount: row.amount } : {},
      );
    }
    totals.close();
  }
  if (context.reconciliation) writeReconciliation(workbook, context, money);
  // The zip only reports 'finish': a reader gone before the end must not leave this pending forever.
  await Promise.race([workbook.commit(), closedEarly(stream)]);
}

const ZIP_EPOCH = new Date(Date.UTC(1980, 0, 1));
let zipDatesFixed = false;

/**
 * ExcelJS gives archiver no entry dates, so every zip entry would carry the time of writing and no two
 * downloads of an approved period would hash alike. Entries without a date get the zip epoch instead.
 */
function fixZipEntryDates() {
  if (zipDatesFixed) return;
  zipDatesFixed = true;
  // The very archiver ExcelJS loads, not a copy of our own.
  const archiver = createRequire(createRequire(import.meta.url).resolve('exceljs'))('archiver') as {
    create(format: string): object;
  };
  const prototype = Object.getPrototypeOf(archiver.create('zip')) as {
    _normalizeEntryData(data: { date?: unknown }, stats?: unknown): unknown;
  };
  const normalize = prototype._normalizeEntryData;
  prototype._normalizeEntryData = function (data, stats) {
    return normalize.call(this, { ...data, date: data.date ?? (stats ? null : ZIP_EPOCH) }, stats);
  };
}

/** Resolves once `stream` takes more data; rejects if it was closed (the client went away). */
export function roomIn(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error('the export stream was closed'));
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', onDrain).off('close', onClose).off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the export stream was closed'));
    stream.on('drain', onDrain).on('close', onClose).on('error', settle);
  });
}

function closedEarly(stream: Writable): Promise<never> {
  return new Promise((_, reject) => {
    stream.once('close', () => {
      if (!stream.writableFinished) reject(new Error('the export stream was closed'));
    });
  });
}

function writeReconciliation(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  context: WorkbookContext,
  money: Partial<ExcelJS.Style>,
) {
  const amounts = ['billedAmount', 'chargedAmount', 'cost', 'margin'] as const;
  const recon = new PeriodSheet(
    workbook,
    'Reconciliation',
    [
      { header: 'Vendor', key: 'vendor', width: 16 },
      { header: 'Customer', key: 'customer', width: 28 },
      { header: 'SKU', key: 'sku', width: 16 },
      { header: 'Provisioned unit-days', key: 'provisionedUnitDays', width: 12 },
      { header: 'Billed unit-days', key: 'billedUnitDays', width: 12 },
      { header: 'Charged unit-days', key: 'chargedUnitDays', width: 12 },
      { header: 'Billed', key: 'billedAmount', width: 14, style: money },
      { header: 'Charged', key: 'chargedAmount', width: 14, style: money },
      { header: 'Cost', key: 'cost', width: 14, style: money },
      { header: 'Margin', key: 'margin', width: 14, style: money },
      { header: 'Variances', key: 'variances', width: 48 },
    ],
    context.heading,
    amounts,
  );
  const number = (value: string | null) => (value === null ? null : Number(value));
  for (const row of context.reconciliation ?? []) {
    recon.add(
      {
        ...row,
        provisionedUnitDays: number(row.provisionedUnitDays),
        billedUnitDays: number(row.billedUnitDays),
        chargedUnitDays: number(row.chargedUnitDays),
        billedAmount: number(row.billedAmount),
        chargedAmount: number(row.chargedAmount),
        cost: number(row.cost),
        margin: number(row.margin),
      },
      Object.fromEntries(amounts.map((key) => [key, row[key]])),
    );
  }
  recon.close();
}

/** Excel keeps numbers as doubles: amounts are exact decimals in the database, shown to the minor unit. */
function moneyFormat(context: WorkbookContext): string {
  const decimals = context.minorUnits > 0 ? `.${'0'.repeat(context.minorUnits)}` : '';
  return `#,##0${decimals} "${context.currency}"`;
}

function asDate(localDate: string): Date {
  return new Date(`${localDate}T00:00:00Z`);
}
