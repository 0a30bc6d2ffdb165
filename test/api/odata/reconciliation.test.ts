import { describe, expect, it } from 'vitest';
import { readPage } from '../../../api/odata/query.js';
import { reconciliation, unmappedCharges } from '../../../api/odata/reconciliation-set.js';
import { sumAmounts } from '../../../billing/money.js';
import { api, customerId, get, otherTenant, ROOT, type Row, sql, tenantId, walk } from './feed.js';

/** Int64 and Decimal as JSON strings, so every figure compares as the exact text it was sent as. */
const EXACT = { accept: 'application/json;odata.metadata=minimal;IEEE754Compatible=true' };
const exact = (path: string, token?: string) => walk(path, token, undefined, EXACT);

const figures =
  'vendor,customerRef,sku,provisionedUnitDays,billedUnitDays,chargedUnitDays,billedAmount,chargedAmount,' +
  'unitCost,cost,margin,matched,varianceReasons,unbilledAmount,unbilledRevenueLost,billedNotPurchasedAmount,' +
  'quantityUnitDays,quantityAmount';

/**
 * January, hand-computed (KWD, 3 decimals; VM at 40.000 a month, E3 at 31.00):
 * Northwind's VM: nothing provisioned, charged 31 unit-days for 31.000 -> unbilled, revenue lost 40.000.
 * O'Hara's VM from 5 Jan: 27 unit-days billed 34.839 (40 x 27/31), charged 31 -> quantity +4 at 1.000.
 * Contoso's E3: 83 unit-days billed 83.000, charged 3 x 31 = 93 for 75.000 -> quantity +10 at 75/93.
 * Northwind's admin E3: excluded by the rule, not charged: matched. Fabrikam's E3 from 20 Jan: billed
 * 12 days at 1.000, not charged -> billed_not_purchased.
 */
const JANUARY = [
  [
    'Acme Cloud',
    'e1',
    'VM',
    '0',
    '0',
    '31',
    '0.000',
    '31.000',
    '31',
    '31.000',
    '-31.000',
    false,
    'unbilled',
    '31.000',
    '40.000',
    null,
    null,
    null,
  ],
  [
    'Acme Cloud',
    'e2',
    'VM',
    '27',
    '27',
    '31',
    '34.839',
    '31.000',
    '31',
    '31.000',
    '3.839',
    false,
    'quantity',
    null,
    null,
    null,
    '4',
    '4.000',
  ],
  [
    'Microsoft',
    'c1',
    'E3',
    '83',
    '83',
    '93',
    '83.000',
    '75.000',
    '25',
    '75.000',
    '8.000',
    false,
    'quantity',
    null,
    null,
    null,
    '10',
    '8.065',
  ],
  [
    'Microsoft',
    'r1',
    'E3',
    '12',
    '12',
    '0',
    '12.000',
    '0.000',
    null,
    null,
    null,
    false,
    'billed_not_purchased',
    null,
    null,
    '12.000',
    null,
    null,
  ],
  [
    'Microsoft',
    'e1',
    'E3',
    '31',
    '0',
    '0',
    '0.000',
    '0.000',
    null,
    null,
    null,
    true,
    '',
    null,
    null,
    null,
    null,
    null,
  ],
] as const;
const asRow = (values: readonly unknown[]) =>
  Object.fromEntries(figures.split(',').map((name, index) => [name, values[index]]));

