import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  consoleUnderTest,
  expectAccessible,
  newPage,
  screenshot,
  signIn,
  steps,
} from '../support/browser.js';
import { waitForStage } from '../support/closes.js';
import { seedConsoleTenant } from './seed.js';

const { database, temporal, api, url, browser } = await consoleUnderTest();
const tenant = await seedConsoleTenant(database.sql, api);
const january = { tenantId: tenant.id, periodEnd: '2026-01-31' };

beforeAll(async () => {
  await temporal.withWorker(database, async () => {
    await tenant.closeDecemberAndJanuary(temporal.closes);
  });
}, 120_000);

describe('finance closes January in the console', () => {
  it('signs in, reviews, rejects with a reason, approves and downloads the workbook', async () => {
    await temporal.withWorker(database, async () => {
      const page = await newPage(browser);
      await steps(page, 'finance', async () => {
        await signIn(page, url, tenant.tokens.finance);
        await expect
          .poll(() => page.context().cookies())
          .toEqual([
            expect.objectContaining({ name: 'monthend_session', httpOnly: true, sameSite: 'Strict' }),
          ]);
        // The token is nowhere in the browser's storage.
        const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage, ...sessionStorage })');
        expect(stored).not.toContain(tenant.tokens.finance);

        await page.getByRole('heading', { name: 'Periods' }).waitFor();
        await screenshot(page, '01-periods');
        await expectAccessible(page, 'Periods');
        const row = page.getByRole('row', { name: /1–31 Jan 2026/ });
        await expect.poll(() => row.getByText('awaiting approval').count()).toBe(1);
        await row.getByRole('link').click();

        await page.getByRole('heading', { name: 'Period 1–31 Jan 2026' }).waitFor();
        const totals = page.getByRole('table', { name: 'Totals customer' });
        await expect
          .poll(() => totals.getByRole('row', { name: /Contoso/ }).textContent())
          .toBe('Contoso3€83.00');
        expect(await page.getByRole('columnheader', { name: 'Period total' }).textContent()).toBe('€226.00');
        await screenshot(page, '02-approval');
        await expectAccessible(page, 'Approval view');

        // What changed since December: Contoso's and Fabrikam's new seats.
        const changes = page.getByRole('table', { name: 'Changes per customer and SKU' });
        await expect
          .poll(() => changes.getByRole('row').allTextContents())
          .toEqual([
            'CustomerSKUUnitsAddedRemovedAmount change',
            'ContosoE32 → 310€21.00',
            'Fabrikam LtdE31 → 210€31.00',
          ]);

        // Explain Cat's seat at Contoso, from 11 January: 21 of 31 days.
        await page.getByRole('tab', { name: 'Service Detail' }).click();
        await page.getByLabel('Search names').fill('cat@');
        await page.getByRole('button', { name: 'Apply filters' }).click();
        const grid = page.getByRole('region', { name: 'Service Detail' });
        await expect.poll(() => grid.getByRole('row').count()).toBe(2);
        expect(page.url()).toContain('q=cat%40');
        await screenshot(page, '03-service-detail');
        await expectAccessible(page, 'Service Detail');
        await grid.getByRole('link', { name: /Explain item/ }).click();
        await page.getByRole('heading', { name: /^Item \d+: E3 for Contoso$/ }).waitFor();
        const started = page
          .getByRole('table', { name: 'Change-log entries' })
          .getByRole('row', { name: /Started it/ });
        expect(await started.textContent()).toMatch(/plan\.changed11 Jan 2026, 09:00/);
        expect(await page.getByRole('table', { name: 'Arithmetic' }).textContent()).toContain('€21.00');
        await screenshot(page, '04-explain-item');
        await expectAccessible(page, 'Explain this item');
        await page.goBack();
        await page.goBack();
        await page.getByRole('tab', { name: 'Approval' }).click();

        // Rejecting needs a reason: the console says so before the API is asked.
        await page.getByRole('button', { name: 'Reject' }).click();
        const dialog = page.getByRole('dialog', { name: 'Reject this period' });
        await dialog.getByRole('button', { name: 'Reject' }).click();
        await dialog.getByText('a reason is required').waitFor();
        await dialog.getByLabel('Reason').fill('Northwind support is free in January');
        await dialog.getByRole('button', { name: 'Reject' }).click();
        await dialog.waitFor({ state: 'detached' });
        await page.getByText('rejected by fiona (finance)').waitFor();
        await waitForStage(temporal.closes, january, 'rejected');

        // The fix: a rule, previewed, then saved with a reprocess of the periods it reaches.
        await page.getByRole('link', { name: 'Rules' }).click();
        await page.getByRole('button', { name: 'New rule' }).click();
        await page
          .getByRole('textbox', { name: 'Name', exact: true })
          .fill('Northwind support free in January');
        await page.getByLabel('Not billed from').fill('2026-01-01');
        await page.getByLabel('Not billed to').fill('2026-01-31');
        await page.getByLabel('SKU code').fill('SUPPORT');
        await page.getByRole('button', { name: 'Preview' }).click();
        const preview = page.getByRole('table', { name: 'Rule preview' });
        await expect
          .poll(() => preview.getByRole('row').allTextContents())
          .toEqual([
            'PeriodCustomers reachedItemsBilled beforeafterchange',
            expect.stringMatching(/^1–31 Jan 2026 \(.+\)Northwind Partners1€81\.00€31\.00-€50\.00$/),
          ]);
        await screenshot(page, '05-rules');
        await expectAccessible(page, 'Rules');
        await page.getByRole('button', { name: 'Save and reprocess' }).click();
        await page.getByText('Saved Northwind support free in January').waitFor();
        await waitForStage(temporal.closes, january, 'awaiting_approval');

        await page.getByRole('link', { name: 'Periods' }).click();
        await page
          .getByRole('row', { name: /1–31 Jan 2026/ })
          .getByRole('link')
          .click();
        await expect
          .poll(() => page.getByRole('columnheader', { name: 'Period total' }).textContent())
          .toBe('€176.00');

        await page.getByRole('button', { name: 'Approve' }).click();
        const approve = page.getByRole('dialog', { name: 'Approve this period' });
        await approve.getByLabel('Note (optional)').fill('checked against the change log');
        await approve.getByRole('button', { name: 'Approve' }).click();
        await approve.waitFor({ state: 'detached' });
        await waitForStage(temporal.closes, january, 'exported');
        await page.getByText('approved by fiona (finance)').waitFor();

        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('link', { name: 'Download workbook (xlsx)' }).click(),
        ]);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.readFile(await download.path());
        expect(workbook.worksheets.map((sheet) => sheet.name)).toContain('Service Detail');
        const detail = workbook.getWorksheet('Service Detail');
        // Title and heading lines, the header row (row 7), seven items, the total row.
        expect(detail?.rowCount).toBe(7 + 7 + 1);
      });
    });
  });
});
