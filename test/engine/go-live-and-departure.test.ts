import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, generatePeriod, ingest, itemLines } from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Billing rules": a matching rule makes the part of an item inside its inclusive date
// range non-billable, splitting the item at the rule's boundaries and recording the rule. Typical
// rules: bill a new customer only from its go-live date; stop billing a departed customer.
// "The change log": customer.deleted ends every element of the customer.
const tenantId = 'golive';

beforeAll(async () => {
  await createTenant(sql, { id: tenantId, mode: 'calendar' });
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  await createSku(sql, tenantId, {
    code: 'SUPPORT',
    vendor: 'MSP',
    price: '100.00',
    proration: 'full',
    maps: [['plan', 'support', null]],
  });
  const customer = (ref: string, name: string, at: string, users: string[]) => [
    { kind: 'customer.created', occurredAt: at, customer: ref, name },
    { kind: 'plan.changed', occurredAt: at, customer: ref, service: 'support', plan: 'standard' },
    ...users.flatMap((user) => [
      { kind: 'user.created', occurredAt: at, customer: ref, user, name: `${user}@${ref}.example` },
      { kind: 'plan.changed', occurredAt: at, customer: ref, user, service: 'm365', plan: 'E3' },
    ]),
  ];
  await ingest(sql, tenantId, [
    // Onboarded on 20 February, live (billable) from 10 March.
    ...customer('newco', 'Newco', '2026-02-20T09:00:00Z', ['nina', 'ned']),
    // Left on 20 March, its tenant still running until it is cleaned up.
    ...customer('oldco', 'Oldco', '2025-01-01T00:00:00Z', ['otto']),
    // Left on 15 March and deleted from the log at that instant.
    ...customer('goneco', 'Goneco', '2025-01-01T00:00:00Z', ['gus']),
    { kind: 'customer.deleted', occurredAt: '2026-03-15T12:00:00Z', customer: 'goneco' },
  ]);
  // The day before go-live is the rule's inclusive end; a departure rule has an open end.
  await sql`
    insert into rules (tenant_id, name, from_date, to_date, customer_id, created_by)
    select ${tenantId}, 'Newco goes live 10 Mar', null, '2026-03-09'::date, id, 'fiona@msp'
      from customers where tenant_id = ${tenantId} and ref = 'newco'
    union all
    select ${tenantId}, 'Oldco left on 20 Mar', '2026-03-20'::date, null, id, 'fiona@msp'
      from customers where tenant_id = ${tenantId} and ref = 'oldco'`;
});

describe('a new customer is billed only from its go-live date', () => {
  it('is itemised before go-live, every item non-billable and marked with the rule', async () => {
    const february = await generatePeriod(sql, tenantId, '2026-02-01');
    // February has 28 days. Newco from 20 Feb (9 days), all before go-live: 0.00.
    // Oldco and Goneco the whole month: 31.00 + 100.00 each.
    expect(await itemLines(sql, february.periodId)).toEqual([
      'goneco | - | SUPPORT | 2026-02-01..2026-03-01 | 28/28 | 1 x 100 = 100.00 | carried over',
      'goneco | gus@goneco.example | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'newco | - | SUPPORT | 2026-02-20..2026-03-01 | 9/28 | 1 x 100 = 0.00 | not billable: Newco goes live 10 Mar',
      'newco | ned@newco.example | E3 | 2026-02-20..2026-03-01 | 9/28 | 1 x 31 = 0.00 | not billable: Newco goes live 10 Mar',
      'newco | nina@newco.example | E3 | 2026-02-20..2026-03-01 | 9/28 | 1 x 31 = 0.00 | not billable: Newco goes live 10 Mar',
      'oldco | - | SUPPORT | 2026-02-01..2026-03-01 | 28/28 | 1 x 100 = 100.00 | carried over',
      'oldco | otto@oldco.example | E3 | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
    ]);
    // 100.00 + 31.00 + 100.00 + 31.00 = 262.00
    expect(february.totals).toEqual({ items: 7, billableItems: 4, total: '262.00' });
  });

  it('splits the go-live period at the boundary: the first part non-billable, the rest billed', async () => {
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    const lines = await itemLines(sql, march.periodId);
    // March has 31 days; the rule covers 1..9 Mar, so Newco is billed 10 Mar .. 1 Apr (22 days):
    //   E3       31.00 x 22/31 = 22.00 per user, the first 9 days 0.00 under the rule
    //   SUPPORT  (full) billed whole once for its billable part: 100.00
    expect(lines.filter((line) => line.startsWith('newco'))).toEqual([
      'newco | - | SUPPORT | 2026-03-01..2026-03-10 | 9/31 | 1 x 100 = 0.00 | carried over, not billable: Newco goes live 10 Mar',
      'newco | - | SUPPORT | 2026-03-10..2026-04-01 | 22/31 | 1 x 100 = 100.00',
      'newco | ned@newco.example | E3 | 2026-03-01..2026-03-10 | 9/31 | 1 x 31 = 0.00 | carried over, not billable: Newco goes live 10 Mar',
      'newco | ned@newco.example | E3 | 2026-03-10..2026-04-01 | 22/31 | 1 x 31 = 22.00',
      'newco | nina@newco.example | E3 | 2026-03-01..2026-03-10 | 9/31 | 1 x 31 = 0.00 | carried over, not billable: Newco goes live 10 Mar',
      'newco | nina@newco.example | E3 | 2026-03-10..2026-04-01 | 22/31 | 1 x 31 = 22.00',
    ]);
  });
});

