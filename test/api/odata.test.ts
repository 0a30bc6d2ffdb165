import { beforeAll, describe, expect, it } from 'vitest';
import { openPeriod } from '../../activities/open-period.js';
import { runStages } from '../../activities/run-stages.js';
import { sumAmounts } from '../../billing/money.js';
import { apiForTests } from '../support/api.js';
import { reopenDecision, seedSeats, uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { approvePeriod, createSku, ingest, useCurrency } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('odata');
const otherTenant = uniqueTenantId('odata-other');
const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const ROOT = 'http://localhost/odata';
let admin = '';
let other = '';

type Row = Record<string, unknown>;
const customerId = async (ref: string) =>
  Number((await sql`select id from customers where tenant_id = ${tenantId} and ref = ${ref}`)[0]?.id);

/**
 * Contoso (seedSeats: three E3 seats, KWD so amounts have 3 decimals), and a reseller r1 with two
 * customers: Northwind (an SMS usage at 10.005 and an excluded admin seat) and O'Hara Traders (a VM
 * from 5 Jan). January and February are computed; another tenant has its own January, reopened.
 */
beforeAll(async () => {
  await seedSeats(sql, tenantId);
  await useCurrency(sql, tenantId, 'KWD', 3);
  await createSku(sql, tenantId, {
    code: 'SMS',
    vendor: 'Acme Cloud',
    price: '10.005',
    model: 'usage',
    maps: [['usage', 'sms', null]],
  });
  await createSku(sql, tenantId, {
    code: 'VM',
    vendor: 'Acme Cloud',
    price: '40.00',
    maps: [['instance', 'vm', null]],
  });
  const at = '2025-12-01T00:00:00Z';
  await ingest(sql, tenantId, [
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'r1',
      name: 'Fabrikam Reseller',
      tags: ['partner', 'gold'],
    },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'e1',
      name: 'Northwind',
      parent: 'r1',
      relationship: 'via',
    },
    {
      kind: 'customer.created',
      occurredAt: at,
      customer: 'e2',
      name: "O'Hara Traders",
      parent: 'r1',
      relationship: 'via',
    },
    { kind: 'user.created', occurredAt: at, customer: 'r1', user: 'r1u', name: 'ops@fabrikam.example' },
    { kind: 'user.created', occurredAt: at, customer: 'e1', user: 'e1a', name: 'admin@northwind.example' },
    {
      kind: 'plan.changed',
      occurredAt: '2026-01-20T00:00:00Z',
      customer: 'r1',
      user: 'r1u',
      service: 'm365',
      plan: 'E3',
    },
    { kind: 'plan.changed', occurredAt: at, customer: 'e1', user: 'e1a', service: 'm365', plan: 'E3' },
    {
      kind: 'usage.recorded',
      occurredAt: '2026-01-15T10:00:00Z',
      customer: 'e1',
      service: 'sms',
      product: 'bulk',
      quantity: '1',
    },
    {
      kind: 'instance.added',
      occurredAt: '2026-01-05T00:00:00Z',
      customer: 'e2',
      service: 'vm',
      product: 'b2s',
      instance: 'vm-1',
    },
  ]);
  await sql`insert into rules (tenant_id, name, user_pattern, created_by)
            values (${tenantId}, 'Exclude admins', 'admin*', 'fiona@msp')`;
  for (const date of ['2026-01-15', '2026-02-15']) {
    const period = await openPeriod(sql, { tenantId, date });
    await runStages(sql, period.periodId);
  }
  await seedSeats(sql, otherTenant);
  // The other tenant's January is approved and reopened: only revision 2 is current.
  const first = await openPeriod(sql, { tenantId: otherTenant, date: '2026-01-15' });
  await runStages(sql, first.periodId);
  await approvePeriod(sql, first.periodId);
  const reopen = { decisionId: await reopenDecision(sql, otherTenant, first.periodId, 'late seat') };
  await runStages(
    sql,
    (await openPeriod(sql, { tenantId: otherTenant, date: '2026-01-15', revision: 2, reopen })).periodId,
  );
  admin = await api.token(tenantId, 'admin');
  other = await api.token(otherTenant, 'finance');
});