describe('Reconciliation', () => {
  it("gives each current period's matched lines with their figures and variances, hand-computed", async () => {
    const { rows, pages } = await exact(`/odata/Reconciliation?$select=${figures}`);
    expect(pages[0]?.body['@odata.context']).toBe(`${ROOT}/$metadata#Reconciliation(${figures})`);
    // Key order: period, vendor, customer id (c1, r1, e1, e2 as created), SKU.
    expect(rows).toEqual(JANUARY.map(asRow));
  });

  it("equals the API's reconciliation detail line for line, figure for figure", async () => {
    const detail = await get('/v1/periods/2026-01-15/reconciliation');
    expect(detail.status).toBe(200);
    const { rows } = await exact(
      '/odata/Reconciliation?$filter=periodStart eq 2026-01-01&$orderby=vendor,customerRef,sku',
    );
    const reasons = ['unbilled', 'billed_not_purchased', 'quantity', 'excluded_but_charged', 'below_cost'];
    const camel = (reason: string) => reason.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    type Line = {
      customer: { ref: string; name: string };
      variances: { reason: string; amount: string }[];
    } & Row;
    expect(rows.length).toBe(detail.json.lines.length);
    expect(
      rows.map((row) => ({
        vendor: row.vendor,
        customer: { ref: row.customerRef, name: row.customerName },
        sku: row.sku,
        ...Object.fromEntries(
          ['unitsAtEnd', 'provisionedUnitDays', 'billedUnitDays', 'excludedUnitDays', 'chargedUnitDays']
            .concat(['billedAmount', 'chargedAmount', 'unitCost', 'costSource', 'cost', 'margin'])
            .map((name) => [name, row[name]]),
        ),
        variances: reasons.flatMap((reason) =>
          row[`${camel(reason)}Amount`] === null ? [] : [{ reason, amount: row[`${camel(reason)}Amount`] }],
        ),
      })),
    ).toEqual(
      (detail.json.lines as Line[]).map(({ variances, ...line }) => ({
        ...line,
        variances: variances
          .map(({ reason, amount }) => ({ reason, amount }))
          .sort((a, b) => reasons.indexOf(a.reason) - reasons.indexOf(b.reason)),
      })),
    );
  });

  it('filters with year() and month(), selects, orders, tops, counts and pages by nextLink', async () => {
    const filter =
      "year(periodEnd) eq 2026 and month(periodStart) eq 1 and contains(varianceReasons,'quantity')";
    const quantity = await get(
      `/odata/Reconciliation?$filter=${encodeURIComponent(filter)}&$select=customerRef,quantityAmount&$count=true`,
    );
    expect(quantity.json['@odata.count']).toBe(2);
    expect(quantity.text).toContain(
      '"value":[{"customerRef":"e2","quantityAmount":4.000},{"customerRef":"c1","quantityAmount":8.065}]',
    );
    expect((await get('/odata/Reconciliation?$filter=month(periodEnd) eq 2')).json.value).toEqual([]);

    const top = await get('/odata/Reconciliation?$select=customerRef,sku,cost&$orderby=cost desc&$top=2');
    // PostgreSQL sorts nulls first descending: the two lines without a cost lead, then the key decides.
    expect(top.json.value).toEqual([
      { customerRef: 'r1', sku: 'E3', cost: null },
      { customerRef: 'e1', sku: 'E3', cost: null },
    ]);
    const skipped = await get('/odata/Reconciliation?$select=customerRef,sku&$skip=3&$top=1');
    expect(skipped.json.value).toEqual([{ customerRef: 'r1', sku: 'E3' }]);
    const unmatched = await get('/odata/Reconciliation/$count?$filter=not matched');
    expect(unmatched.text).toBe('4');

    const { pages, rows } = await walk(
      '/odata/Reconciliation?$select=customerRef,sku&$count=true',
      undefined,
      2,
    );
    expect(pages.map((page) => page.rows.length)).toEqual([2, 2, 1]);
    expect(pages[0]?.body['@odata.nextLink']).toMatch(
      /^http:\/\/localhost\/odata\/Reconciliation\?\$select=customerRef%2Csku&\$count=true&\$skiptoken=/,
    );
    expect(pages.every((page) => page.body['@odata.count'] === 5)).toBe(true);
    expect(rows.map((row) => `${row.customerRef}/${row.sku}`)).toEqual([
      'e1/VM',
      'e2/VM',
      'c1/E3',
      'r1/E3',
      'e1/E3',
    ]);
  });

  it("refuses customer tokens (vendor costs are the provider's), as /v1 does, with an OData error", async () => {
    const token = await api.token(tenantId, 'customer', await customerId('e2'));
    for (const path of [
      '/odata/Reconciliation',
      '/odata/Reconciliation/$count',
      '/odata/UnmappedCharges',
      '/odata/Skus',
    ]) {
      const response = await get(path, token);
      expect(response.status).toBe(403);
      expect(response.json.error).toMatchObject({
        code: 'Forbidden',
        message: `the customer role may not read ${path.split('/')[2]}: it shows vendor costs`,
      });
    }
    expect((await get('/v1/periods/2026-01-15/reconciliation', token)).status).toBe(403);
  });

  it("scopes the rows in SQL: a customer's subtree, and never another tenant's lines", async () => {
    const pageFor = async (scope: { tenantId: string; customerId?: number }) =>
      (await readPage(sql, reconciliation, scope, { select: 'customerRef,sku' }, 100)).rows;
    expect(await pageFor({ tenantId, customerId: await customerId('e2') })).toEqual([
      {
        customerRef: 'e2',
        sku: 'VM',
        _k0: expect.any(String),
        _k1: 'Acme Cloud',
        _k2: expect.any(String),
        _k3: 'VM',
      },
    ]);
    const reseller = await pageFor({ tenantId, customerId: await customerId('r1') });
    expect(reseller.map((row) => `${row.customerRef}/${row.sku}`)).toEqual([
      'e1/VM',
      'e2/VM',
      'r1/E3',
      'e1/E3',
    ]);
    // This tenant's lines handed to another tenant's scope: the SQL joins drop every one.
    const foreign = {
      ...reconciliation,
      load: () => reconciliation.load?.(sql, { tenantId }) ?? Promise.resolve([]),
    };
    expect((await readPage(sql, foreign, { tenantId: otherTenant }, {}, 100)).rows).toEqual([]);
    expect((await readPage(sql, foreign, { tenantId }, {}, 100)).rows).toHaveLength(5);
  });

  it("keeps a charge mapped to a customer created after the period (not in the period's snapshot)", async () => {
    const [late] = await sql<{ id: string }[]>`
      insert into customers (tenant_id, ref, name, created_at)
      values (${tenantId}, 'late', 'Late Ltd', '2026-03-01') returning id::text`;
    const [january] = await sql<{ id: string }[]>`
      select id::text from periods where tenant_id = ${tenantId} and start_date = '2026-01-01'`;
    const line = {
      periodId: january?.id,
      vendor: 'Acme Cloud',
      customerId: late?.id,
      sku: 'VM',
      varianceReasons: 'unbilled',
    };
    const withLate = { ...reconciliation, load: async () => [line] };
    const options = { select: 'customerRef,customerName,sku,varianceReasons' };
    const rows = (await readPage(sql, withLate, { tenantId }, options, 100)).rows;
    expect(rows.map(({ customerRef, customerName, sku }) => ({ customerRef, customerName, sku }))).toEqual([
      { customerRef: 'late', customerName: 'Late Ltd', sku: 'VM' },
    ]);
    // A customer token cannot be shown to hold it: outside any snapshot, it is outside every subtree.
    const scoped = await readPage(
      sql,
      withLate,
      { tenantId, customerId: await customerId('r1') },
      options,
      100,
    );
    expect(scoped.rows).toEqual([]);
  });

  it("lists the charges no mapping places as UnmappedCharges, the API's unmapped list, never dropped", async () => {
    const detail = (await get('/v1/periods/2026-01-15/reconciliation')).json;
    const { rows } = await exact('/odata/UnmappedCharges?$expand=Period($select=end)');
    expect(rows).toEqual([
      {
        periodId: expect.any(String),
        periodStart: '2026-01-01',
        periodEnd: '2026-01-31',
        periodStatus: 'open',
        periodRevision: 1,
        vendor: 'Acme Cloud',
        vendorCustomerId: 'zz-9',
        vendorProductId: 'vm-b2s',
        missing: 'customer',
        chargedUnitDays: '62',
        chargedAmount: '62.000',
        currency: 'KWD',
        Period: { end: '2026-01-31' },
      },
    ]);
    expect(detail.unmapped).toEqual([
      {
        vendor: 'Acme Cloud',
        vendorCustomerId: 'zz-9',
        vendorProductId: 'vm-b2s',
        missing: ['customer'],
        chargedUnitDays: '62',
        chargedAmount: '62.000',
      },
    ]);
    // Matched lines and unmapped charges together are everything the vendors charged.
    const matched = (await exact('/odata/Reconciliation?$select=chargedAmount')).rows;
    expect(sumAmounts([...matched, ...rows].map((row) => row.chargedAmount as string))).toBe(
      detail.totals.charged,
    );
    expect(detail.totals.charged).toBe('199');
    const token = await api.token(tenantId, 'customer', await customerId('r1'));
    expect((await get('/odata/UnmappedCharges', token)).status).toBe(403);
    expect(
      (await readPage(sql, unmappedCharges, { tenantId, customerId: await customerId('r1') }, {}, 100)).rows,
    ).toEqual([]);
  });
});
