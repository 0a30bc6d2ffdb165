import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.js';
import {
  approvePeriod,
  createSku,
  createTenant,
  generatePeriod,
  ingest,
  itemLines,
} from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// Three ways the property test (test/engine/property.test.ts) once lost or invented money around
// adjustments. Each is replayed here as a small book with hand-computed figures.

const seat = (customer: string, user: string, occurredAt: string, plan: string | null = 'E3') => ({
  kind: 'plan.changed',
  occurredAt,
  customer,
  user,
  service: 'm365',
  plan,
});
const customer = (ref: string) => ({
  kind: 'customer.created',
  occurredAt: '2025-12-01T00:00:00Z',
  customer: ref,
  name: ref,
});
const user = (customerRef: string, ref: string, occurredAt = '2025-12-01T00:00:00Z') => ({
  kind: 'user.created',
  occurredAt,
  customer: customerRef,
  user: ref,
  name: `${ref}@${customerRef}`,
});

describe('an entry the approved period never saw is adjusted, whatever its date and the approval order', () => {
  const tenantId = 'order';

  it('bills February for a seat dated in the still open January once February was approved first', async () => {
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, {
      code: 'SEAT',
      vendor: 'Microsoft',
      price: '31.00',
      maps: [['plan', 'm365', null]],
    });
    await ingest(sql, tenantId, [
      customer('acme'),
      user('acme', 'u1'),
      seat('acme', 'u1', '2025-12-01T00:00:00Z'),
    ]);
    const january = await generatePeriod(sql, tenantId, '2026-01-01');
    const february = await generatePeriod(sql, tenantId, '2026-02-01');
    expect(february.totals.total).toBe('31.00');
    // Finance approves February while January still waits.
    await approvePeriod(sql, february.periodId);

    // Then u2's seat from 1 January arrives: not late for January (open), but February billed without it.
    await ingest(sql, tenantId, [
      user('acme', 'u2', '2026-01-01T00:00:00Z'),
      seat('acme', 'u2', '2026-01-01T00:00:00Z'),
    ]);
    const januaryAgain = await generatePeriod(sql, tenantId, '2026-01-01');
    expect(januaryAgain.periodId).toBe(january.periodId);
    expect(januaryAgain.totals).toEqual({ items: 2, billableItems: 2, total: '62.00' });
    await approvePeriod(sql, january.periodId);

    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    //   u1, u2 carried 31/31                                      31.00 each
    //   u2 February, never billed: 1 Feb..1 Mar, 31.00 x 28/28    31.00
    expect(await itemLines(sql, march.periodId)).toEqual([
      'acme | u1@acme | SEAT | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | SEAT | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | adjusts 2026-02-01..2026-02-28',
    ]);
    expect(march.totals).toEqual({ items: 3, billableItems: 3, total: '93.00' });
  });

  it('bills March for a seat that arrived while March awaited approval and was approved without it', async () => {
    const march = await generatePeriod(sql, tenantId, '2026-03-01');
    // u3's seat from 15 March arrives after March was computed, and finance approves the old figures.
    await ingest(sql, tenantId, [
      user('acme', 'u3', '2026-03-15T00:00:00Z'),
      seat('acme', 'u3', '2026-03-15T00:00:00Z'),
    ]);
    await approvePeriod(sql, march.periodId);

    const april = await generatePeriod(sql, tenantId, '2026-04-01');
    //   u1, u2, u3 carried 30/30                                   31.00 each
    //   u3 in March: 15 Mar..1 Apr, 31.00 x 17/31                  17.00
    expect(await itemLines(sql, april.periodId)).toEqual([
      'acme | u1@acme | SEAT | 2026-04-01..2026-05-01 | 30/30 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | SEAT | 2026-04-01..2026-05-01 | 30/30 | 1 x 31 = 31.00 | carried over',
      'acme | u3@acme | SEAT | 2026-04-01..2026-05-01 | 30/30 | 1 x 31 = 31.00 | carried over',
      'acme | u3@acme | SEAT | 2026-03-15..2026-04-01 | 17/31 | 1 x 31 = 17.00 | adjusts 2026-03-01..2026-03-31',
    ]);
    expect(april.totals).toEqual({ items: 4, billableItems: 4, total: '110.00' });
  });
});

