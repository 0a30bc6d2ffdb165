import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBook } from '../api/views-book.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';
import { thirdPartyPython } from './python-venv.js';

/**
 * The period's workbook as LibreOffice reads it, headless: it converts to PDF (the header row
 * printed again on every page) and every sheet to CSV without errors, booleans come out as
 * TRUE/FALSE; and as openpyxl reads it: print titles, page setup, heading lines, header fonts and
 * total rows. `npm run check:thirdparty` installs LibreOffice when missing; without `soffice` on
 * PATH this file is skipped. openpyxl and pypdf are installed into ~/.cache/monthend once.
 */
const soffice = ['soffice', 'libreoffice'].find((name) => spawnSync('which', [name]).status === 0);
const COPIES = 20;
const SHEETS = [
  'Service Summary',
  'Service Detail',
  'Customer Totals',
  'Invoice-to Totals',
  'Reseller Roll-up',
];
const LAST_COLUMN: Record<string, string> = { 'Service Summary': 'F', 'Service Detail': 'V' };

describe.skipIf(!soffice)('the workbook in LibreOffice (headless) and openpyxl', () => {
  let directory = '';
  let file = '';
  let tenantId = '';
  let detailTotal = '';

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'monthend-libreoffice-'));
    const database = await freshDatabase();
    const api = apiForTests(database, await temporalForTests());
    tenantId = uniqueTenantId('lo');
    const book = await buildBook(database.sql, tenantId);
    // Service Detail long enough to print on several pages: January's ten items, 21 times over.
    const columns = await database.sql<{ name: string }[]>`
      select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = 'items' and column_name <> 'id'
      order by ordinal_position`;
    const names = database.sql(columns.map((column) => column.name));
    await database.sql`
      insert into items (${names})
      select ${names} from items, generate_series(1, ${COPIES})
      where period_id = ${book.januaryId}`;
    const [sum] = await database.sql<{ total: string }[]>`
      select trim_scale(sum(amount))::text as total from items where period_id = ${book.januaryId}`;
    detailTotal = sum?.total ?? '';
    const admin = await api.token(tenantId, 'admin');
    const response = await api.app.request('/v1/periods/2026-01-15/export.xlsx', {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(200);
    file = path.join(directory, 'period.xlsx');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
  }, 180_000);
  afterAll(() => rm(directory, { recursive: true, force: true }));

  const convert = (to: string) =>
    execFileSync(
      soffice as string,
      [
        `-env:UserInstallation=file://${directory}/profile`,
        '--headless',
        '--norestore',
        '--convert-to',
        to,
        '--outdir',
        directory,
        file,
      ],
      { timeout: 150_000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );

  /** openpyxl's reading of the workbook (and pypdf's of the PDF, once converted), as JSON. */
  async function readWithPython(pdf?: string) {
    const script = fileURLToPath(new URL('./read-workbook.py', import.meta.url));
    const output = execFileSync(await thirdPartyPython(), [script, file, ...(pdf ? [pdf] : [])], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    return JSON.parse(output) as { sheets: PythonSheet[]; pages?: string[] };
  }

  it('converts to PDF, the header row printed again on every page of Service Detail', async () => {
    convert('pdf');
    const pdf = path.join(directory, 'period.pdf');
    expect((await stat(pdf)).size).toBeGreaterThan(1000);
    const pages = (await readWithPython(pdf)).pages ?? [];
    // Every page's footer names its sheet; the data rows of Service Detail take several pages.
    const detailPages = pages.filter((text) => text.includes('Service Detail') && text.includes('Page '));
    expect(detailPages.length).toBeGreaterThanOrEqual(2);
    for (const text of detailPages) {
      expect(text).toContain('Invoice to');
      expect(text).toContain('Adjusts period');
    }
    // The heading lines are printed once, above the first page's header, not repeated.
    expect(detailPages.filter((text) => text.includes(`Tenant: ${tenantId}`))).toHaveLength(1);
    for (const sheet of SHEETS) {
      expect(pages.some((text) => text.includes(sheet) && text.includes('Total'))).toBe(true);
    }
  }, 240_000);

  it('converts every sheet to CSV: heading lines, booleans as TRUE/FALSE, the exact total', async () => {
    // Filter options: comma, double quote, UTF-8, from line 1, ..., sheet -1 = every sheet to its own file.
    convert('csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1');
    const files = (await readdir(directory)).filter((name) => name.endsWith('.csv')).sort();
    expect(files).toEqual(SHEETS.map((sheet) => `period-${sheet}.csv`).sort());
    const lines = (await readFile(path.join(directory, 'period-Service Detail.csv'), 'utf8'))
      .trim()
      .split('\n');
    const detail = lines.map((line) => line.split(','));
    expect(lines.slice(0, 5).map((line) => line.replace(/,+$/, ''))).toEqual([
      'Service Detail',
      `Tenant: ${tenantId}`,
      'Period: 2026-01-01..2026-01-31',
      'Revision: 1',
      '"Status: draft (open), not approved"',
    ]);
    const header = detail[6] ?? [];
    const billable = header.indexOf('Billable');
    const amount = header.indexOf('Amount');
    expect([billable, amount]).toEqual([17, 16]);
    const data = detail.slice(7, -1);
    expect(data).toHaveLength(10 * (COPIES + 1));
    expect([...new Set(data.map((line) => line[billable]))].sort()).toEqual(['FALSE', 'TRUE']);
    const total = detail.at(-1) ?? [];
    expect([total[0], total[amount]]).toEqual(['Total', detailTotal]);
  }, 240_000);

  it('reads in openpyxl with print titles, landscape fit to width, heading lines, one header font and totals', async () => {
    const { sheets } = await readWithPython();
    expect(sheets.map((sheet) => sheet.name)).toEqual(SHEETS);
    for (const sheet of sheets) {
      expect({ ...sheet, header: undefined, totalRow: undefined, dataRows: undefined }).toEqual({
        name: sheet.name,
        printTitleRows: '$7:$7',
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        freezePanes: 'A8',
        autoFilter: `A7:${LAST_COLUMN[sheet.name] ?? 'D'}${7 + sheet.dataRows}`,
        heading: [
          sheet.name,
          `Tenant: ${tenantId}`,
          'Period: 2026-01-01..2026-01-31',
          'Revision: 1',
          'Status: draft (open), not approved',
          expect.stringMatching(/^Generated at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        ],
        headerRow: 7,
        headerFonts: [JSON.stringify(['Calibri', 11, true])],
        header: undefined,
        totalRow: undefined,
        dataRows: undefined,
      });
    }
    const byName = new Map(sheets.map((sheet) => [sheet.name, sheet]));
    const detail = byName.get('Service Detail');
    expect(detail?.dataRows).toBe(10 * (COPIES + 1));
    expect([detail?.totalRow[0], detail?.totalRow[16]]).toEqual(['Total', Number(detailTotal)]);
    expect(byName.get('Customer Totals')?.totalRow).toEqual(['Total', null, 10, 223]);
    expect(byName.get('Invoice-to Totals')?.totalRow).toEqual(['Total', null, 10, 223]);
    expect(byName.get('Reseller Roll-up')?.totalRow).toEqual(['Total', null, 7, 140]);
  }, 240_000);
});

interface PythonSheet {
  name: string;
  printTitleRows: string | null;
  orientation: string;
  fitToPage: boolean;
  fitToWidth: number;
  fitToHeight: number;
  freezePanes: string | null;
  autoFilter: string | null;
  heading: string[];
  headerRow: number;
  header: string[];
  headerFonts: string[];
  totalRow: (string | number | boolean | null)[];
  dataRows: number;
}
