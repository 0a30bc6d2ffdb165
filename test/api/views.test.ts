import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';
import { buildBook } from './views-book.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('views');
const january = '/v1/periods/2026-01-15';
let book: Awaited<ReturnType<typeof buildBook>>;
let admin = '';
let reseller = '';
let alpha = '';
let all: Item[] = [];

interface Item {
  id: number;
  cost?: null;
  margin?: null;
  customer: { ref: string; name: string };
  invoiceTo: { ref: string; name: string } | null;
  user: { ref: string; name: string } | null;
  sku: string | null;
  vendor: string | null;
  billable: boolean;
  carriedOver: boolean;
  rule: { id: number; name: string } | null;
  adjusts: { periodEnd: string } | null;
  [field: string]: unknown;
}

const contoso = { ref: 'c1', name: 'Contoso' };
const northwind = { ref: 'r1', name: 'Northwind Reseller' };
const alphaRef = { ref: 'r1a', name: 'Alpha' };
const betaRef = { ref: 'r1b', name: 'Beta' };

/** An E3 seat item of January with what most of them share; `changes` says how this one differs. */
function seat(customer: typeof contoso, user: string, changes: Record<string, unknown> = {}) {
  return {
    customer,
    invoiceTo: customer === contoso ? contoso : northwind,
    user: { ref: user, name: `${user}@${customer === contoso ? 'contoso' : customer.ref}.example` },
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
    quantity: '1.0000',
    unitPrice: '31.000000',
    discountPercent: '0.00',
    amount: '31.0000',
    billable: true,
    rule: null,
    carriedOver: true,
    adjusts: null,
    ...changes,
  };
}

/** An item as a customer's token sees it: without the cost and margin only staff see. */
const asCustomer = ({ cost: _cost, margin: _margin, ...item }: Item): Item => item;

/** January's items, each with the id the database gave it, in id order. */
async function januaryItems(): Promise<Item[]> {
  const expected = [
    seat(contoso, 'u1'),
    seat(contoso, 'u2'),
    seat(contoso, 'u3', { activeFrom: '2026-01-11', daysActive: 21, amount: '21.0000', carriedOver: false }),
    {
      ...seat(northwind, 'none'),
      invoiceTo: northwind,
      user: null,
      service: 'support',
      product: 'std',
      sku: 'SUPPORT',
      vendor: 'MSP',
      unitPrice: '50.000000',
      amount: '50.0000',
    },
    {
      ...seat(alphaRef, 'none'),
      user: null,
      kind: 'instance',
      service: 'backup',
      product: 'vault',
      sku: null,
      vendor: null,
      unmapped: true,
      activeFrom: '2026-01-05',
      daysActive: 27,
      unitPrice: '0.000000',
      amount: '0.0000',
      carriedOver: false,
    },
    seat(alphaRef, 'a1'),
    seat(alphaRef, 'a2'),
    seat(alphaRef, 'a2', {
      activeFrom: '2025-12-20',
      activeTo: '2026-01-01',
      daysActive: 12,
      amount: '12.0000',
      carriedOver: false,
      adjusts: { periodEnd: '2025-12-31' },
    }),
    seat(betaRef, 'b1', {
      activeTo: '2026-01-16',
      daysActive: 15,
      amount: '0.0000',
      billable: false,
      rule: { id: book.ruleId, name: 'Beta go-live' },
    }),
    seat(betaRef, 'b1', { activeFrom: '2026-01-16', daysActive: 16, amount: '16.0000', carriedOver: false }),
  ];
  const ids = await sql<
    { id: number; ref: string; service: string; from: string; to: string; user: string | null }[]
  >`
    select i.id, c.ref, i.service, i.active_from::text as from, i.active_to::text as to, u.ref as user
    from items i join customers c on c.id = i.customer_id left join users u on u.id = i.user_id
    where i.period_id = ${book.januaryId}`;
  return expected
    .map((item) => {
      const row = ids.find(
        (r) =>
          r.ref === item.customer.ref &&
          r.service === item.service &&
          r.from === item.activeFrom &&
          r.to === item.activeTo &&
          r.user === (item.user?.ref ?? null),
      );
      // Staff see a cost and margin on every item: none here, as this book has no vendor file or cost price.
      return { id: row?.id ?? 0, ...item, cost: null, margin: null } as Item;
    })
    .sort((a, b) => a.id - b.id);
}

beforeAll(async () => {
  book = await buildBook(sql, tenantId);
  admin = await api.token(tenantId, 'admin');
  reseller = await api.token(tenantId, 'customer', book.customerIds.r1, 'northwind portal');
  alpha = await api.token(tenantId, 'customer', book.customerIds.r1a, 'alpha portal');
  all = await januaryItems();
});