const get = (path: string, token = admin, headers: Record<string, string> = {}) =>
  api.call('GET', path, token, undefined, headers);

/** Every row of a set, following @odata.nextLink from the first URL; the pages as they came. */
async function walk(path: string, token = admin, pageSize?: number, headers: Record<string, string> = {}) {
  const pages: { rows: Row[]; body: Row; text: string; headers: Headers }[] = [];
  let next: string | undefined = path;
  while (next) {
    const response = await get(next.replace('http://localhost', ''), token, {
      ...(pageSize ? { prefer: `odata.maxpagesize=${pageSize}` } : {}),
      ...headers,
    });
    expect(response.status, response.text).toBe(200);
    pages.push({
      rows: response.json.value,
      body: response.json,
      text: response.text,
      headers: response.headers,
    });
    next = response.json['@odata.nextLink'];
    expect(pages.length).toBeLessThan(100);
  }
  return { pages, rows: pages.flatMap((page) => page.rows) };
}

describe('service document and $metadata', () => {
  it('lists the entity sets at the service root, with and without a trailing slash', async () => {
    for (const path of ['/odata', '/odata/']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('odata-version')).toBe('4.0');
      expect(response.headers.get('content-type')).toBe(JSON_TYPE);
      expect(response.json).toEqual({
        '@odata.context': `${ROOT}/$metadata`,
        value: ['Items', 'CustomerTotals', 'Periods', 'Customers'].map((name) => ({
          name,
          kind: 'EntitySet',
          url: name,
        })),
      });
    }
  });

  it('describes the sets in CSDL XML with EDM types, decimal facets and keys', async () => {
    const response = await get('/odata/$metadata');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml;charset=utf-8');
    expect(response.headers.get('odata-version')).toBe('4.0');
    const xml = response.text;
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<edmx:Edmx Version="4.0"/);
    expect(
      [...xml.matchAll(/<EntitySet Name="(\w+)" EntityType="Monthend\.(\w+)"\/>/g)].map(
        (m) => `${m[1]}:${m[2]}`,
      ),
    ).toEqual(['Items:Item', 'CustomerTotals:CustomerTotal', 'Periods:Period', 'Customers:Customer']);
    const item = /<EntityType Name="Item">([\s\S]*?)<\/EntityType>/.exec(xml)?.[1] ?? '';
    const property = (name: string) => new RegExp(`<Property Name="${name}" ([^/]*)/>`).exec(item)?.[1];
    expect(item).toContain('<Key><PropertyRef Name="id"/></Key>');
    expect(property('id')).toBe('Type="Edm.Int64" Nullable="false"');
    expect(property('customerName')).toBe('Type="Edm.String" Nullable="false"');
    expect(property('userName')).toBe('Type="Edm.String" Nullable="true"');
    expect(property('activeFrom')).toBe('Type="Edm.Date" Nullable="false"');
    expect(property('daysActive')).toBe('Type="Edm.Int32" Nullable="false"');
    expect(property('amount')).toBe('Type="Edm.Decimal" Nullable="false" Precision="20" Scale="4"');
    expect(property('unitPrice')).toBe('Type="Edm.Decimal" Nullable="false" Precision="20" Scale="6"');
    expect(property('billable')).toBe('Type="Edm.Boolean" Nullable="false"');
    expect(property('periodStatus')).toBe('Type="Edm.String" Nullable="false"');
    expect(property('periodRevision')).toBe('Type="Edm.Int32" Nullable="false"');
    const total = /<EntityType Name="CustomerTotal">([\s\S]*?)<\/EntityType>/.exec(xml)?.[1] ?? '';
    expect(total).toContain(
      '<Property Name="periodStatus" Type="Edm.String" Nullable="false"/>\n        <Property Name="periodRevision" Type="Edm.Int32" Nullable="false"/>',
    );
    expect(xml).toContain('<Key><PropertyRef Name="periodId"/><PropertyRef Name="customerId"/></Key>');
  });
});

