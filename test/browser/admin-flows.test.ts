import type { Page } from 'playwright-core';
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
import { createSku, ingest } from '../support/fixtures.js';
import { seedConsoleTenant } from './seed.js';

const { database, sql, temporal, api, url, browser } = await consoleUnderTest();
const tenant = await seedConsoleTenant(sql, api);
const { admin, finance } = tenant.tokens;

beforeAll(async () => {
  await temporal.withWorker(database, () => tenant.closeDecemberAndJanuary(temporal.closes));
  // A backup instance no SKU prices yet, from February: the catalog lists it as unmapped.
  await createSku(sql, tenant.id, { code: 'BACKUP', vendor: 'Veeam', price: '0.012500', maps: [] });
  await ingest(sql, tenant.id, [
    {
      kind: 'instance.added',
      occurredAt: '2026-02-03T10:00:00Z',
      customer: 'c1',
      service: 'backup',
      product: 'Veeam 100GB',
      instance: 'vbr-1',
    },
  ]);
}, 180_000);

/** January's total as the API answers it, for the figures a rule edit must change. */
const januaryTotal = async () =>
  (await api.call('GET', '/v1/periods/2026-01-31/totals', finance)).json.total as string;

async function adminOn(link: string): Promise<Page> {
  const page = await newPage(browser);
  page.setDefaultTimeout(20_000);
  await signIn(page, url, admin);
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: link }).click();
  return page;
}

