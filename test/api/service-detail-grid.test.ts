import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';
import { buildConsoleBook } from './console-book.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('grid');
const january = '/v1/periods/2026-01-31/service-detail';
let book: Awaited<ReturnType<typeof buildConsoleBook>>;
let admin = '';
let alpha = '';

interface Row {
  itemId: number;
  customerId: number;
  customerName: string;
  userName: string | null;
  skuCode: string | null;
  vendor: string | null;
  billable: boolean;
  ruleId: number | null;
  amount: string;
  elementKind: string;
  elementName: string;
  daysActive: number;
}
let all: Row[] = [];

/** Every page of a query, following the cursor, and the cursors seen. */
async function pages(query: string, token = admin) {
  const rows: Row[] = [];
  let cursor: string | null = null;
  let count = 0;
  do {
    const response = await api.call(
      'GET',
      `${january}?${query}${cursor === null ? '' : `&cursor=${cursor}`}`,
      token,
    );
    expect(response.status).toBe(200);
    rows.push(...response.json.rows);
    cursor = response.json.cursor;
    count++;
  } while (cursor !== null && count < 50);
  return { ids: rows.map((r) => r.itemId), count };
}
const ids = (rows: Row[]) => rows.map((r) => r.itemId);

beforeAll(async () => {
  book = await buildConsoleBook(sql, tenantId);
  admin = await api.token(tenantId, 'finance');
  alpha = await api.token(tenantId, 'customer', book.customerIds.r1a, 'alpha portal');
  all = (await api.call('GET', january, admin)).json.rows;
});

describe('Service Detail for a grid', () => {
  it('carries the element each item bills and its days', () => {
    expect(all).toHaveLength(10);
    expect(
      all
        .map(
          (r) => `${r.customerName}|${r.userName ?? '-'}|${r.elementKind}:${r.elementName}|${r.daysActive}`,
        )
        .sort(),
    ).toEqual(
      [
        'Contoso|u1@contoso.example|plan:E3|31',
        'Contoso|u2@contoso.example|plan:E3|31',
        'Contoso|u3@contoso.example|plan:E3|21',
        'Northwind Reseller|-|plan:std|31',
        'Alpha|-|instance:vault-1|27',
        'Alpha|a1@r1a.example|plan:E3|31',
        'Alpha|a2@r1a.example|plan:E3|31',
        'Alpha|a2@r1a.example|plan:E3|12',
        'Beta|b1@r1b.example|plan:E3|15',
        'Beta|b1@r1b.example|plan:E3|16',
      ].sort(),
    );
  });

  it('sorts by amount and by customer name, ties by id, and keyset pages concatenate to the whole', async () => {
    const byAmount = [...all].sort((a, b) => Number(a.amount) - Number(b.amount) || a.itemId - b.itemId);
    const byCustomer = [...all].sort(
      (a, b) => a.customerName.localeCompare(b.customerName) || a.itemId - b.itemId,
    );
    expect(byAmount.map((r) => r.amount)).toEqual([
      '0.0000',
      '0.0000',
      '12.0000',
      '16.0000',
      '21.0000',
      '31.0000',
      '31.0000',
      '31.0000',
      '31.0000',
      '50.0000',
    ]);
    for (const limit of [1, 3, 4, 10]) {
      expect(await pages(`sort=amount&limit=${limit}`)).toEqual({
        ids: ids(byAmount),
        count: Math.ceil(10 / limit),
      });
      expect((await pages(`sort=-amount&limit=${limit}`)).ids).toEqual(ids(byAmount).reverse());
      expect((await pages(`sort=customer&limit=${limit}`)).ids).toEqual(ids(byCustomer));
      expect((await pages(`sort=-customer&limit=${limit}`)).ids).toEqual(ids(byCustomer).reverse());
      expect((await pages(`sort=id&limit=${limit}`)).ids).toEqual(ids(all));
    }
  });

  it('filters by customer, SKU, vendor, billable, rule and text in customer, user or element names', async () => {
    const cases: [string, (r: Row) => boolean][] = [
      ['customer=r1a', (r) => r.customerName === 'Alpha'],
      ['sku=SUPPORT', (r) => r.skuCode === 'SUPPORT'],
      ['vendor=Microsoft', (r) => r.vendor === 'Microsoft'],
      ['billable=false', (r) => !r.billable],
      [`rule=${book.ruleId}`, (r) => r.ruleId === book.ruleId],
      ['q=VAULT', (r) => r.elementName === 'vault-1'],
      ['q=contoso', (r) => r.customerName === 'Contoso'],
      ['q=a2%40r1a', (r) => r.userName === 'a2@r1a.example'],
      ['q=north', (r) => r.customerName === 'Northwind Reseller'],
      ['q=50%25', () => false],
      ['customer=r1a&sku=E3&billable=true', (r) => r.customerName === 'Alpha' && r.skuCode === 'E3'],
    ];
    for (const [query, keep] of cases) {
      const expected = ids(all.filter(keep));
      expect({ query, ids: (await pages(`${query}&limit=2`)).ids }).toEqual({ query, ids: expected });
    }
    expect(all.filter((r) => r.ruleId === book.ruleId)).toHaveLength(1);
  });

  it("a customer token searches only its subtree; another customer's ref is a 404", async () => {
    expect((await pages('q=contoso', alpha)).ids).toEqual([]);
    expect((await pages('q=example', alpha)).ids).toEqual(
      ids(all.filter((r) => r.customerName === 'Alpha' && r.userName !== null)),
    );
    expect((await api.call('GET', `${january}?customer=c1`, alpha)).status).toBe(404);
  });

  it('refuses a cursor of another order, a forged cursor, after with another order, a one-letter search', async () => {
    const first = await api.call('GET', `${january}?sort=amount&limit=2`, admin);
    const bad = async (query: string, field: string, reason: string) => {
      const response = await api.call('GET', `${january}?${query}`, admin);
      expect({ query, status: response.status, errors: response.json.errors }).toEqual({
        query,
        status: 400,
        errors: [{ field, reason }],
      });
    };
    await bad(
      `sort=customer&cursor=${first.json.cursor}`,
      'cursor',
      'made for sort=amount, not sort=customer',
    );
    const forged = Buffer.from(JSON.stringify(['amount', '1; drop table items', 3])).toString('base64url');
    await bad(`sort=amount&cursor=${forged}`, 'cursor', 'not a cursor this API gave');
    await bad('cursor=nonsense', 'cursor', 'not a cursor this API gave');
    await bad('sort=amount&after=3', 'after', 'only with sort=id; use cursor');
    const short = await api.call('GET', `${january}?q=a`, admin);
    expect(short.status).toBe(400);
    expect(short.json.errors.map((e: { field: string }) => e.field)).toEqual(['q']);
    const sort = await api.call('GET', `${january}?sort=price`, admin);
    expect(sort.status).toBe(400);
    expect(sort.json.errors.map((e: { field: string }) => e.field)).toEqual(['sort']);
  });
});