describe('a credit keeps the billable parts of what it reverses; rules made since apply to charges only', () => {
  const tenantId = 'credits';

  it('refunds every day paid for, though a rule edited after approval now covers some of them', async () => {
    await createTenant(sql, { id: tenantId });
    await createSku(sql, tenantId, {
      code: 'SEAT',
      vendor: 'Microsoft',
      price: '31.00',
      maps: [['plan', 'm365', null]],
    });
    await ingest(sql, tenantId, [
      customer('acme'),
      user('acme', 'u1'),
      user('acme', 'u2'),
      seat('acme', 'u1', '2025-12-01T00:00:00Z'),
    ]);
    const [acme] = await sql`select id from customers where tenant_id = ${tenantId} and ref = 'acme'`;
    const [trial] = await sql`
      insert into rules (tenant_id, name, from_date, to_date, customer_id, created_by)
      values (${tenantId}, 'trial', '2026-01-01', '2026-01-10', ${acme?.id}, 'finance@msp') returning id`;
    const january = await generatePeriod(sql, tenantId, '2026-01-01');
    // The trial covers 1..10 January: 21 of 31 days billed, 21.00.
    expect(await itemLines(sql, january.periodId)).toEqual([
      'acme | u1@acme | SEAT | 2026-01-01..2026-01-11 | 10/31 | 1 x 31 = 0.00 | carried over, not billable: trial',
      'acme | u1@acme | SEAT | 2026-01-11..2026-02-01 | 21/31 | 1 x 31 = 21.00',
    ]);
    await approvePeriod(sql, january.periodId);

    // After approval the trial is extended to 20 January, then late news arrives: u1's seat ended on
    // 6 January, and u2 has had one since 15 January.
    await sql`update rules set to_date = '2026-01-20' where id = ${trial?.id}`;
    await ingest(sql, tenantId, [
      seat('acme', 'u1', '2026-01-06T00:00:00Z', null),
      seat('acme', 'u2', '2026-01-15T00:00:00Z'),
    ]);
    const february = await generatePeriod(sql, tenantId, '2026-02-01');
    //   u1 credit 6 Jan..1 Feb, cut as January billed it: 6..11 was the trial's (0.00),
    //      11 Jan..1 Feb was paid: -1 x 31.00 x 21/31                          = -21.00
    //   u2 charge 15 Jan..1 Feb under today's trial (to 20 Jan): 15..21 not billable,
    //      21 Jan..1 Feb: 31.00 x 11/31                                         =  11.00
    //   u2 carried 28/28                                                       =  31.00
    expect(await itemLines(sql, february.periodId)).toEqual([
      'acme | u1@acme | SEAT | 2026-01-06..2026-01-11 | 5/31 | -1 x 31 = 0.00 | not billable: trial, adjusts 2026-01-01..2026-01-31',
      'acme | u1@acme | SEAT | 2026-01-11..2026-02-01 | 21/31 | -1 x 31 = -21.00 | adjusts 2026-01-01..2026-01-31',
      'acme | u2@acme | SEAT | 2026-02-01..2026-03-01 | 28/28 | 1 x 31 = 31.00 | carried over',
      'acme | u2@acme | SEAT | 2026-01-15..2026-01-21 | 6/31 | 1 x 31 = 0.00 | not billable: trial, adjusts 2026-01-01..2026-01-31',
      'acme | u2@acme | SEAT | 2026-01-21..2026-02-01 | 11/31 | 1 x 31 = 11.00 | adjusts 2026-01-01..2026-01-31',
    ]);
    expect(february.totals).toEqual({ items: 5, billableItems: 3, total: '21.00' });
  });
});
