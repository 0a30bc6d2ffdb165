import { describe, expect, it } from 'vitest';
import { openPeriod } from '../../../activities/open-period.js';
import { runStages } from '../../../activities/run-stages.js';
import { sumAmounts } from '../../../billing/money.js';
import { seedSeats, uniqueTenantId } from '../../support/closes.js';
import { approvePeriod } from '../../support/fixtures.js';
import {
  admin,
  amountText,
  api,
  customerId,
  get,
  JSON_TYPE,
  ROOT,
  type Row,
  sql,
  tenantId,
  walk,
} from './feed.js';

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