describe('Items', () => {
  it('pages by keyset with odata.maxpagesize, and the amounts sum exactly to the roll-ups', async () => {
    const { pages, rows } = await walk('/odata/Items', admin, 2);
    expect(rows).toHaveLength(13);
    expect(pages).toHaveLength(7);
    for (const [index, page] of pages.entries()) {
      expect(page.rows.length).toBe(index < 6 ? 2 : 1);
      expect(page.body['@odata.context']).toBe(`${ROOT}/$metadata#Items`);
      expect(page.headers.get('preference-applied')).toBe('odata.maxpagesize=2');
      const next = page.body['@odata.nextLink'] as string | undefined;
      if (index < 6) expect(next).toMatch(/^http:\/\/localhost\/odata\/Items\?\$skiptoken=[\w-]+$/);
      else expect(next).toBeUndefined();
    }
    const whole = await get('/odata/Items?$select=id');
    expect(whole.json.value).toHaveLength(13);
    expect(whole.json['@odata.nextLink']).toBeUndefined();
    expect(whole.headers.get('preference-applied')).toBeNull();
    const capped = await get('/odata/Items?$select=id', admin, {
      prefer: 'odata.allow-entityreferences, odata.maxpagesize=99999',
    });
    expect(capped.headers.get('preference-applied')).toBe('odata.maxpagesize=5000');
    const ids = rows.map((row) => row.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(13);

    const amounts = (period: string) =>
      rows.filter((row) => row.periodEnd === period).map((row) => amountText(pages, row.id as number));
    const rollups = await sql<{ periodEnd: string; total: string }[]>`
      select p.end_date::text as "periodEnd", sum(r.billable_amount)::text as total
      from rollups r join periods p on p.id = r.period_id
      where r.tenant_id = ${tenantId} and r.level = 'customer' group by p.end_date order by 1`;
    expect(rollups).toEqual([
      { periodEnd: '2026-01-31', total: '139.8440' },
      { periodEnd: '2026-02-28', total: '164.0000' },
    ]);
    for (const { periodEnd, total } of rollups)
      expect(sumAmounts(amounts(periodEnd))).toBe(sumAmounts([total]));
  });

  it('writes money as exact JSON number tokens, or as strings with IEEE754Compatible=true', async () => {
    const plain = await get("/odata/Items?$filter=sku eq 'SMS'&$select=id,quantity,unitPrice,amount");
    expect(plain.text).toMatch(/"quantity":1\.0000,"unitPrice":10\.005000,"amount":10\.0050\}/);
    const strings = await get("/odata/Items?$filter=sku eq 'SMS'&$select=id,daysActive,amount", admin, {
      accept: 'application/json;odata.metadata=minimal;IEEE754Compatible=true',
    });
    expect(strings.headers.get('content-type')).toBe(
      JSON_TYPE.replace('IEEE754Compatible=false', 'IEEE754Compatible=true'),
    );
    expect(strings.json.value).toEqual([{ id: expect.any(String), daysActive: 0, amount: '10.0050' }]);
  });

  it('shows an item with every field, as the period snapshot has it', async () => {
    const response = await get(
      "/odata/Items?$filter=customerRef eq 'e1' and periodEnd eq 2026-01-31 and not billable",
    );
    expect(response.json.value).toEqual([
      {
        id: expect.any(Number),
        periodId: expect.any(Number),
        periodStart: '2026-01-01',
        periodEnd: '2026-01-31',
        periodStatus: 'open',
        periodRevision: 1,
        customerId: await customerId('e1'),
        customerRef: 'e1',
        customerName: 'Northwind',
        invoiceToId: await customerId('r1'),
        invoiceToRef: 'r1',
        invoiceToName: 'Fabrikam Reseller',
        userName: 'admin@northwind.example',
        kind: 'plan',
        service: 'm365',
        product: 'E3',
        sku: 'E3',
        vendor: 'Microsoft',
        unmapped: false,
        activeFrom: '2026-01-01',
        activeTo: '2026-02-01',
        daysActive: 31,
        periodDays: 31,
        quantity: 1,
        unitPrice: 31,
        discountPercent: 0,
        amount: 0,
        billable: false,
        ruleName: 'Exclude admins',
        carriedOver: true,
        adjustment: false,
        adjustsPeriodEnd: null,
      },
    ]);
  });

  it('filters with comparisons, and/or/not, dates, contains, startswith and null', async () => {
    const refs = async (filter: string) => {
      const response = await get(
        `/odata/Items?$filter=${encodeURIComponent(filter)}&$select=customerRef,userName,sku,periodEnd&$orderby=periodEnd,customerRef,userName`,
      );
      expect(response.status, response.text).toBe(200);
      return (response.json.value as Row[]).map(
        (row) => `${row.periodEnd} ${row.customerRef} ${row.userName ?? '-'} ${row.sku}`,
      );
    };
    expect(await refs("billable eq true and vendor eq 'Microsoft' and periodEnd eq 2026-01-31")).toEqual([
      '2026-01-31 c1 u1@contoso.example E3',
      '2026-01-31 c1 u2@contoso.example E3',
      '2026-01-31 c1 u3@contoso.example E3',
      '2026-01-31 r1 ops@fabrikam.example E3',
    ]);
    expect(await refs('activeFrom ge 2026-01-10 and activeFrom lt 2026-02-01')).toEqual([
      '2026-01-31 c1 u3@contoso.example E3',
      '2026-01-31 e1 - SMS',
      '2026-01-31 r1 ops@fabrikam.example E3',
    ]);
    expect(await refs("contains(customerName,'oso') and periodEnd gt 2026-01-31")).toEqual([
      '2026-02-28 c1 u1@contoso.example E3',
      '2026-02-28 c1 u2@contoso.example E3',
      '2026-02-28 c1 u3@contoso.example E3',
    ]);
    expect(
      await refs(
        "userName eq null or (startswith(customerName,'O''Hara') and not (periodEnd ne 2026-01-31))",
      ),
    ).toEqual(['2026-01-31 e1 - SMS', '2026-01-31 e2 - VM', '2026-02-28 e2 - VM']);
    expect(await refs('amount eq 10.005')).toEqual(['2026-01-31 e1 - SMS']);
  });

  it('selects, orders, skips and tops, and keeps the order across keyset pages', async () => {
    const selected = await get('/odata/Items?$select=amount,customerRef&$top=1');
    expect(selected.json['@odata.context']).toBe(`${ROOT}/$metadata#Items(customerRef,amount)`);
    expect(Object.keys(selected.json.value[0])).toEqual(['customerRef', 'amount']);

    for (const orderby of [
      'amount desc,customerRef',
      'userName desc',
      'sku asc,activeFrom desc',
      'billable,userName',
    ]) {
      const query = `/odata/Items?$orderby=${encodeURIComponent(orderby)}&$select=id`;
      const whole = (await get(query)).json.value as Row[];
      expect((await walk(query, admin, 2)).rows).toEqual(whole);
      expect(whole).toHaveLength(13);
    }
    const byAmount = (await get('/odata/Items?$orderby=amount desc&$select=amount&$top=3')).json.value;
    expect(byAmount.map((row: Row) => row.amount)).toEqual([40, 34.839, 31]);

    const all = (await get('/odata/Items?$orderby=id&$select=id')).json.value as Row[];
    const window = await walk('/odata/Items?$orderby=id&$select=id&$skip=2&$top=3', admin, 2);
    expect(window.rows).toEqual(all.slice(2, 5));
    expect(window.pages.map((page) => page.rows.length)).toEqual([2, 1]);
    expect(window.pages[0]?.body['@odata.nextLink']).toMatch(
      /\?\$select=id&\$orderby=id&\$top=1&\$skiptoken=/,
    );
  });

  it('counts with $count=true on every page and at /$count, ignoring $top', async () => {
    const filter = encodeURIComponent("vendor eq 'Microsoft'");
    const { pages, rows } = await walk(`/odata/Items?$filter=${filter}&$count=true&$top=5`, admin, 2);
    expect(rows).toHaveLength(5);
    expect(pages.map((page) => page.body['@odata.count'])).toEqual([10, 10, 10]);
    expect(pages[0]?.body['@odata.nextLink']).toContain(`$filter=${filter}&$top=3&$count=true&$skiptoken=`);
    const count = await get(`/odata/Items/$count?$filter=${filter}`);
    expect(count.status).toBe(200);
    expect(count.text).toBe('10');
  });
});