describe('an admin’s flows in the console', () => {
  it('creates, edits and ends a rule, each previewed, and January follows every step', async () => {
    const page = await adminOn('Rules');
    await steps(page, 'rules', () =>
      temporal.withWorker(database, async () => {
        // Contoso is not billed 1–15 Jan: 16 of 31 days of each seat (Cat's from 11 Jan too), 83.00 -> 48.00.
        await page.getByRole('button', { name: 'New rule' }).click();
        await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Contoso goodwill');
        await page.getByLabel('Not billed from').fill('2026-01-01');
        await page.getByLabel('Not billed to').fill('2026-01-15');
        await page.getByLabel('Customer ref').fill('c1');
        await page.getByRole('button', { name: 'Preview' }).click();
        const preview = page.getByRole('table', { name: 'Rule preview' });
        await expect
          .poll(() => preview.getByRole('row').allTextContents())
          .toEqual([
            'PeriodCustomers reachedItemsBilled beforeafterchange',
            '1–31 Jan 2026 (awaiting approval)Contoso3€83.00€48.00-€35.00',
          ]);
        await page.getByRole('button', { name: 'Save and reprocess' }).click();
        await page.getByText('Saved Contoso goodwill').waitFor();
        await expect.poll(januaryTotal, { timeout: 30_000 }).toBe('191.00');
        await page.getByRole('button', { name: 'Close' }).click();

        // Shortened to 1–10 Jan it reaches u1 and u2 only (21 days each again; Cat's seat starts after it): 48.00 -> 63.00.
        await page.getByRole('button', { name: 'Edit Contoso goodwill' }).click();
        await page.getByLabel('Not billed to').fill('2026-01-10');
        await page.getByRole('button', { name: 'Preview' }).click();
        await expect
          .poll(() => preview.getByRole('row').allTextContents())
          .toEqual([
            'PeriodCustomers reachedItemsBilled beforeafterchange',
            '1–31 Jan 2026 (awaiting approval)Contoso2€48.00€63.00€15.00',
          ]);
        await screenshot(page, '16-rule-edit');
        await expectAccessible(page, 'Rules, editing with a preview');
        await page.getByRole('button', { name: 'Save and reprocess' }).click();
        await page.getByText('Saved Contoso goodwill').waitFor();
        await expect.poll(januaryTotal, { timeout: 30_000 }).toBe('206.00');
        await page.getByRole('button', { name: 'Close' }).click();

        // Ended on 5 Jan: the API refuses a day before its start, under the field; then 26 days each.
        await page.getByRole('button', { name: 'End Contoso goodwill' }).click();
        const end = page.getByRole('dialog', { name: 'End Contoso goodwill' });
        await end.getByLabel('Last day the rule applies').fill('2025-12-31');
        await end.getByRole('button', { name: 'End', exact: true }).click();
        await end.getByText("must not be before the rule's from (2026-01-01)").waitFor();
        await end.getByLabel('Last day the rule applies').fill('2026-01-05');
        await end.getByRole('button', { name: 'End and reprocess' }).click();
        await end.waitFor({ state: 'detached' });
        await expect
          .poll(() => page.getByRole('table', { name: 'Rules' }).getByRole('row').allTextContents())
          .toEqual([
            expect.stringMatching(/^NameNot billed from/),
            'Contoso goodwill1 Jan 20265 Jan 2026customer: c1alice (admin)Edit Contoso goodwillEnd Contoso goodwill',
          ]);
        await expect.poll(januaryTotal, { timeout: 30_000 }).toBe('216.00');
        await waitForStage(
          temporal.closes,
          { tenantId: tenant.id, periodEnd: '2026-01-31' },
          'awaiting_approval',
        );
      }),
    );
    const contoso = (await api.call('GET', '/v1/periods/2026-01-31/totals', finance)).json.totals.find(
      (row: { customer: { ref: string } }) => row.customer.ref === 'c1',
    );
    expect(contoso.amount).toMatch(/^73\.0+$/);
    expect(
      await sql`select name, from_date::text as "from", to_date::text as "to", created_by, updated_by
                from rules where tenant_id = ${tenant.id}`,
    ).toEqual([
      {
        name: 'Contoso goodwill',
        from: '2026-01-01',
        to: '2026-01-05',
        created_by: 'alice (admin)',
        updated_by: 'alice (admin)',
      },
    ]);
    expect(
      (
        await sql`select action from audit_log where tenant_id = ${tenant.id} and action like 'rule.%' order by id`
      ).map((row) => row.action),
    ).toEqual(['rule.created', 'rule.updated', 'rule.ended']);
  }, 240_000);

  it('maps the unmapped backup instance to a SKU, its unit price shown in full in euros', async () => {
    const page = await adminOn('Catalog');
    await steps(page, 'catalog', async () => {
      const skus = page.getByRole('table', { name: 'SKUs' });
      await expect
        .poll(() => skus.getByRole('row', { name: /^BACKUP/ }).textContent())
        .toBe('BACKUPVeeamBACKUPrecurring, daily, flat€0.0125—');
      const unmapped = page.getByRole('table', { name: 'Unmapped elements' });
      await expect
        .poll(() => unmapped.getByRole('row').allTextContents())
        .toEqual(['KindServiceProductElementsCustomersMap to SKU', 'instancebackupVeeam 100GB11Map']);
      await page.getByRole('combobox', { name: 'SKU for backup/Veeam 100GB' }).click();
      await page.getByRole('option', { name: 'BACKUP' }).click();
      await unmapped.getByRole('button', { name: 'Map' }).click();
      await page.getByText('Every live element is priced by a SKU.').waitFor();
      await expect
        .poll(() => page.getByRole('table', { name: 'SKU mappings' }).getByRole('row').allTextContents())
        .toContain('instancebackupVeeam 100GBBACKUP');
      await screenshot(page, '17-catalog-mapped');
      await expectAccessible(page, 'Catalog, mapped');
    });
    expect((await api.call('GET', '/v1/unmapped-elements', admin)).json.unmapped).toEqual([]);
    expect(
      await sql`select kind, service, product, sku_code from sku_mappings
                where tenant_id = ${tenant.id} and service = 'backup'`,
    ).toEqual([{ kind: 'instance', service: 'backup', product: 'Veeam 100GB', sku_code: 'BACKUP' }]);
  }, 180_000);

  it('changes the period mode to day 30 of each month, previewing the periods it cuts', async () => {
    const page = await adminOn('Settings');
    await steps(page, 'settings', async () => {
      await page.getByRole('combobox', { name: 'Period mode' }).click();
      await page.getByRole('option', { name: 'Ends on a fixed day of the month' }).click();
      await page.getByRole('textbox', { name: 'Day of the month' }).fill('30');
      // From the day after January, the last generated period; February has no 30th, so it ends on the 28th.
      await page
        .getByText(
          'From 1 Feb 2026: 1–28 Feb 2026 (28 days), 1–30 Mar 2026 (30 days), 31 Mar 2026 – 30 Apr 2026 (31 days), 1–30 May 2026 (30 days)',
        )
        .waitFor();
      await page.getByRole('button', { name: 'Save period mode' }).click();
      await page.getByRole('status').getByText('Saved.').waitFor();
      await expect
        .poll(() =>
          page.getByRole('table', { name: 'Period configurations' }).getByRole('row').allTextContents(),
        )
        .toEqual([
          'FromModeDaySet by',
          expect.stringMatching(/^1 Jan 2000calendar—/),
          expect.stringMatching(/^1 Feb 2026fixed day30alice \(admin\), /),
        ]);
      await screenshot(page, '18-period-mode');
      await expectAccessible(page, 'Settings, period mode');
    });
    const settings = (await api.call('GET', '/v1/tenant', admin)).json;
    expect(settings.periodConfig).toEqual({ effectiveFrom: '2026-02-01', mode: 'fixed_day', day: 30 });
    expect(
      await sql`select effective_from::text as "from", mode, day, created_by from period_configs
                where tenant_id = ${tenant.id} order by effective_from`,
    ).toEqual([
      expect.objectContaining({ mode: 'calendar', day: null }),
      { from: '2026-02-01', mode: 'fixed_day', day: 30, created_by: 'alice (admin)' },
    ]);
  }, 180_000);

  it('reopens approved December with a reason, as revision 2', async () => {
    const page = await adminOn('Periods');
    const december = { tenantId: tenant.id, periodEnd: '2025-12-31' };
    await steps(page, 'reopen', () =>
      temporal.withWorker(database, async () => {
        await page
          .getByRole('row', { name: /1–31 Dec 2025/ })
          .getByRole('link')
          .click();
        await page.getByRole('heading', { name: 'Period 1–31 Dec 2025' }).waitFor();
        await page.getByText('Revision 1').waitFor();
        await page.getByRole('button', { name: 'Reopen' }).click();
        const dialog = page.getByRole('dialog', { name: 'Reopen this period' });
        await dialog.getByRole('button', { name: 'Reopen' }).click();
        await dialog.getByText('a reason is required').waitFor();
        expect(await sql`select 1 from periods where tenant_id = ${tenant.id} and revision = 2`).toEqual([]);
        await dialog.getByLabel('Reason').fill('Fabrikam disputes its December seat');
        await dialog.getByRole('button', { name: 'Reopen' }).click();
        await dialog.waitFor({ state: 'detached' });
        await page.getByText('Revision 2').waitFor();
        await waitForStage(temporal.closes, { ...december, revision: 2 }, 'awaiting_approval');
        await page.getByText('awaiting approval').first().waitFor();

        await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Periods' }).click();
        const rows = page.getByRole('row', { name: /1–31 Dec 2025/ });
        await expect
          .poll(() => rows.allTextContents())
          .toEqual([
            '1–31 Dec 20252awaiting approval€174.00',
            expect.stringMatching(/^1–31 Dec 20251 \(superseded\)exported—Approved by fiona \(finance\), /),
          ]);
        await screenshot(page, '19-reopened');
        await expectAccessible(page, 'Periods, reopened');
        // Asked while the worker runs: the period's progress is a query to its run.
        const current = (await api.call('GET', '/v1/periods/2025-12-31', finance)).json;
        expect(current.period).toMatchObject({ revision: 2, status: 'awaiting_approval' });
      }),
    );
    expect(
      await sql`select revision, action, actor, reason from decisions
                where tenant_id = ${tenant.id} and period_end = '2025-12-31' and action = 'reopen'`,
    ).toEqual([
      {
        revision: 1,
        action: 'reopen',
        actor: 'alice (admin)',
        reason: 'Fabrikam disputes its December seat',
      },
    ]);
  }, 240_000);
});
