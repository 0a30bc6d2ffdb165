import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nceHeader, nceLine } from '../../bench/recon-file.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

/**
 * October 2026 for a calendar tenant (EUR, UTC): Microsoft charges 10.00 a seat-month for Business
 * Premium (sold at 12.00) and for Project (sold at 9.00, below cost).
 *
 *   contoso   10 BP seats, 12 from 16 Oct: Microsoft still charges 10           -> quantity
 *   demo      1 BP seat, tagged test and excluded by a rule, charged            -> excluded_but_charged
 *   fabrikam  5 Project seats at 9.00, charged 10.00                            -> below_cost
 *   litware   10 BP seats, 8 from 16 Oct: charged 10 and a prorated credit      -> matched
 *   northwind nothing provisioned; Microsoft charges a seat on an unmapped tenant, mapped later -> unbilled
 */
const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('recon');
let finance = '';
let operator = '';
let customerToken = '';
let customerIds: Record<string, number> = {};

const BP = { productId: 'CFQ7TTC0LCHC', skuId: '0002', skuName: 'Microsoft 365 Business Premium' };
const PROJECT = { productId: 'CFQ7TTC0HDB0', skuId: '0002', skuName: 'Project Plan 3' };
const tenantOf = (name: string, n: number) => ({
  customerId: `00000000-0000-4000-8000-00000000000${n}`,
  customerName: name,
  domain: `${name.toLowerCase()}.onmicrosoft.com`,
});
const month = { chargeStart: '10/1/2026', chargeEnd: '10/31/2026' };
const october =
  nceHeader +
  nceLine({
    ...tenantOf('Contoso', 1),
    ...BP,
    ...month,
    chargeType: 'Renew',
    quantity: '10',
    unitPrice: '10.00',
    subtotal: '100.00',
  }) +
  nceLine({
    ...tenantOf('Demo', 2),
    ...BP,
    ...month,
    chargeType: 'Renew',
    quantity: '1',
    unitPrice: '10.00',
    subtotal: '10.00',
  }) +
  nceLine({
    ...tenantOf('Fabrikam', 3),
    ...PROJECT,
    ...month,
    chargeType: 'Renew',
    quantity: '5',
    unitPrice: '10.00',
    subtotal: '50.00',
  }) +
  nceLine({
    ...tenantOf('Litware', 4),
    ...BP,
    ...month,
    chargeType: 'Renew',
    quantity: '10',
    unitPrice: '10.00',
    subtotal: '100.00',
  }) +
  nceLine({
    ...tenantOf('Litware', 4),
    ...BP,
    chargeStart: '10/16/2026',
    chargeEnd: '10/31/2026',
    chargeType: 'Cycle instance prorate',
    quantity: '2',
    unitPrice: '10.00',
    subtotal: '-10.32',
  }) +
  nceLine({
    ...tenantOf('Northwind', 5),
    ...BP,
    ...month,
    chargeType: 'New',
    quantity: '1',
    unitPrice: '10.00',
    subtotal: '10.00',
  });

const post = (body: string, token = finance, query = '', contentType = 'text/csv') =>
  api.call('POST', `/v1/vendor-invoices${query}`, token, body, { 'content-type': contentType });

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await createSku(sql, tenantId, {
    code: 'M365-BP',
    vendor: 'Microsoft',
    price: '12.00',
    maps: [['plan', 'm365', 'BP']],
  });
  await createSku(sql, tenantId, {
    code: 'PROJECT',
    vendor: 'Microsoft',
    price: '9.00',
    maps: [['plan', 'project', 'P3']],
  });
  const at = '2026-09-01T00:00:00Z';
  const plan = (customer: string, service: string, plan: string, quantity: number, occurredAt = at) => ({
    kind: 'plan.changed',
    occurredAt,
    customer,
    service,
    plan,
    quantity,
  });
  await ingest(sql, tenantId, [
    ...['contoso', 'fabrikam', 'litware', 'northwind'].map((ref) => ({
      kind: 'customer.created',
      occurredAt: at,
      customer: ref,
      name: ref[0]?.toUpperCase() + ref.slice(1),
    })),
    { kind: 'customer.created', occurredAt: at, customer: 'demo', name: 'Demo', tags: ['test'] },
    plan('contoso', 'm365', 'BP', 10),
    plan('contoso', 'm365', 'BP', 12, '2026-10-16T09:00:00Z'),
    plan('demo', 'm365', 'BP', 1),
    plan('fabrikam', 'project', 'P3', 5),
    plan('litware', 'm365', 'BP', 10),
    plan('litware', 'm365', 'BP', 8, '2026-10-16T09:00:00Z'),
  ]);
  await sql`insert into rules (tenant_id, name, customer_tag, created_by) values (${tenantId}, 'Test customers', 'test', 'test')`;
  const rows = await sql<
    { ref: string; id: number }[]
  >`select ref, id::int from customers where tenant_id = ${tenantId}`;
  customerIds = Object.fromEntries(rows.map((row) => [row.ref, row.id]));
  finance = await api.token(tenantId, 'finance');
  operator = await api.token(tenantId, 'operator');
  customerToken = await api.token(tenantId, 'customer', customerIds.contoso);
  await generatePeriod(sql, tenantId, '2026-10-15');
});

