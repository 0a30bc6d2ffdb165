import { beforeAll, describe, expect, it } from 'vitest';
import {
  consoleUnderTest,
  expectAccessible,
  newPage,
  screenshot,
  signIn,
  steps,
} from '../support/browser.js';
import { seedConsoleTenant } from './seed.js';

const { database, temporal, api, url, browser } = await consoleUnderTest();
const tenant = await seedConsoleTenant(database.sql, api);

beforeAll(async () => {
  await temporal.withWorker(database, () => tenant.closeDecemberAndJanuary(temporal.closes));
}, 120_000);

describe('what each role sees in the console', () => {
  it('shows a customer exactly its own figures, equal to the provider’s, and no other customer', async () => {
    const provider = await api.call('GET', '/v1/periods/2026-01-31/totals', tenant.tokens.finance);
    const contoso = provider.json.totals.find(
      (row: { customer: { ref: string } }) => row.customer.ref === 'c1',
    );
    expect(contoso.amount).toMatch(/^83\.0+$/);

    const page = await newPage(browser);
    await steps(page, 'customer', () =>
      temporal.withWorker(database, async () => {
        await signIn(page, url, tenant.tokens.customer);
        const nav = page.getByRole('navigation', { name: 'Pages' });
        expect(await nav.getByRole('link').allTextContents()).toEqual([
          'Periods',
          'Customers and users',
          'Management information',
          'Catalog',
          'API reference',
        ]);
        const noOtherCustomer = async (where: string) => {
          const html = await page.content();
          for (const name of tenant.otherCustomers) expect(html, `${name} on ${where}`).not.toContain(name);
        };

        const row = page.getByRole('row', { name: /1–31 Jan 2026/ });
        await expect.poll(() => row.getByRole('cell').nth(3).textContent()).toBe('€83.00');
        await noOtherCustomer('Periods');
        await row.getByRole('link').click();
        const totals = page.getByRole('table', { name: 'Totals customer' });
        await expect
          .poll(() => totals.getByRole('row').allTextContents())
          .toEqual(['CustomerItemsAmount', 'Contoso3€83.00', 'Total€83.00']);
        expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
        expect(await page.getByRole('button', { name: 'Reject' }).count()).toBe(0);
        await page.getByRole('table', { name: 'Changes per customer and SKU' }).waitFor();
        await noOtherCustomer('the approval view');
        await screenshot(page, '10-customer-period');
        await expectAccessible(page, 'the customer’s period');

        for (const tab of ['Service Summary', 'Service Detail', 'Reseller tree']) {
          await page.getByRole('tab', { name: tab }).click();
          await page.getByRole('cell', { name: 'Contoso' }).first().waitFor();
          await noOtherCustomer(tab);
        }
        for (const link of ['Customers and users', 'Management information', 'Catalog']) {
          await nav.getByRole('link', { name: link }).click();
          await page
            .getByRole('heading', { level: 2, name: link === 'Catalog' ? 'Catalog' : link })
            .waitFor();
          await page.waitForLoadState('networkidle');
          await noOtherCustomer(link);
        }
      }),
    );
  });

  it('shows a reseller exactly its own subtree’s figures, equal to the provider’s, and no other customer', async () => {
    const [northwind] = await database.sql<{ id: number }[]>`
      select id from customers where tenant_id = ${tenant.id} and ref = 'r1'`;
    const reseller = await api.token(tenant.id, 'customer', northwind?.id, 'northwind (reseller)');
    const amountOf = (totals: { customer: { ref: string }; amount: string }[], ref: string) =>
      totals.find((row) => row.customer.ref === ref)?.amount;
    const provider = (await api.call('GET', '/v1/periods/2026-01-31/totals', tenant.tokens.finance)).json;
    expect([amountOf(provider.totals, 'r1'), amountOf(provider.totals, 'c3')]).toEqual([
      expect.stringMatching(/^50\.0+$/),
      expect.stringMatching(/^31\.0+$/),
    ]);
    // The API answers the reseller's token with the same rows for its subtree, and nothing else.
    const own = (await api.call('GET', '/v1/periods/2026-01-31/totals', reseller)).json;
    expect(own.totals.map((row: { customer: { ref: string } }) => row.customer.ref).sort()).toEqual([
      'c3',
      'r1',
    ]);
    expect([amountOf(own.totals, 'r1'), amountOf(own.totals, 'c3')]).toEqual([
      amountOf(provider.totals, 'r1'),
      amountOf(provider.totals, 'c3'),
    ]);
    expect((await api.call('GET', '/v1/customers/c1', reseller)).status).toBe(404);
    const others = ['Contoso', 'Fabrikam', 'contoso', 'fabrikam'];

    const page = await newPage(browser);
    await steps(page, 'reseller', () =>
      temporal.withWorker(database, async () => {
        await signIn(page, url, reseller);
        const noOtherCustomer = async (where: string) => {
          const html = await page.content();
          for (const name of others) expect(html, `${name} on ${where}`).not.toContain(name);
        };
        const row = page.getByRole('row', { name: /1–31 Jan 2026/ });
        await expect.poll(() => row.getByRole('cell').nth(3).textContent()).toBe('€81.00');
        await noOtherCustomer('Periods');
        await row.getByRole('link').click();
        const totals = page.getByRole('table', { name: 'Totals customer' });
        await expect
          .poll(() => totals.getByRole('row').allTextContents())
          .toEqual([
            'CustomerItemsAmount',
            'Northwind Partners1€50.00',
            'Tailspin Toys1€31.00',
            'Total€81.00',
          ]);
        expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
        // Northwind's support and Tailspin's seat are as in December.
        await page.getByText('Nothing changed per customer and SKU.').waitFor();
        await noOtherCustomer('the approval view');

        await page.getByRole('tab', { name: 'Service Detail' }).click();
        const grid = page.getByRole('region', { name: 'Service Detail' });
        await expect.poll(() => grid.getByRole('row').count()).toBe(1 + 2);
        await noOtherCustomer('Service Detail');
        await page.getByRole('tab', { name: 'Reseller tree' }).click();
        await page.getByRole('button', { name: 'Expand Northwind Partners' }).click();
        await page.getByRole('cell', { name: 'Tailspin Toys' }).waitFor();
        expect(
          await page.getByRole('table', { name: 'Customer tree with reseller roll-ups' }).textContent(),
        ).toContain('€81.00');
        await noOtherCustomer('Reseller tree');
        await screenshot(page, '21-reseller-period');
        await expectAccessible(page, 'the reseller’s period');

        const nav = page.getByRole('navigation', { name: 'Pages' });
        await nav.getByRole('link', { name: 'Customers and users' }).click();
        await expect
          .poll(() =>
            page.getByRole('table', { name: 'Customer tree' }).getByRole('button').allTextContents(),
          )
          .toEqual(['Northwind Partners', 'Tailspin Toys']);
        await noOtherCustomer('Customers and users');
        await nav.getByRole('link', { name: 'Management information' }).click();
        await page.getByRole('heading', { level: 2, name: 'Management information' }).waitFor();
        await page.waitForLoadState('networkidle');
        await noOtherCustomer('Management information');
      }),
    );
  });

  it('gives an operator no approval, and the API refuses it from the operator’s session', async () => {
    const page = await newPage(browser);
    await steps(page, 'operator', () =>
      temporal.withWorker(database, async () => {
        await signIn(page, url, tenant.tokens.operator);
        await page
          .getByRole('row', { name: /1–31 Jan 2026/ })
          .getByRole('link')
          .click();
        await page.getByRole('button', { name: 'Reprocess' }).waitFor();
        expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
        expect(await page.getByRole('button', { name: 'Reject' }).count()).toBe(0);
        const refused = await page.evaluate<{ status: number; detail: string }>(`
        fetch('/v1/session').then((r) => r.json()).then((session) =>
          fetch('/v1/periods/2026-01-31/approve', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
            body: '{}',
          })).then(async (r) => ({ status: r.status, detail: (await r.json()).detail }))`);
        expect(refused).toEqual({
          status: 403,
          detail: 'the operator role may not POST /v1/periods/:period/approve',
        });
        await screenshot(page, '11-operator-period');
      }),
    );
  });

  it('passes an accessibility scan on every page an admin opens', async () => {
    const page = await newPage(browser);
    await steps(page, 'admin', () =>
      temporal.withWorker(database, async () => {
        await signIn(page, url, tenant.tokens.admin);
        const nav = page.getByRole('navigation', { name: 'Pages' });
        await page
          .getByRole('row', { name: /1–31 Jan 2026/ })
          .getByRole('link')
          .click();
        for (const [tab, shot] of [
          ['Service Summary', '06-service-summary'],
          ['Reseller tree', '07-reseller-tree'],
        ] as const) {
          await page.getByRole('tab', { name: tab }).click();
          await page.getByRole('table').first().waitFor();
          if (tab === 'Reseller tree') {
            await page.getByRole('button', { name: 'Expand Northwind Partners' }).click();
            await page.getByRole('cell', { name: 'Tailspin Toys' }).waitFor();
          }
          await screenshot(page, shot);
          await expectAccessible(page, tab);
        }

        await nav.getByRole('link', { name: 'Customers and users' }).click();
        await page.getByRole('button', { name: 'Contoso' }).click();
        await page.getByRole('button', { name: 'cat@contoso.example' }).click();
        await page.getByRole('button', { name: /^2026-01: €21\.00/ }).waitFor();
        expect(page.url()).toContain('customer=c1&user=u3');
        await screenshot(page, '08-customers');
        await expectAccessible(page, 'Customers and users');

        for (const [link, heading, shot] of [
          ['Management information', 'Management information', '09-management'],
          ['Catalog', 'Catalog', '12-catalog'],
          ['Settings', 'Settings', '13-settings'],
          ['Rules', 'Rules', '14-rules-list'],
        ] as const) {
          await nav.getByRole('link', { name: link }).click();
          await page.getByRole('heading', { level: 2, name: heading }).waitFor();
          await page.waitForLoadState('networkidle');
          await screenshot(page, shot);
          await expectAccessible(page, link);
        }
        await page.goto(`${url}/`);
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByLabel('API token').waitFor();
        await screenshot(page, '00-sign-in');
        await expectAccessible(page, 'Sign in');
      }),
    );
  });
});