describe('GET /v1/periods/{period}/items', () => {
  it('lists every item of the period with refs, snapshot names, exact decimals, rule and adjustment', async () => {
    const response = await api.call('GET', `${january}/items`, admin);
    expect(response.status).toBe(200);
    expect(all.map((item) => item.id).every((id) => id > 0)).toBe(true);
    expect(response.json).toEqual({ items: all, next: null });
  });

  it('filters by customer, user, SKU, vendor, billable, carried over and adjustment, all at once too', async () => {
    const cases: [string, (item: Item) => boolean][] = [
      ['customer=r1a', (i) => i.customer.ref === 'r1a'],
      ['user=a2', (i) => i.user?.ref === 'a2'],
      ['sku=SUPPORT', (i) => i.sku === 'SUPPORT'],
      ['vendor=Microsoft', (i) => i.vendor === 'Microsoft'],
      ['billable=false', (i) => !i.billable],
      ['billable=true', (i) => i.billable],
      ['carriedOver=true', (i) => i.carriedOver],
      ['carriedOver=false', (i) => !i.carriedOver],
      ['adjustment=true', (i) => i.adjusts !== null],
      ['adjustment=false', (i) => i.adjusts === null],
      ['customer=r1b&billable=true', (i) => i.customer.ref === 'r1b' && i.billable],
      ['user=nobody', () => false],
    ];
    for (const [query, keep] of cases) {
      const response = await api.call('GET', `${january}/items?${query}`, admin);
      expect({ query, status: response.status, body: response.json }).toEqual({
        query,
        status: 200,
        body: { items: all.filter(keep), next: null },
      });
    }
    expect(all.filter((i) => i.adjusts !== null)).toHaveLength(1);
    expect(all.filter((i) => !i.billable)).toHaveLength(1);
  });

  it('pages by item id, the pages concatenating to the whole list', async () => {
    for (const limit of [1, 3, 9, 10]) {
      const seen: Item[] = [];
      const cursors: (number | null)[] = [];
      let after = 0;
      for (let page = 0; page < 20; page++) {
        const response = await api.call('GET', `${january}/items?limit=${limit}&after=${after}`, admin);
        expect(response.status).toBe(200);
        expect(response.json.items.length).toBeLessThanOrEqual(limit);
        seen.push(...response.json.items);
        cursors.push(response.json.next);
        if (response.json.next === null) break;
        after = response.json.next;
      }
      expect(seen).toEqual(all);
      const pages = Math.ceil(all.length / limit);
      expect(cursors).toEqual([
        ...Array.from({ length: pages - 1 }, (_, n) => all[(n + 1) * limit - 1]?.id),
        null,
      ]);
    }
    const filtered = await api.call(
      'GET',
      `${january}/items?vendor=Microsoft&limit=2&after=${all[5]?.id}`,
      admin,
    );
    const microsoft = all.filter((i) => i.vendor === 'Microsoft' && i.id > (all[5]?.id ?? 0));
    expect(filtered.json).toEqual({ items: microsoft.slice(0, 2), next: microsoft[1]?.id });
  });

  it('answers 400 with the field for a bad limit, cursor, flag or an unknown parameter', async () => {
    const cases: [string, string][] = [
      ['limit=5001', 'limit'],
      ['limit=0', 'limit'],
      ['after=-1', 'after'],
      ['billable=yes', 'billable'],
      ['revision=0', 'revision'],
    ];
    for (const [query, field] of cases) {
      const response = await api.call('GET', `${january}/items?${query}`, admin);
      expect(response.status).toBe(400);
      expect(response.json.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    const unknown = await api.call('GET', `${january}/items?color=red`, admin);
    expect(unknown.status).toBe(400);
    expect(unknown.json.title).toBe('Invalid request');
    expect((await api.call('GET', '/v1/periods/2026-02-30/items', admin)).status).toBe(400);
    expect((await api.call('GET', `${january}/items?limit=5000`, admin)).status).toBe(200);
  });

  it('answers 404 for a period never generated, a revision that does not exist, or an unknown customer', async () => {
    const never = await api.call('GET', '/v1/periods/2026-03-10/items', admin);
    expect(never.status).toBe(404);
    expect(never.json.detail).toBe('no period holding 2026-03-10 has been generated');
    const revision = await api.call('GET', `${january}/items?revision=2`, admin);
    expect(revision.status).toBe(404);
    expect(revision.json.detail).toBe('the period holding 2026-01-15 has no revision 2');
    expect((await api.call('GET', `${january}/items?revision=1`, admin)).json.items).toEqual(all);
    const unknown = await api.call('GET', `${january}/items?customer=nope`, admin);
    expect(unknown.status).toBe(404);
    expect(unknown.json.detail).toBe("no customer 'nope' in this period");
    expect((await api.call('GET', `${january}/items`)).status).toBe(401);
  });

  it('shows a reseller’s token exactly its subtree, and a customer outside it as not found', async () => {
    const subtree = ['r1', 'r1a', 'r1b'];
    const response = await api.call('GET', `${january}/items`, reseller);
    expect(response.json).toEqual({
      items: all.filter((i) => subtree.includes(i.customer.ref)).map(asCustomer),
      next: null,
    });
    const outside = await api.call('GET', `${january}/items?customer=c1`, reseller);
    expect(outside.status).toBe(404);
    expect(outside.json.detail).toBe("no customer 'c1' in this period");
    const inside = await api.call('GET', `${january}/items?customer=r1b`, reseller);
    expect(inside.json.items).toEqual(all.filter((i) => i.customer.ref === 'r1b').map(asCustomer));
  });

  it('shows an end customer’s token its own items, without naming the reseller that pays for them', async () => {
    const response = await api.call('GET', `${january}/items`, alpha);
    expect(response.json).toEqual({
      items: all.filter((i) => i.customer.ref === 'r1a').map((i) => ({ ...asCustomer(i), invoiceTo: null })),
      next: null,
    });
    expect((await api.call('GET', `${january}/items?customer=r1`, alpha)).status).toBe(404);
  });
});

describe('GET /v1/periods/{period}/service-detail', () => {
  it('returns the Service Detail rows of the exports, paged like items', async () => {
    const ids = book.customerIds;
    const expected = all.map((item) => ({
      itemId: item.id,
      customerId: ids[item.customer.ref],
      customerName: item.customer.name,
      invoiceToId: ids[item.invoiceTo?.ref ?? ''],
      invoiceToName: item.invoiceTo?.name,
      userName: item.user?.name ?? null,
      kind: item.kind,
      service: item.service,
      product: item.product,
      skuCode: item.sku,
      vendor: item.vendor,
      unmapped: item.unmapped,
      activeFrom: item.activeFrom,
      activeTo: item.activeTo,
      daysActive: item.daysActive,
      periodDays: item.periodDays,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
      discountPercent: item.discountPercent,
      amount: item.amount,
      billable: item.billable,
      ruleId: item.rule?.id ?? null,
      ruleName: item.rule?.name ?? null,
      carriedOver: item.carriedOver,
      adjustsPeriodId: item.adjusts ? book.decemberId : null,
      elementKind: item.kind,
      elementName: item.kind === 'instance' ? 'vault-1' : item.product,
      cost: null,
      margin: null,
    }));
    expect((await api.call('GET', `${january}/service-detail`, admin)).json).toEqual({
      rows: expected,
      next: null,
      cursor: null,
    });
    const first = await api.call('GET', `${january}/service-detail?limit=6`, admin);
    expect(first.json).toEqual({
      rows: expected.slice(0, 6),
      next: expected[5]?.itemId,
      cursor: expect.any(String),
    });
    const second = await api.call('GET', `${january}/service-detail?limit=6&after=${first.json.next}`, admin);
    expect(second.json).toEqual({ rows: expected.slice(6), next: null, cursor: null });
    const scoped = await api.call('GET', `${january}/service-detail`, alpha);
    expect(scoped.json.rows.map((row: { itemId: number }) => row.itemId)).toEqual(
      all.filter((i) => i.customer.ref === 'r1a').map((i) => i.id),
    );
  });
});

const header = {
  startDate: '2026-01-01',
  endDate: '2026-01-31',
  revision: 1,
  status: 'open',
  currency: 'EUR',
};

describe('GET /v1/periods/{period}/service-summary', () => {
  it('counts per customer and service at start, added, removed and at end, adjustments aside', async () => {
    const row = (customer: typeof contoso, service: string, atStart: number, added: number) => ({
      customer,
      service,
      atStart,
      added,
      removed: 0,
      atEnd: atStart + added,
    });
    const response = await api.call('GET', `${january}/service-summary`, admin);
    expect(response.json).toEqual({
      period: header,
      rows: [
        row(alphaRef, 'backup', 0, 1),
        row(alphaRef, 'm365', 2, 0),
        row(betaRef, 'm365', 1, 0),
        row(contoso, 'm365', 2, 1),
        row(northwind, 'support', 1, 0),
      ],
    });
    const scoped = await api.call('GET', `${january}/service-summary`, alpha);
    expect(scoped.json.rows).toEqual([row(alphaRef, 'backup', 0, 1), row(alphaRef, 'm365', 2, 0)]);
    const december = await api.call('GET', '/v1/periods/2025-12-31/service-summary', admin);
    expect(december.json.period).toEqual({
      startDate: '2025-12-01',
      endDate: '2025-12-31',
      revision: 1,
      status: 'approved',
      currency: 'EUR',
    });
  });
});

describe('GET /v1/periods/{period}/totals', () => {
  const total = (
    customer: typeof contoso,
    parent: string | null,
    depth: number,
    itemCount: number,
    amount: string,
  ) => ({
    customer,
    parent,
    depth,
    itemCount,
    amount,
  });

  it('gives customer, invoice-to and reseller totals rounded to the currency, and the grand total', async () => {
    const levels = {
      customer: [
        total(contoso, null, 0, 3, '83.00'),
        total(northwind, null, 0, 1, '50.00'),
        total(alphaRef, 'r1', 1, 4, '74.00'),
        total(betaRef, 'r1', 1, 2, '16.00'),
      ],
      invoice_to: [total(contoso, null, 0, 3, '83.00'), total(northwind, null, 0, 7, '140.00')],
      reseller: [total(northwind, null, 0, 7, '140.00')],
    };
    for (const [level, totals] of Object.entries(levels)) {
      const response = await api.call('GET', `${january}/totals?level=${level}`, admin);
      expect(response.json).toEqual({ period: header, level, totals, total: '223.00' });
    }
    expect((await api.call('GET', `${january}/totals`, admin)).json.totals).toEqual(levels.customer);
    const bad = await api.call('GET', `${january}/totals?level=tenant`, admin);
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('level');
  });

  it('gives a reseller’s token its subtree’s totals and total, and an end customer only its own', async () => {
    const customer = await api.call('GET', `${january}/totals`, reseller);
    expect(customer.json).toEqual({
      period: header,
      level: 'customer',
      totals: [
        total(northwind, null, 0, 1, '50.00'),
        total(alphaRef, 'r1', 1, 4, '74.00'),
        total(betaRef, 'r1', 1, 2, '16.00'),
      ],
      total: '140.00',
    });
    const roll = await api.call('GET', `${january}/totals?level=reseller`, reseller);
    expect(roll.json.totals).toEqual([total(northwind, null, 0, 7, '140.00')]);
    const own = await api.call('GET', `${january}/totals?level=customer`, alpha);
    expect(own.json).toMatchObject({ totals: [total(alphaRef, null, 1, 4, '74.00')], total: '74.00' });
    // The invoice-to total of the reseller that pays for Alpha covers Beta too: not Alpha's to see.
    expect((await api.call('GET', `${january}/totals?level=invoice_to`, alpha)).json.totals).toEqual([]);
  });
});

describe('GET /v1/management', () => {
  const figures = (total: string, users: number, costPerUser: string | null, change: unknown) => ({
    total,
    users,
    costPerUser,
    change,
  });
  const december = { startDate: '2025-12-01', endDate: '2025-12-31', revision: 1, status: 'approved' };
  const januaryPeriod = { startDate: '2026-01-01', endDate: '2026-01-31', revision: 1, status: 'open' };

  it('shows totals, cost per customer and user, vendors, changes and who uses what, month by month', async () => {
    const response = await api.call('GET', '/v1/management?from=2025-12&to=2026-01', admin);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      from: '2025-12',
      to: '2026-01',
      currency: 'EUR',
      months: [
        {
          month: '2025-12',
          periods: [december],
          // u1, u2 17/31 days each, SUPPORT whole, a1 31.00; Beta not live yet: 34 + 50 + 31.
          ...figures('115.00', 3, '38.33', null),
          customers: [
            { customer: alphaRef, ...figures('31.00', 1, '31.00', null) },
            { customer: betaRef, ...figures('0.00', 0, null, null) },
            { customer: contoso, ...figures('34.00', 2, '17.00', null) },
            { customer: northwind, ...figures('50.00', 0, null, null) },
          ],
          vendors: [
            { vendor: 'MSP', total: '50.00' },
            { vendor: 'Microsoft', total: '65.00' },
          ],
        },
        {
          month: '2026-01',
          periods: [januaryPeriod],
          // 223 / 6 billable users = 37.1666..; 108 / 115 = 93.913..%
          ...figures('223.00', 6, '37.17', { amount: '108.00', percent: '93.91' }),
          customers: [
            { customer: alphaRef, ...figures('74.00', 2, '37.00', { amount: '43.00', percent: '138.71' }) },
            { customer: betaRef, ...figures('16.00', 1, '16.00', { amount: '16.00', percent: null }) },
            { customer: contoso, ...figures('83.00', 3, '27.67', { amount: '49.00', percent: '144.12' }) },
            { customer: northwind, ...figures('50.00', 0, null, { amount: '0.00', percent: '0.00' }) },
          ],
          vendors: [
            { vendor: 'MSP', total: '50.00' },
            { vendor: 'Microsoft', total: '173.00' },
          ],
        },
      ],
      usage: {
        month: '2026-01',
        skus: [
          { sku: 'E3', vendor: 'Microsoft', users: 6, customers: 3 },
          { sku: 'SUPPORT', vendor: 'MSP', users: 0, customers: 1 },
        ],
      },
    });
  });

  it('limits a reseller’s token to its subtree', async () => {
    const response = await api.call('GET', '/v1/management?from=2026-01&to=2026-01', reseller);
    expect(response.json).toEqual({
      from: '2026-01',
      to: '2026-01',
      currency: 'EUR',
      months: [
        {
          month: '2026-01',
          periods: [januaryPeriod],
          // December, read for the change, was 31 + 0 + 50 = 81.00 for this subtree.
          ...figures('140.00', 3, '46.67', { amount: '59.00', percent: '72.84' }),
          customers: [
            { customer: alphaRef, ...figures('74.00', 2, '37.00', { amount: '43.00', percent: '138.71' }) },
            { customer: betaRef, ...figures('16.00', 1, '16.00', { amount: '16.00', percent: null }) },
            { customer: northwind, ...figures('50.00', 0, null, { amount: '0.00', percent: '0.00' }) },
          ],
          vendors: [
            { vendor: 'MSP', total: '50.00' },
            { vendor: 'Microsoft', total: '90.00' },
          ],
        },
      ],
      usage: {
        month: '2026-01',
        skus: [
          { sku: 'E3', vendor: 'Microsoft', users: 3, customers: 2 },
          { sku: 'SUPPORT', vendor: 'MSP', users: 0, customers: 1 },
        ],
      },
    });
  });

  it('lists months without a period as empty, and refuses a bad range', async () => {
    const empty = await api.call('GET', '/v1/management?from=2026-02&to=2026-02', admin);
    expect(empty.json.months).toEqual([
      { month: '2026-02', periods: [], ...figures('0.00', 0, null, null), customers: [], vendors: [] },
    ]);
    expect(empty.json.usage).toEqual({ month: null, skus: [] });
    const cases: [string, string][] = [
      ['from=2026-02&to=2026-01', 'to'],
      ['from=2026-13&to=2026-01', 'from'],
      ['from=2020-01&to=2026-01', 'to'],
    ];
    for (const [query, field] of cases) {
      const response = await api.call('GET', `/v1/management?${query}`, admin);
      expect(response.status).toBe(400);
      expect(response.json.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    expect((await api.call('GET', '/v1/management?from=2026-01', admin)).status).toBe(400);
  });

  it('refuses a backwards or too long month range on every month-by-month view, naming to', async () => {
    const views: [string, number][] = [
      ['/v1/management', 60],
      ['/v1/management/trends', 60],
      ['/v1/management/margins', 24],
    ];
    for (const [path, max] of views) {
      const backwards = await api.call('GET', `${path}?from=2026-02&to=2026-01`, admin);
      expect([backwards.status, backwards.json.errors]).toEqual([
        400,
        [{ field: 'to', reason: 'must not be before from' }],
      ]);
      const long = await api.call('GET', `${path}?from=2020-01&to=2026-01`, admin);
      expect([long.status, long.json.errors]).toEqual([
        400,
        [{ field: 'to', reason: `at most ${max} months after from` }],
      ]);
    }
  });
});

describe('the OpenAPI document', () => {
  it('documents every view, export and management route', async () => {
    const doc = await api.call('GET', '/openapi.json');
    expect(
      Object.keys(doc.json.paths).filter((path) => /items|service|totals|management|export/.test(path)),
    ).toEqual([
      '/v1/periods/{period}/items',
      '/v1/periods/{period}/service-detail',
      '/v1/periods/{period}/service-summary',
      '/v1/periods/{period}/totals',
      '/v1/items/{id}/explanation',
      '/v1/users/{ref}/items-by-month',
      '/v1/management/margins',
      '/v1/management',
      '/v1/management/trends',
      '/v1/periods/{period}/export.xlsx',
      '/v1/periods/{period}/export.csv',
      '/v1/periods/{period}/exports',
      '/v1/exports/{id}',
    ]);
  });
});