describe("each period's status on Items and CustomerTotals", () => {
  it('reads status and revision with the rows, filterable, so drafts never pass for approved', async () => {
    const tenant = uniqueTenantId('odata-status');
    await seedSeats(sql, tenant);
    for (const date of ['2026-01-15', '2026-02-15']) {
      const period = await openPeriod(sql, { tenantId: tenant, date });
      await runStages(sql, period.periodId);
      if (date === '2026-01-15') await approvePeriod(sql, period.periodId);
    }
    const token = await api.token(tenant, 'finance');
    const rows = async (path: string) => {
      const response = await get(path, token);
      expect(response.status).toBe(200);
      return response.json.value;
    };
    const item = (periodEnd: string, periodStatus: string, amount: number) => ({
      periodEnd,
      periodStatus,
      periodRevision: 1,
      amount,
    });
    const january = [31, 31, 21].map((amount) => item('2026-01-31', 'approved', amount));
    const february = [31, 31, 31].map((amount) => item('2026-02-28', 'open', amount));
    const select = '$select=periodEnd,periodStatus,periodRevision,amount&$orderby=periodEnd,id';
    expect(await rows(`/odata/Items?${select}`)).toEqual([...january, ...february]);
    const approved = encodeURIComponent("periodStatus eq 'approved'");
    expect(await rows(`/odata/Items?$filter=${approved}&${select}`)).toEqual(january);
    const totals = '$select=periodEnd,periodStatus,periodRevision,amount&$orderby=periodEnd';
    expect(await rows(`/odata/CustomerTotals?$filter=${approved}&${totals}`)).toEqual([
      item('2026-01-31', 'approved', 83),
    ]);
    const drafts = encodeURIComponent("periodStatus ne 'approved' and periodRevision eq 1");
    expect(await rows(`/odata/CustomerTotals?$filter=${drafts}&${totals}`)).toEqual([
      item('2026-02-28', 'open', 93),
    ]);
    expect((await get(`/odata/Items/$count?$filter=${approved}`, token)).text).toBe('3');
  });
});

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

