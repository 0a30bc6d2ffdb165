import { describe, expect, it } from 'vitest';
import { sumAmounts } from '../../../billing/money.js';
import { admin, api, customerId, get, other, otherTenant, type Row, sql, tenantId, walk } from './feed.js';

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
