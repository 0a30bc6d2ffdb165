import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { itemSnapshot, uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';
import { buildConsoleBook } from './console-book.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('preview');
let book: Awaited<ReturnType<typeof buildConsoleBook>>;
let finance = '';

const period = (startDate: string, endDate: string) => ({ startDate, endDate, revision: 1, status: 'open' });

beforeAll(async () => {
  book = await buildConsoleBook(sql, tenantId);
  finance = await api.token(tenantId, 'finance');
});

/** Everything a preview must leave as it was. */
async function state() {
  return {
    rules: await sql`select * from rules where tenant_id = ${tenantId} order by id`,
    january: await itemSnapshot(sql, book.januaryId),
    february: await itemSnapshot(sql, book.februaryId),
  };
}

describe('POST /v1/rules/preview', () => {
  it('a new rule: per open period, the customers and items it reaches and the billed amount before and after', async () => {
    const before = await state();
    const response = await api.call('POST', '/v1/rules/preview', finance, {
      rule: { name: 'Contoso leaves', from: '2026-01-20', criteria: { customer: 'c1' } },
    });
    expect(response.status).toBe(200);
    // January: u1, u2 bill 1-19 Jan (19.00 each), u3 11-19 Jan (9.00): 83.00 -> 47.00. February: nothing.
    expect(response.json).toEqual({
      periods: [
        {
          ...period('2026-01-01', '2026-01-31'),
          customersReached: [{ ref: 'c1', name: 'Contoso' }],
          itemsReached: 3,
          amount: { before: '83.00', after: '47.00', delta: '-36.00' },
        },
        {
          ...period('2026-02-01', '2026-02-28'),
          customersReached: [{ ref: 'c1', name: 'Contoso' }],
          itemsReached: 3,
          amount: { before: '93.00', after: '0.00', delta: '-93.00' },
        },
      ],
    });
    expect(await state()).toEqual(before);
  });

  it("an edit: Beta's go-live moved from 15 to 20 Jan, priced for Northwind, who is invoiced for Beta", async () => {
    const before = await state();
    const response = await api.call('POST', '/v1/rules/preview', finance, {
      id: book.ruleId,
      rule: { name: 'Beta go-live', to: '2026-01-20', criteria: { customer: 'r1b' } },
    });
    expect(response.status).toBe(200);
    // Northwind's invoice: SUPPORT 50 + Alpha 74 + Beta 16 = 140.00; Beta then bills 21-31 Jan: 11.00.
    expect(response.json).toEqual({
      periods: [
        {
          ...period('2026-01-01', '2026-01-31'),
          customersReached: [{ ref: 'r1b', name: 'Beta' }],
          itemsReached: 1,
          amount: { before: '140.00', after: '135.00', delta: '-5.00' },
        },
        {
          ...period('2026-02-01', '2026-02-28'),
          customersReached: [],
          itemsReached: 0,
          amount: { before: '0.00', after: '0.00', delta: '0.00' },
        },
      ],
    });
    expect(await state()).toEqual(before);
  });

  it('refuses an unknown customer naming the field, an unknown rule id, and an operator', async () => {
    const unknown = await api.call('POST', '/v1/rules/preview', finance, {
      rule: { name: 'x', criteria: { customer: 'nobody' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([
      { field: 'rule.criteria.customer', reason: "no customer 'nobody'" },
    ]);
    const missing = await api.call('POST', '/v1/rules/preview', finance, {
      id: 999999,
      rule: { name: 'x', criteria: { vendor: 'MSP' } },
    });
    expect(missing.status).toBe(404);
    const empty = await api.call('POST', '/v1/rules/preview', finance, { rule: { name: 'x', criteria: {} } });
    expect(empty.status).toBe(400);
    expect(empty.json.errors).toEqual([
      { field: 'rule.criteria', reason: 'at least one criterion is required' },
    ]);
    const operator = await api.token(tenantId, 'operator');
    expect(
      (
        await api.call('POST', '/v1/rules/preview', operator, {
          rule: { name: 'x', criteria: { vendor: 'MSP' } },
        })
      ).status,
    ).toBe(403);
  });
});