describe('POST /v1/vendor-invoices', () => {
  let importId = 0;

  it('imports a Microsoft NCE reconciliation file, detected from its header', async () => {
    const response = await post(october);
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      vendor: 'Microsoft',
      format: 'microsoft_nce',
      lineCount: 6,
      firstChargeDate: '2026-10-01',
      lastChargeDate: '2026-10-31',
      importedBy: 'finance@test',
    });
    importId = response.json.id;
    const lines = await sql`
      select line_number, vendor_customer_id, vendor_product_id, charge_type, charge_start::text, charge_end::text,
             quantity::text, amount::text
      from vendor_lines where import_id = ${importId} and line_number = 6`;
    expect(lines).toEqual([
      {
        line_number: 6,
        vendor_customer_id: '00000000-0000-4000-8000-000000000004',
        vendor_product_id: 'CFQ7TTC0LCHC:0002',
        charge_type: 'Cycle instance prorate',
        charge_start: '2026-10-16',
        charge_end: '2026-10-31',
        quantity: '2.0000',
        amount: '-10.320000',
      },
    ]);
  });

  it('answers 200 with the same import when the same file comes again, storing nothing twice', async () => {
    const response = await post(october);
    expect([response.status, response.json.id]).toEqual([200, importId]);
    const [count] = await sql<
      { n: number }[]
    >`select count(*)::int as n from vendor_lines where tenant_id = ${tenantId}`;
    expect(count?.n).toBe(6);
  });

  it('refuses a bad file with every bad line, column and reason, and stores nothing of it', async () => {
    const bad =
      'vendor,vendor_customer_id,vendor_product_id,quantity,charge_start,charge_end,unit_cost,amount,currency\n' +
      'Pax8,acme,AV-1,3,2026-10-01,2026-10-31,4.50,13.50,EUR\n' +
      'Pax8,,AV-1,three,2026-10-01,2026-09-30,4.50,1e3,EUR\n' +
      'Pax8,acme,AV-1,1,2026-02-30,2026-10-31,4.50,4.50,euro\n';
    const response = await post(bad, finance, '?vendor=Pax8');
    expect(response.status).toBe(422);
    expect(response.json.errors).toEqual([
      { field: 'line 3: vendor_customer_id', line: 3, column: 'vendor_customer_id', reason: 'required' },
      {
        field: 'line 3: quantity',
        line: 3,
        column: 'quantity',
        reason: "'three' is not a quantity with at most 4 decimals",
      },
      {
        field: 'line 3: amount',
        line: 3,
        column: 'amount',
        reason: "'1e3' is not a decimal amount with at most 6 decimals",
      },
      {
        field: 'line 3: charge_end',
        line: 3,
        column: 'charge_end',
        reason: '2026-09-30 is before the charge start 2026-10-01',
      },
      {
        field: 'line 4: charge_start',
        line: 4,
        column: 'charge_start',
        reason: "'2026-02-30' is not a date (YYYY-MM-DD or M/D/YYYY)",
      },
      {
        field: 'line 4: currency',
        line: 4,
        column: 'currency',
        reason: "'euro' is not an ISO 4217 code such as EUR",
      },
    ]);
    expect(response.json.detail).toBe('6 problem(s) in 3 line(s); nothing was imported');
    const [count] = await sql<
      { n: number }[]
    >`select count(*)::int as n from vendor_imports where tenant_id = ${tenantId}`;
    expect(count?.n).toBe(1);
  });

  it('refuses a file that is neither format, money as JSON numbers, and other media types', async () => {
    const neither = await post('a,b\n1,2\n');
    expect([neither.status, neither.json.errors[0].field]).toEqual([422, 'format']);
    const ndjson = await post(
      '{"vendor":"Pax8","vendor_customer_id":"acme","vendor_product_id":"AV-1","quantity":3,"charge_start":"2026-10-01","charge_end":"2026-10-31","unit_cost":4.5,"amount":"13.50","currency":"EUR"}\n',
      finance,
      '',
      'application/x-ndjson',
    );
    expect([ndjson.status, ndjson.json.errors]).toEqual([
      422,
      [
        {
          field: 'line 1: unit_cost',
          line: 1,
          column: 'unit_cost',
          reason: 'a decimal price with at most 6 decimals as a decimal string, not a JSON number',
        },
      ],
    ]);
    const pdf = await post('%PDF', finance, '', 'application/pdf');
    expect(pdf.status).toBe(415);
  });

  it('imports a generic NDJSON file from a distributor', async () => {
    const response = await post(
      '{"vendor":"Pax8","vendor_customer_id":"acme","vendor_product_id":"AV-1","quantity":3,"charge_start":"2026-10-01","charge_end":"2026-10-31","unit_cost":"4.50","amount":"13.50","currency":"EUR"}\n',
      finance,
      '?vendor=Pax8',
      'application/x-ndjson',
    );
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ vendor: 'Pax8', format: 'generic', lineCount: 1 });
  });

  it('lets only admin and finance import', async () => {
    expect((await post(october, operator)).status).toBe(403);
    expect((await post(october, customerToken)).status).toBe(403);
  });

  it('lists the lines that map to nothing, and takes them off once mapped', async () => {
    const before = await api.call('GET', `/v1/vendor-invoices/${importId}/unmapped`, operator);
    expect(before.status).toBe(200);
    expect(
      before.json.unmapped.map(
        (u: { vendorCustomerId: string; missing: string[]; lines: number; amount: string }) => [
          u.vendorCustomerId.slice(-1),
          u.missing,
          u.lines,
          u.amount,
        ],
      ),
    ).toEqual([
      ['1', ['customer', 'product'], 1, '100'],
      ['2', ['customer', 'product'], 1, '10'],
      ['3', ['customer', 'product'], 1, '50'],
      ['4', ['customer', 'product'], 2, '89.68'],
      ['5', ['customer', 'product'], 1, '10'],
    ]);
    const map = (path: string, body: object) =>
      api.call('POST', `/v1/vendor-mappings/${path}`, finance, body);
    // A product id alone covers all its SKU ids; a domain maps as well as a tenant id.
    expect(
      (await map('products', { vendor: 'Microsoft', vendorProductId: BP.productId, sku: 'M365-BP' })).status,
    ).toBe(201);
    const project = await map('products', {
      vendor: 'Microsoft',
      vendorProductId: 'CFQ7TTC0HDB0:0002',
      sku: 'PROJECT',
    });
    expect(project.json).toMatchObject({
      vendor: 'Microsoft',
      vendorProductId: 'CFQ7TTC0HDB0:0002',
      sku: 'PROJECT',
    });
    for (const [n, ref] of [
      [1, 'contoso'],
      [3, 'fabrikam'],
      [4, 'litware'],
    ] as const) {
      expect(
        (
          await map('customers', {
            vendor: 'Microsoft',
            vendorCustomerId: tenantOf('x', n).customerId,
            customer: ref,
          })
        ).status,
      ).toBe(201);
    }
    const demo = await map('customers', {
      vendor: 'Microsoft',
      vendorCustomerId: 'demo.onmicrosoft.com',
      customer: 'demo',
    });
    expect(demo.json).toMatchObject({
      vendorCustomerId: 'demo.onmicrosoft.com',
      customer: { ref: 'demo', name: 'Demo' },
    });
    const again = await map('customers', {
      vendor: 'Microsoft',
      vendorCustomerId: 'demo.onmicrosoft.com',
      customer: 'demo',
    });
    expect(again.status).toBe(409);
    const unknown = await map('customers', {
      vendor: 'Microsoft',
      vendorCustomerId: 'x',
      customer: 'nobody',
    });
    expect([unknown.status, unknown.json.errors]).toEqual([
      400,
      [{ field: 'customer', reason: "no customer 'nobody'" }],
    ]);
    const after = await api.call('GET', `/v1/vendor-invoices/${importId}/unmapped`, operator);
    expect(after.json.unmapped).toEqual([
      {
        vendor: 'Microsoft',
        vendorCustomerId: '00000000-0000-4000-8000-000000000005',
        vendorCustomerDomain: 'northwind.onmicrosoft.com',
        vendorCustomerName: 'Northwind',
        vendorProductId: 'CFQ7TTC0LCHC:0002',
        productName: 'Microsoft 365 Business Premium',
        missing: ['customer'],
        lines: 1,
        amount: '10',
      },
    ]);
  });
});