describe('a departed customer is not billed after it left', () => {
  it('stops billing from the rule start date when the rule has an open end', async () => {
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    const lines = await itemLines(sql, march.periodId);
    // Oldco billed 1..19 Mar (19 days): E3 31.00 x 19/31 = 19.00, SUPPORT whole 100.00;
    // from 20 Mar (12 days) non-billable under the departure rule.
    expect(lines.filter((line) => line.startsWith('oldco'))).toEqual([
      'oldco | - | SUPPORT | 2026-03-01..2026-03-20 | 19/31 | 1 x 100 = 100.00 | carried over',
      'oldco | - | SUPPORT | 2026-03-20..2026-04-01 | 12/31 | 1 x 100 = 0.00 | not billable: Oldco left on 20 Mar',
      'oldco | otto@oldco.example | E3 | 2026-03-01..2026-03-20 | 19/31 | 1 x 31 = 19.00 | carried over',
      'oldco | otto@oldco.example | E3 | 2026-03-20..2026-04-01 | 12/31 | 1 x 31 = 0.00 | not billable: Oldco left on 20 Mar',
    ]);
  });

  it('ends every element, customer-level and user-level, when the customer is deleted', async () => {
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    const lines = await itemLines(sql, march.periodId);
    // Goneco deleted on 15 Mar: 1..14 Mar (14 days): E3 31.00 x 14/31 = 14.00, SUPPORT whole 100.00.
    expect(lines.filter((line) => line.startsWith('goneco'))).toEqual([
      'goneco | - | SUPPORT | 2026-03-01..2026-03-15 | 14/31 | 1 x 100 = 100.00 | carried over',
      'goneco | gus@goneco.example | E3 | 2026-03-01..2026-03-15 | 14/31 | 1 x 31 = 14.00 | carried over',
    ]);
    // Goneco 114.00 + Newco 144.00 + Oldco 119.00 = 377.00
    expect(march.totals).toEqual({ items: 12, billableItems: 7, total: '377.00' });
  });

  it('bills nothing for either in the following period, while the live customer is billed in full', async () => {
    const april = await generatePeriod(sql, tenantId, '2026-04-01');
    // April has 30 days. Goneco has no element left; Oldco is non-billable all month.
    expect(await itemLines(sql, april.periodId)).toEqual([
      'newco | - | SUPPORT | 2026-04-01..2026-05-01 | 30/30 | 1 x 100 = 100.00 | carried over',
      'newco | ned@newco.example | E3 | 2026-04-01..2026-05-01 | 30/30 | 1 x 31 = 31.00 | carried over',
      'newco | nina@newco.example | E3 | 2026-04-01..2026-05-01 | 30/30 | 1 x 31 = 31.00 | carried over',
      'oldco | - | SUPPORT | 2026-04-01..2026-05-01 | 30/30 | 1 x 100 = 0.00 | carried over, not billable: Oldco left on 20 Mar',
      'oldco | otto@oldco.example | E3 | 2026-04-01..2026-05-01 | 30/30 | 1 x 31 = 0.00 | carried over, not billable: Oldco left on 20 Mar',
    ]);
    // 100.00 + 31.00 + 31.00 = 162.00
    expect(april.totals).toEqual({ items: 5, billableItems: 3, total: '162.00' });
  });
});
