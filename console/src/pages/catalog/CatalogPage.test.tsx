import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { components } from '../../api/schema';
import type { Session } from '../../hooks/session';
import { SessionContext } from '../../hooks/session';
import { CatalogPage } from './CatalogPage';

type Sku = components['schemas']['Sku'];

const session: Session = {
  tenant: { id: 't', name: 'T', currency: 'EUR', currencyMinorUnits: 2, timeZone: 'UTC' },
  role: 'customer',
  name: 'customer@t',
  customer: null,
  expiresAt: null,
  csrfToken: 'csrf',
};

const sku = (code: string, unitPrice: string, tiers: Sku['tiers'] = []): Sku =>
  ({
    code,
    vendor: 'Microsoft',
    name: `${code} name`,
    billingModel: 'recurring',
    proration: 'daily',
    pricingScheme: tiers.length > 0 ? 'tiered' : 'flat',
    unitPrice,
    tiers,
    createdAt: '2026-01-01T00:00:00Z',
  }) as Sku;

function renderCatalog(skus: Sku[]) {
  // The SKUs sit in the query cache already: the page renders them without a request.
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY } } });
  client.setQueryData(['skus'], { skus });
  return render(
    <MantineProvider>
      <QueryClientProvider client={client}>
        <SessionContext.Provider value={session}>
          <CatalogPage />
        </SessionContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

afterEach(cleanup);

describe('CatalogPage', () => {
  it('shows each SKU’s unit price and tiers in the tenant’s currency with all their decimals', () => {
    renderCatalog([
      sku('M365-BP', '12.345678'),
      sku('AZ-GB', '0.000150', [
        { fromQuantity: 100, unitPrice: '0.000120' },
        { fromQuantity: 1000, unitPrice: '0.1' },
      ]),
      sku('HOST', '7.500000'),
    ]);
    const table = screen.getByRole('table', { name: 'SKUs' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(rows.map((row) => [row[0], row[4], row[5]])).toEqual([
      ['M365-BP', '€12.345678', '—'],
      ['AZ-GB', '€0.00015', 'from 100: €0.00012; from 1000: €0.10'],
      ['HOST', '€7.50', '—'],
    ]);
  });
});