describe('GET /v1/periods/{period}/reconciliation', () => {
  it('matches provisioned, billed and charged with a variance for every difference', async () => {
    const response = await api.call(
      'GET',
      '/v1/periods/2026-10-15/reconciliation?vendor=Microsoft',
      operator,
    );
    expect(response.status).toBe(200);
    const lines = response.json.lines.map(
      (l: {
        customer: { ref: string };
        sku: string;
        provisionedUnitDays: string;
        chargedUnitDays: string;
        billedAmount: string;
        cost: string;
        margin: string;
        variances: { reason: string; amount: string }[];
      }) =>
        `${l.customer.ref} ${l.sku}: provisioned ${l.provisionedUnitDays}, charged ${l.chargedUnitDays}, billed ${l.billedAmount}, cost ${l.cost}, margin ${l.margin}${l.variances.map((v) => `, ${v.reason} ${v.amount}`).join('')}`,
    );
    expect(lines).toEqual([
      'contoso M365-BP: provisioned 342, charged 310, billed 132.38, cost 100.00, margin 32.38, quantity -10.32',
      'demo M365-BP: provisioned 31, charged 31, billed 0.00, cost 10.00, margin -10.00, excluded_but_charged 10.00',
      'fabrikam PROJECT: provisioned 155, charged 155, billed 45.00, cost 50.00, margin -5.00, below_cost 5.00',
      'litware M365-BP: provisioned 278, charged 278, billed 107.61, cost 89.68, margin 17.93',
    ]);
    expect(response.json.unmapped).toEqual([
      {
        vendor: 'Microsoft',
        vendorCustomerId: '00000000-0000-4000-8000-000000000005',
        vendorProductId: 'CFQ7TTC0LCHC:0002',
        missing: ['customer'],
        chargedUnitDays: '31',
        chargedAmount: '10.00',
      },
    ]);
    expect(response.json.totals).toMatchObject({
      lines: 4,
      matched: 1,
      charged: '259.68',
      unmappedCharged: '10',
    });
  });

  it('re-matches a line when its mapping is added: the unmapped seat becomes unbilled revenue', async () => {
    await api.call('POST', '/v1/vendor-mappings/customers', finance, {
      vendor: 'Microsoft',
      vendorCustomerId: 'northwind.onmicrosoft.com',
      customer: 'northwind',
    });
    const response = await api.call('GET', '/v1/periods/2026-10-15/reconciliation?vendor=Microsoft', finance);
    expect(response.json.unmapped).toEqual([]);
    expect(response.json.lines.at(-1)).toMatchObject({
      customer: { ref: 'northwind', name: 'Northwind' },
      sku: 'M365-BP',
      chargedAmount: '10.00',
      variances: [{ reason: 'unbilled', unitDays: '31', amount: '10.00', revenueLost: '12.00' }],
    });
    expect(response.json.totals).toMatchObject({
      lines: 5,
      billed: '284.99',
      // 100.00 + 10.00 + 50.00 + 89.68 + 10.00 charged; 132.38 + 45.00 + 107.61 billed.
      charged: '259.68',
      cost: '259.68',
      margin: '25.31',
      unbilledRevenueLost: '12',
      unmappedCharged: '0',
    });
    expect(response.json.margins.vendors).toEqual([
      { vendor: 'Microsoft', billed: '284.99', cost: '259.68', margin: '25.31', linesWithoutCost: 0 },
    ]);
    expect(
      response.json.margins.customers.map((m: { customer: { ref: string }; margin: string }) => [
        m.customer.ref,
        m.margin,
      ]),
    ).toEqual([
      ['contoso', '32.38'],
      ['fabrikam', '-5'],
      ['litware', '17.93'],
      ['northwind', '-10'],
      ['demo', '-10'],
    ]);
    expect(response.json.margins.resellers).toEqual([]);
    expect(response.json.totals.variances).toEqual([
      { reason: 'unbilled', count: 1, amount: '10' },
      { reason: 'billed_not_purchased', count: 0, amount: '0' },
      { reason: 'quantity', count: 1, amount: '-10.32' },
      { reason: 'excluded_but_charged', count: 1, amount: '10' },
      { reason: 'below_cost', count: 1, amount: '5' },
    ]);
  });

  it('gives management information a month-by-month margin trend, for staff only', async () => {
    const response = await api.call('GET', '/v1/management/margins?from=2026-09&to=2026-10', finance);
    expect([response.status, response.json.months]).toEqual([
      200,
      [
        {
          month: '2026-09',
          periods: [],
          billed: '0',
          cost: '0',
          margin: '0',
          linesWithoutCost: 0,
          vendors: [],
        },
        {
          month: '2026-10',
          periods: [{ startDate: '2026-10-01', endDate: '2026-10-31', revision: 1, status: 'open' }],
          billed: '284.99',
          cost: '259.68',
          margin: '25.31',
          linesWithoutCost: 0,
          // Pax8's only line maps to nothing: it has no matched line to carry a margin.
          vendors: [
            { vendor: 'Microsoft', billed: '284.99', cost: '259.68', margin: '25.31', linesWithoutCost: 0 },
          ],
        },
      ],
    ]);
    expect(
      (await api.call('GET', '/v1/management/margins?from=2026-09&to=2026-10', customerToken)).status,
    ).toBe(403);
    const backwards = await api.call('GET', '/v1/management/margins?from=2026-10&to=2026-09', finance);
    expect([backwards.status, backwards.json.errors]).toEqual([
      400,
      [{ field: 'to', reason: 'must not be before from' }],
    ]);
  });

  it('never shows costs to a customer token, and 404s a period never generated', async () => {
    const customer = await api.call('GET', '/v1/periods/2026-10-15/reconciliation', customerToken);
    expect(customer.status).toBe(403);
    const missing = await api.call('GET', '/v1/periods/2027-10-15/reconciliation', finance);
    expect(missing.status).toBe(404);
  });

  it('uses a SKU cost price where the vendor charged nothing', async () => {
    const set = await api.call('PUT', '/v1/skus/M365-BP/cost', finance, { costPrice: '9.50' });
    expect([set.status, set.json]).toEqual([200, { sku: 'M365-BP', costPrice: '9.5' }]);
    const bad = await api.call('PUT', '/v1/skus/M365-BP/cost', finance, { costPrice: '-1' });
    expect([bad.status, bad.json.errors[0].field]).toEqual([400, 'costPrice']);
    // Litware's October lines removed from the match: billed, not purchased, costed at 9.50 a month.
    await sql`delete from vendor_customer_mappings where tenant_id = ${tenantId} and customer_id = ${customerIds.litware as number}`;
    const response = await api.call('GET', '/v1/periods/2026-10-15/reconciliation?vendor=Microsoft', finance);
    expect(
      response.json.lines.find((l: { customer: { ref: string } }) => l.customer.ref === 'litware'),
    ).toMatchObject({
      costSource: 'cost_price',
      unitCost: '9.5',
      // 9.50 / 31 x 278 unit-days = 85.19
      cost: '85.19',
      margin: '22.42',
      variances: [{ reason: 'billed_not_purchased', unitDays: '278', amount: '107.61' }],
    });
  });
});

