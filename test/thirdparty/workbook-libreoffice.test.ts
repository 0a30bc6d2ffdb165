import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBook } from '../api/views-book.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';

/**
 * The period's workbook as LibreOffice reads it, headless: it converts to PDF and every sheet to CSV
 * without errors, and booleans come out as TRUE/FALSE. `npm run check:thirdparty` installs LibreOffice
 * when missing; without `soffice` on PATH this file is skipped.
 */
const soffice = ['soffice', 'libreoffice'].find((name) => spawnSync('which', [name]).status === 0);

describe.skipIf(!soffice)('the workbook in LibreOffice (headless)', () => {
  let directory = '';
  let file = '';

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'monthend-libreoffice-'));
    const database = await freshDatabase();
    const api = apiForTests(database, await temporalForTests());
    const tenantId = uniqueTenantId('lo');
    await buildBook(database.sql, tenantId);
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

  it('converts to PDF', async () => {
    convert('pdf');
    expect((await stat(path.join(directory, 'period.pdf'))).size).toBeGreaterThan(1000);
  }, 180_000);

  it('converts every sheet to CSV, booleans as TRUE/FALSE', async () => {
    // Filter options: comma, double quote, UTF-8, from line 1, ..., sheet -1 = every sheet to its own file.
    convert('csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1');
    const files = (await readdir(directory)).filter((name) => name.endsWith('.csv')).sort();
    expect(files).toEqual([
      'period-Customer Totals.csv',
      'period-Invoice-to Totals.csv',
      'period-Reseller Roll-up.csv',
      'period-Service Detail.csv',
      'period-Service Summary.csv',
    ]);
    const detail = (await readFile(path.join(directory, 'period-Service Detail.csv'), 'utf8'))
      .trim()
      .split('\n');
    const header = (detail[0] ?? '').split(',');
    const billable = header.indexOf('Billable');
    expect(billable).toBeGreaterThan(0);
    const values = new Set(detail.slice(1).map((line) => line.split(',')[billable]));
    expect([...values].sort()).toEqual(['FALSE', 'TRUE']);
  }, 180_000);
});
