import { describe, expect, it } from 'vitest';
import { get } from './feed.js';

describe('CustomerTotals, Periods, Customers', () => {
  it('gives per-customer totals of each current period from the roll-ups', async () => {
    const response = await get(
      '/odata/CustomerTotals?$filter=periodEnd eq 2026-01-31&$orderby=customerRef&$select=customerRef,customerName,parentRef,invoiceToRef,depth,itemCount,amount,currency',
    );
    expect(response.json.value).toEqual([
      {
        customerRef: 'c1',
        customerName: 'Contoso',
        parentRef: null,
        invoiceToRef: 'c1',
        depth: 0,
        itemCount: 3,
        amount: 83,
        currency: 'KWD',
      },
      {
        customerRef: 'e1',
        customerName: 'Northwind',
        parentRef: 'r1',
        invoiceToRef: 'r1',
        depth: 1,
        itemCount: 2,
        amount: 10.005,
        currency: 'KWD',
      },
      {
        customerRef: 'e2',
        customerName: "O'Hara Traders",
        parentRef: 'r1',
        invoiceToRef: 'r1',
        depth: 1,
        itemCount: 1,
        amount: 34.839,
        currency: 'KWD',
      },
      {
        customerRef: 'r1',
        customerName: 'Fabrikam Reseller',
        parentRef: null,
        invoiceToRef: 'r1',
        depth: 0,
        itemCount: 1,
        amount: 12,
        currency: 'KWD',
      },
    ]);
    expect(response.text).toContain('"amount":10.005,');
  });

  it('lists current periods and the customer tree', async () => {
    const periods = await get('/odata/Periods?$select=start,end,revision,status');
    expect(periods.json.value).toEqual([
      { start: '2026-01-01', end: '2026-01-31', revision: 1, status: 'open' },
      { start: '2026-02-01', end: '2026-02-28', revision: 1, status: 'open' },
    ]);
    const customers = await get(
      '/odata/Customers?$orderby=ref&$select=ref,name,parentRef,relationship,resellerBilling,tags,deleted',
    );
    expect(customers.json.value).toEqual([
      {
        ref: 'c1',
        name: 'Contoso',
        parentRef: null,
        relationship: 'direct',
        resellerBilling: 'aggregate',
        tags: '',
        deleted: false,
      },
      {
        ref: 'e1',
        name: 'Northwind',
        parentRef: 'r1',
        relationship: 'via',
        resellerBilling: 'aggregate',
        tags: '',
        deleted: false,
      },
      {
        ref: 'e2',
        name: "O'Hara Traders",
        parentRef: 'r1',
        relationship: 'via',
        resellerBilling: 'aggregate',
        tags: '',
        deleted: false,
      },
      {
        ref: 'r1',
        name: 'Fabrikam Reseller',
        parentRef: null,
        relationship: 'direct',
        resellerBilling: 'aggregate',
        tags: 'partner,gold',
        deleted: false,
      },
    ]);
  });
});
