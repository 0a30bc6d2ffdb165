import { describe, expect, it } from 'vitest';
import {
  consoleUnderTest,
  expectAccessible,
  newPage,
  screenshot,
  signIn,
  steps,
} from '../support/browser.js';
import { seedConsoleTenant } from './seed.js';

const { sql, api, url, browser } = await consoleUnderTest();
const tenant = await seedConsoleTenant(sql, api);

const treeEdits = () => sql`
  select kind, actor, payload - 'key' - 'occurredAt' - 'actor' - 'customer' as payload from change_log
  where tenant_id = ${tenant.id} and customer_ref = 'c3' and kind in ('customer.renamed', 'customer.updated')
  order by id`;

describe('an admin edits a customer in the console', () => {
  it('sees the API’s reason next to the field, then renames and moves Tailspin Toys', async () => {
    const page = await newPage(browser);
    page.setDefaultTimeout(20_000);
    await steps(page, 'customers', async () => {
      await signIn(page, url, tenant.tokens.admin);
      await page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link', { name: 'Customers and users' })
        .click();
      await page.getByRole('button', { name: 'Tailspin Toys' }).click();
      const form = page.getByRole('form', { name: 'Edit c3' });
      await expect
        .poll(() => form.getByRole('combobox', { name: 'Parent' }).inputValue())
        .toBe('Northwind Partners (r1)');

      // Billed via a parent it no longer has: the API refuses, the reason sits under Parent, nothing is stored.
      await form.getByRole('combobox', { name: 'Parent' }).click();
      await page.getByRole('option', { name: 'top level (no parent)' }).click();
      await form.getByRole('button', { name: 'Save customer' }).click();
      await form.getByText("customer 'c3' would be billed 'via' a parent but has none").waitFor();
      expect(await form.getByRole('combobox', { name: 'Parent' }).getAttribute('aria-invalid')).toBe('true');
      expect(await treeEdits()).toEqual([]);

      await form.getByRole('textbox', { name: 'Name' }).fill('Tailspin Toys Group');
      await form.getByRole('combobox', { name: 'Parent' }).fill('Fabri');
      await page.getByRole('option', { name: 'Fabrikam Ltd (c2)' }).click();
      await form.getByRole('button', { name: 'Save customer' }).click();
      await form
        .getByRole('status')
        .getByText(/^Saved/)
        .waitFor();

      const tree = page.getByRole('table', { name: 'Customer tree' });
      await expect
        .poll(() => tree.getByRole('row', { name: /Tailspin Toys Group/ }).textContent())
        .toBe('Tailspin Toys Groupvia c2');
      const names = page.getByRole('table', { name: 'Customer name history' });
      await expect
        .poll(() => names.getByRole('row').allTextContents())
        .toEqual([
          'NameFromChanged by',
          'Tailspin Toys1 Dec 2025, 00:00test',
          expect.stringMatching(/^Tailspin Toys Group\d{1,2} \w{3} \d{4}, \d{2}:\d{2}alice \(admin\)$/),
        ]);
      await screenshot(page, '15-customer-edit');
      await expectAccessible(page, 'Customers and users, editing');
    });

    // What the API and the change log hold: a rename and a move from now on, by the admin.
    const customer = await api.call('GET', '/v1/customers/c3', tenant.tokens.finance);
    expect(customer.json).toMatchObject({
      ref: 'c3',
      name: 'Tailspin Toys Group',
      parent: 'c2',
      relationship: 'via',
      invoiceTo: 'c2',
    });
    expect(await treeEdits()).toEqual([
      {
        kind: 'customer.renamed',
        actor: 'alice (admin)',
        payload: { kind: 'customer.renamed', name: 'Tailspin Toys Group' },
      },
      {
        kind: 'customer.updated',
        actor: 'alice (admin)',
        payload: { kind: 'customer.updated', parent: 'c2' },
      },
    ]);
  }, 180_000);
});
