import { describe, expect, it } from 'vitest';
import { api, customerId, get, ROOT, type Row, sql, tenantId, walk } from './feed.js';

describe('$expand of navigation properties', () => {
  it('expands Items to their Customer with a nested $select, on every page of a walk', async () => {
    const { pages, rows } = await walk(
      '/odata/Items?$select=id,customerRef&$expand=Customer($select=ref,name)',
      undefined,
      5,
    );
    expect(pages[0]?.body['@odata.context']).toBe(
      `${ROOT}/$metadata#Items(id,customerRef,Customer(ref,name))`,
    );
    expect(pages[0]?.body['@odata.nextLink']).toContain('&$expand=Customer(%24select%3Dref%2Cname)&');
    expect(rows).toHaveLength(13);
    const names = Object.fromEntries(
      (
        await sql<
          { ref: string; name: string }[]
        >`select ref, name from customers where tenant_id = ${tenantId}`
      ).map((c) => [c.ref, c.name]),
    );
    for (const row of rows) {
      expect(row).toEqual({
        id: row.id,
        customerRef: row.customerRef,
        Customer: { ref: row.customerRef, name: names[row.customerRef as string] },
      });
    }
  });

  it('expands CustomerTotals to the whole Customer and Period, and Reconciliation to Customer, Sku and Period', async () => {
    const totals = await get(
      "/odata/CustomerTotals?$select=customerRef,amount&$filter=customerRef eq 'e2'&$expand=Customer,Period",
    );
    const e2 = await customerId('e2');
    const r1 = await customerId('r1');
    expect(totals.json.value).toEqual(
      ['2026-01', '2026-02'].map((month) => ({
        customerRef: 'e2',
        amount: month === '2026-01' ? 34.839 : 40,
        Customer: {
          id: e2,
          ref: 'e2',
          name: "O'Hara Traders",
          parentRef: 'r1',
          relationship: 'via',
          resellerBilling: 'aggregate',
          tags: '',
          deleted: false,
        },
        Period: {
          id: expect.any(Number),
          start: `${month}-01`,
          end: month === '2026-01' ? '2026-01-31' : '2026-02-28',
          revision: 1,
          status: 'open',
        },
      })),
    );
    expect(r1).toBeGreaterThan(0);
    const recon = await get(
      "/odata/Reconciliation?$select=sku,cost&$filter=customerRef eq 'e2'" +
        '&$expand=Customer($select=ref),Sku($select=code,vendor,unitPrice,costPrice),Period($select=end)',
    );
    expect(recon.json['@odata.context']).toBe(
      `${ROOT}/$metadata#Reconciliation(sku,cost,Customer(ref),Sku(code,vendor,unitPrice,costPrice),Period(end))`,
    );
    expect(recon.text).toContain(
      '"value":[{"sku":"VM","cost":31.000,"Customer":{"ref":"e2"},' +
        '"Sku":{"code":"VM","vendor":"Acme Cloud","unitPrice":40.000000,"costPrice":null},"Period":{"end":"2026-01-31"}}]',
    );
  });

  it("expands within the token's scope: a customer's Items lead only to its own subtree", async () => {
    const token = await api.token(tenantId, 'customer', await customerId('r1'));
    const { rows } = await walk('/odata/Items?$select=customerRef&$expand=Customer($select=ref)', token);
    expect(new Set(rows.map((row: Row) => (row.Customer as Row).ref))).toEqual(new Set(['r1', 'e1', 'e2']));
    expect(rows.every((row: Row) => (row.Customer as Row).ref === row.customerRef)).toBe(true);
  });

  it('answers an unknown navigation or an unsupported nested option with a 400 OData error naming it', async () => {
    const unknown = await get('/odata/Items?$expand=Customer,Vendor');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toBe('application/json');
    expect(unknown.json.error).toMatchObject({
      code: 'BadRequest',
      target: '$expand',
      details: [
        {
          code: 'BadRequest',
          target: '$expand',
          message: "unknown navigation property 'Vendor' of Items (known: Customer, InvoiceTo, Period)",
        },
      ],
    });
    const none = await get('/odata/Periods?$expand=Customer');
    expect(none.json.error.details[0].message).toBe(
      "unknown navigation property 'Customer' of Periods (known: none)",
    );
    const nested = await get("/odata/Items?$expand=Customer($filter=ref eq 'e1')");
    expect(nested.status).toBe(400);
    expect(nested.json.error.details[0].message).toBe(
      "only $select is supported inside Customer(...), got '$filter=ref eq 'e1''",
    );
    const badSelect = await get('/odata/Items?$expand=Customer($select=nope)');
    expect(badSelect.status).toBe(400);
    expect(badSelect.json.error.details[0]).toMatchObject({
      target: '$expand=Customer($select)',
      message: expect.stringMatching(/^unknown field 'nope' \(known: id, ref, name/),
    });
    const unbalanced = await get('/odata/Items?$expand=Customer($select=ref');
    expect(unbalanced.json.error.details[0].message).toBe("unbalanced '(': close every nested option list");
  });

  it('reads one query per expanded navigation and page, never one per row', async () => {
    const statements: string[] = [];
    const unsafe = sql.unsafe.bind(sql);
    sql.unsafe = ((query: string, ...rest: never[]) => {
      statements.push(query);
      return unsafe(query, ...rest);
    }) as typeof sql.unsafe;
    try {
      const response = await get('/odata/Items?$expand=Customer,Period');
      expect(response.json.value).toHaveLength(13);
    } finally {
      sql.unsafe = unsafe;
    }
    // The page, then Customers and Periods once each.
    expect(statements).toHaveLength(3);
  });
});