describe('Service Detail text search', () => {
  const search = async (q: string, token = admin) =>
    (await pages(`q=${encodeURIComponent(q)}&limit=2`, token)).ids;
  const items = (keep: (r: Row) => boolean) => ids(all.filter(keep));

  it('finds any part of a user, product or element name, whatever its case', async () => {
    expect(await search('1@R1A.EX')).toEqual(items((r) => r.userName === 'a1@r1a.example'));
    expect(await search('.EXAMPLE')).toEqual(items((r) => r.userName !== null));
    expect(await search('STD')).toEqual(items((r) => r.elementName === 'std'));
    expect(await search('ult-1')).toEqual(items((r) => r.elementName === 'vault-1'));
    expect(await search('ult-1')).toHaveLength(1);
    expect(await search('a1@r1a.example.org')).toEqual([]);
  });

  it('matches the user name the period kept, not the name given after its end', async () => {
    await ingest(sql, tenantId, [
      {
        kind: 'user.renamed',
        occurredAt: '2026-02-10T00:00:00Z',
        customer: 'r1a',
        user: 'a1',
        name: 'alice.admin@r1a.example',
      },
    ]);
    const a1 = items((r) => r.userName === 'a1@r1a.example');
    expect(a1).toHaveLength(1);
    expect(await search('alice.admin')).toEqual([]);
    expect(await search('A1@r1a')).toEqual(a1);
    const [row] = (await api.call('GET', `${january}?q=a1%40r1a`, admin)).json.rows;
    expect(row.userName).toBe('a1@r1a.example');
  });

  it("a customer token finds no user, product or element of another customer's subtree", async () => {
    expect(await search('u1@contoso')).toEqual(items((r) => r.userName === 'u1@contoso.example'));
    expect(await search('u1@contoso', alpha)).toEqual([]);
    expect(await search('STD', alpha)).toEqual([]);
    expect(await search('vault', alpha)).toEqual(items((r) => r.elementName === 'vault-1'));
    expect(await search('1@r1', alpha)).toEqual(items((r) => r.userName === 'a1@r1a.example'));
  });
});