describe('GET /v1/periods/{period}/export.xlsx?reconciliation=true', () => {
  it('adds a Reconciliation sheet for staff, printable, with real numbers', async () => {
    const response = await api.app.request('/v1/periods/2026-10-15/export.xlsx?reconciliation=true', {
      headers: { authorization: `Bearer ${finance}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${tenantId}-2026-10-31-rev1-draft.xlsx"`,
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
    const sheet = book.getWorksheet('Reconciliation');
    expect(sheet?.pageSetup).toMatchObject({
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      printTitlesRow: '7:7',
    });
    const rows = (sheet?.getSheetValues() ?? []).slice(1).map((row) => (row as unknown[]).slice(1));
    expect(rows.slice(0, 5)).toEqual([
      ['Reconciliation'],
      [`Tenant: ${tenantId}`],
      ['Period: 2026-10-01..2026-10-31'],
      ['Revision: 1'],
      ['Status: draft (open), not approved'],
    ]);
    expect(rows[6]).toEqual([
      'Vendor',
      'Customer',
      'SKU',
      'Provisioned unit-days',
      'Billed unit-days',
      'Charged unit-days',
      'Billed',
      'Charged',
      'Cost',
      'Margin',
      'Variances',
    ]);
    expect(rows.find((row) => row[1] === 'Fabrikam')).toEqual([
      'Microsoft',
      'Fabrikam',
      'PROJECT',
      155,
      155,
      155,
      45,
      50,
      50,
      -5,
      'below_cost 5.00',
    ]);
    // The total row: the exact sums of the lines above, the API's totals of the same match.
    const { totals } = (await api.call('GET', '/v1/periods/2026-10-15/reconciliation', finance)).json;
    expect(rows.at(-1)).toEqual([
      'Total',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      Number(totals.billed),
      Number(totals.charged),
      Number(totals.cost),
      Number(totals.margin),
    ]);
  });

  it('refuses the sheet to a customer token', async () => {
    const response = await api.call(
      'GET',
      '/v1/periods/2026-10-15/export.xlsx?reconciliation=true',
      customerToken,
    );
    expect([response.status, response.json.errors]).toEqual([
      403,
      [{ field: 'reconciliation', reason: 'staff only' }],
    ]);
  });
});

describe('/v1/vendor-mappings/{customers,products}', () => {
  // Both kinds are built by one route factory: each kind's list, create, conflict, unknown target,
  // removal and audit trail are pinned here, under a vendor no other test uses.
  it('lists, creates, refuses, removes and audits each kind of mapping', async () => {
    const vendor = 'Pax8';
    const kinds = [
      {
        path: 'customers',
        noun: 'customer',
        field: 'vendorCustomerId',
        vendorId: 'pax8-contoso',
        target: ['customer', 'contoso'],
        shown: { customer: { ref: 'contoso', name: 'Contoso' } },
        unknown: "no customer 'nobody'",
      },
      {
        path: 'products',
        noun: 'product',
        field: 'vendorProductId',
        vendorId: 'pax8-bp',
        target: ['sku', 'M365-BP'],
        shown: { sku: 'M365-BP' },
        unknown: "no SKU 'nobody'",
      },
    ] as const;
    for (const kind of kinds) {
      const url = `/v1/vendor-mappings/${kind.path}`;
      const [targetField, ref] = kind.target;
      const body = { vendor, [kind.field]: kind.vendorId, [targetField]: ref };
      const created = await api.call('POST', url, finance, body);
      const mapping = {
        id: created.json.id,
        vendor,
        [kind.field]: kind.vendorId,
        ...kind.shown,
        createdBy: expect.any(String),
      };
      expect([created.status, created.json]).toEqual([201, mapping]);
      const listed = await api.call('GET', `${url}?vendor=${vendor}`, operator);
      expect([listed.status, listed.json]).toEqual([200, { mappings: [mapping] }]);
      const again = await api.call('POST', url, finance, body);
      expect([again.status, again.json.detail]).toEqual([
        409,
        `${vendor} ${kind.noun} '${kind.vendorId}' is already mapped`,
      ]);
      const unknown = await api.call('POST', url, finance, { ...body, [targetField]: 'nobody' });
      expect([unknown.status, unknown.json.errors]).toEqual([
        400,
        [{ field: targetField, reason: kind.unknown }],
      ]);
      expect((await api.call('DELETE', `${url}/${created.json.id}`, customerToken)).status).toBe(403);
      expect((await api.call('DELETE', `${url}/${created.json.id}`, finance)).status).toBe(204);
      const gone = await api.call('DELETE', `${url}/${created.json.id}`, finance);
      expect([gone.status, gone.json.detail]).toEqual([
        404,
        `no vendor ${kind.noun} mapping ${created.json.id}`,
      ]);
      expect((await api.call('GET', `${url}?vendor=${vendor}`, operator)).json).toEqual({ mappings: [] });
      const subject = `vendor_${kind.noun}_mapping:${created.json.id}`;
      const trail = await sql<{ action: string; details: Record<string, unknown> }[]>`
        select action, details - 'requestId' as details from audit_log
        where tenant_id = ${tenantId} and subject = ${subject} order by id`;
      expect(trail.map((row) => [row.action, row.details])).toEqual([
        [`vendor_${kind.noun}_mapping.created`, body],
        [`vendor_${kind.noun}_mapping.deleted`, {}],
      ]);
    }
  });
});