describe('errors', () => {
  /** The OData JSON error body, its request id taken from the answer's header. */
  const odataError = (
    response: { headers: Headers },
    code: string,
    message: string,
    errors: { field: string; reason: string }[] = [],
  ) => ({
    error: {
      code,
      message,
      ...(errors.length === 1 ? { target: errors[0]?.field } : {}),
      ...(errors.length > 0
        ? { details: errors.map((e) => ({ code, message: e.reason, target: e.field })) }
        : {}),
      innererror: { requestId: response.headers.get('x-request-id') },
    },
  });

  it('answers a bad $filter with a 400 OData error naming the option and the position', async () => {
    const response = await get(`/odata/Items?$filter=${encodeURIComponent('amount gt')}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('odata-version')).toBe('4.0');
    expect(response.headers.get('content-type')).toBe('application/json');
    const reason = 'expected a field or a value, found the end of $filter at position 9';
    expect(response.json).toEqual(
      odataError(response, 'BadRequest', `$filter: ${reason}`, [{ field: '$filter', reason }]),
    );
    const unknown = await get(`/odata/Items?$filter=${encodeURIComponent("amount gt 1 and price eq 'x'")}`);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.target).toBe('$filter');
    expect(unknown.json.error.details[0].message).toMatch(
      /^unknown field 'price' \(known: id, periodId, .*\) at position 16$/,
    );
  });

  it('rejects unknown fields in $select and $orderby, bad options, tokens, sets and keys', async () => {
    const select = await get('/odata/Items?$select=id,nope');
    expect(select.status).toBe(400);
    expect(select.headers.get('content-type')).toBe('application/json');
    expect(select.json.error).toMatchObject({ code: 'BadRequest', target: '$select' });
    expect(select.json.error.details[0].message).toMatch(/^unknown field 'nope' \(known: id, /);
    const orderby = await get('/odata/Items?$orderby=amount sideways');
    const sideways = "expected 'field asc' or 'field desc', got 'amount sideways'";
    expect(orderby.json).toEqual(
      odataError(orderby, 'BadRequest', `$orderby: ${sideways}`, [{ field: '$orderby', reason: sideways }]),
    );
    expect((await get('/odata/Items?$top=-1')).json.error.target).toBe('$top');
    const expand = await get('/odata/Items?$expand=Customer');
    expect(expand.status).toBe(400);
    expect(expand.json.error).toMatchObject({ code: 'BadRequest', target: '$expand' });
    const token = await get('/odata/Items?$skiptoken=bm9wZQ');
    const refused = 'not a token of this query: follow @odata.nextLink as given';
    expect(token.json).toEqual(
      odataError(token, 'BadRequest', `$skiptoken: ${refused}`, [{ field: '$skiptoken', reason: refused }]),
    );
    const set = await get('/odata/Invoices');
    expect(set.status).toBe(404);
    expect(set.headers.get('content-type')).toBe('application/json');
    expect(set.json).toEqual(odataError(set, 'NotFound', "no entity set 'Invoices'"));
    // A key segment is not served: an unknown path, answered as an OData error too.
    const key = await get('/odata/Items(abc)');
    expect(key.status).toBe(404);
    expect(key.json).toEqual(odataError(key, 'NotFound', "no entity set 'Items(abc)'"));
    const deeper = await get('/odata/Items/1/amount');
    expect(deeper.status).toBe(404);
    expect(deeper.json).toEqual(odataError(deeper, 'NotFound', 'no route for GET /odata/Items/1/amount'));
  });

  it('answers the guards in front of the feed (bad text, unknown methods) as OData errors too', async () => {
    const nul = await get('/odata/Items?$skiptoken=%00');
    expect(nul.status).toBe(400);
    expect(nul.headers.get('content-type')).toBe('application/json');
    expect(nul.json).toEqual(
      odataError(nul, 'BadRequest', '$skiptoken: contains a NUL character', [
        { field: '$skiptoken', reason: 'contains a NUL character' },
      ]),
    );
    const post = await api.call('POST', '/odata/Items', admin, {});
    expect(post.status).toBe(405);
    expect(post.headers.get('content-type')).toBe('application/json');
    expect(post.json.error.code).toBe('MethodNotAllowed');
  });

  it('documents the OData error format for every /odata error answer in the OpenAPI document', async () => {
    const document = (await api.call('GET', '/openapi.json')).json;
    const odata = Object.entries(document.paths).filter(([path]) => path.startsWith('/odata'));
    expect(odata.map(([path]) => path)).toEqual([
      '/odata',
      '/odata/$metadata',
      '/odata/{entitySet}/$count',
      '/odata/{entitySet}',
    ]);
    for (const [, operations] of odata) {
      const { responses } = (operations as { get: { responses: Record<string, { content: object }> } }).get;
      for (const status of ['400', '401', '403', '404'])
        expect(responses[status]?.content).toEqual({
          'application/json': { schema: { $ref: '#/components/schemas/ODataError' } },
        });
    }
  });

  it('keeps problem+json on /v1', async () => {
    const response = await get('/v1/periods/abc');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json).toMatchObject({ title: 'Invalid request', errors: [{ field: 'period' }] });
  });
});

describe('authentication and scope', () => {
  it('takes HTTP Basic with any user name and the token as password', async () => {
    const basic = `Basic ${Buffer.from(`excel:${admin}`).toString('base64')}`;
    const response = await api.call('GET', '/odata/Periods', undefined, undefined, { authorization: basic });
    expect(response.status).toBe(200);
    expect(response.json.value).toHaveLength(2);
  });

  it('answers 401 with a Basic challenge, so Excel and Power BI ask for credentials', async () => {
    for (const path of ['/odata', '/odata/', '/odata/$metadata', '/odata/Items']) {
      const response = await api.call('GET', path);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Monthend"');
      expect(response.headers.get('odata-version')).toBe('4.0');
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.json).toEqual({
        error: {
          code: 'Unauthorized',
          message:
            'missing credentials: sign in with HTTP Basic, any user name and an API token as the password',
          innererror: { requestId: response.headers.get('x-request-id') },
        },
      });
    }
    const wrong = `Basic ${Buffer.from('excel:mt_wrong').toString('base64')}`;
    const response = await api.call('GET', '/odata/Items', undefined, undefined, { authorization: wrong });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="Monthend"');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.json).toEqual({
      error: {
        code: 'Unauthorized',
        message: 'unknown or revoked token',
        innererror: { requestId: response.headers.get('x-request-id') },
      },
    });
  });

  it("shows a customer token only its subtree, with the reseller's totals reconciling", async () => {
    const reseller = await api.token(tenantId, 'customer', await customerId('r1'));
    // Amounts as strings (IEEE754Compatible=true), so the sum never meets a float.
    const items = (
      await walk('/odata/Items?$select=customerRef,periodEnd,amount', reseller, 2, {
        accept: 'application/json;IEEE754Compatible=true',
      })
    ).rows;
    expect(new Set(items.map((row) => row.customerRef))).toEqual(new Set(['r1', 'e1', 'e2']));
    const [january] = await sql<{ amount: string }[]>`
      select r.billable_amount::text as amount from rollups r join periods p on p.id = r.period_id
      where r.tenant_id = ${tenantId} and r.level = 'reseller' and r.customer_id = ${await customerId('r1')}
        and p.end_date = '2026-01-31'`;
    expect(january?.amount).toBe('56.8440');
    const januaryAmounts = items
      .filter((row) => row.periodEnd === '2026-01-31')
      .map((row) => row.amount as string);
    expect(sumAmounts(januaryAmounts)).toBe(sumAmounts([january?.amount ?? '']));
    const customers = (await get('/odata/Customers?$select=ref', reseller)).json.value;
    expect(customers.map((row: Row) => row.ref).sort()).toEqual(['e1', 'e2', 'r1']);

    const end = await api.token(tenantId, 'customer', await customerId('e2'));
    const totals = (await get('/odata/CustomerTotals?$select=customerRef,periodEnd', end)).json.value;
    expect(totals).toEqual([
      { customerRef: 'e2', periodEnd: '2026-01-31' },
      { customerRef: 'e2', periodEnd: '2026-02-28' },
    ]);
    expect((await get('/odata/Customers?$select=ref', end)).json.value).toEqual([{ ref: 'e2' }]);
    expect(
      (await get(`/odata/Items/$count?$filter=${encodeURIComponent("customerRef eq 'c1'")}`, end)).text,
    ).toBe('0');
  });

  it("never shows another tenant's rows", async () => {
    const mine = (await walk('/odata/Items?$select=id', admin)).rows.map((row) => row.id);
    const theirs = (await walk('/odata/Items?$select=id', other)).rows.map((row) => row.id);
    expect(theirs).toHaveLength(3);
    expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
    const [current] = await sql`select id from periods where tenant_id = ${otherTenant} and revision = 2`;
    expect((await get('/odata/Periods', other)).json.value).toEqual([
      { id: Number(current?.id), start: '2026-01-01', end: '2026-01-31', revision: 2, status: 'open' },
    ]);
    // Revision 1 keeps its items, but only the current revision is in the feed.
    const [stored] = await sql`select count(*)::int as items from items where tenant_id = ${otherTenant}`;
    expect(stored?.items).toBe(6);
    expect((await walk('/odata/Items?$select=periodId', other)).rows).toEqual(
      Array.from({ length: 3 }, () => ({ periodId: Number(current?.id) })),
    );
    expect((await get('/odata/Customers?$select=ref', other)).json.value).toEqual([{ ref: 'c1' }]);
    const totals = (await get('/odata/CustomerTotals?$select=customerRef,amount', other)).json.value;
    expect(totals).toEqual([{ customerRef: 'c1', amount: 83 }]);
    expect((await get('/odata/Items/$count', other)).text).toBe('3');
  });
});

/** An item's amount as the JSON text has it: the exact token, not a float parsed from it. */
function amountText(pages: { text: string }[], id: number): string {
  for (const { text } of pages) {
    const match = new RegExp(`\\{"id":${id},[^}]*"amount":(-?[\\d.]+)`).exec(text);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no amount for item ${id}`);
}
