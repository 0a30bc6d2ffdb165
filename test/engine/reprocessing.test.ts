import { beforeAll, describe, expect, it } from 'vitest';
import { reprocessRules, runStages } from '../../activities/run-stages.js';
import { itemSnapshot } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import {
  approvePeriod,
  createSku,
  createTenant,
  generatePeriod,
  ingest,
  itemLines,
  rollupLines,
} from '../support/fixtures.js';

const database = await freshDatabase();
const { sql } = database;

// billing.md, "Billing rules": editing rules and reprocessing a period that is not yet approved
// re-applies the current rules to it. "Period lifecycle": approval locks a period. "Generating a
// period": items keep customer and user names as they stood at the period's end.
const tenantId = 'reprocess';
const at = '2026-01-01T00:00:00Z';
let periodId: number;
let first: { items: Awaited<ReturnType<typeof itemSnapshot>>; rollups: string[]; total: string };

const initialLines = [
  'acme | - | VM | 2026-03-01..2026-04-01 | 31/31 | 1 x 62 = 62.00 | carried over',
  'acme | u1@acme | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
  'acme | u1@acme | SMS | 2026-03-20..2026-03-20 | 0/31 | 100 x 0.1 = 10.00',
  'acme | u2@acme | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
  'acme | u3@acme | E3 | 2026-03-01..2026-03-16 | 15/31 | 1 x 31 = 15.00 | carried over',
  'beta | b1@beta | E3 | 2026-03-01..2026-04-01 | 31/31 | 1 x 31 = 31.00 | carried over',
];

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await createSku(sql, tenantId, {
    code: 'E3',
    vendor: 'Microsoft',
    price: '31.00',
    maps: [['plan', 'm365', 'E3']],
  });
  await createSku(sql, tenantId, {
    code: 'VM',
    vendor: 'Azure',
    price: '62.00',
    maps: [['instance', 'iaas', null]],
  });
  await createSku(sql, tenantId, {
    code: 'SMS',
    vendor: 'Twilio',
    price: '0.10',
    model: 'usage',
    maps: [['usage', 'sms', null]],
  });
  const seat = (customer: string, user: string) => [
    { kind: 'user.created', occurredAt: at, customer, user, name: `${user}@${customer}` },
    { kind: 'plan.changed', occurredAt: at, customer, user, service: 'm365', plan: 'E3' },
  ];
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: at, customer: 'acme', name: 'Acme' },
    { kind: 'customer.created', occurredAt: at, customer: 'beta', name: 'Beta' },
    ...seat('acme', 'u1'),
    ...seat('acme', 'u2'),
    ...seat('acme', 'u3'),
    ...seat('beta', 'b1'),
    {
      kind: 'instance.added',
      occurredAt: at,
      customer: 'acme',
      service: 'iaas',
      product: 'd2s',
      instance: 'vm-1',
    },
    {
      kind: 'plan.changed',
      occurredAt: '2026-03-16T10:00:00Z',
      customer: 'acme',
      user: 'u3',
      service: 'm365',
      plan: null,
    },
    {
      kind: 'usage.recorded',
      occurredAt: '2026-03-20T08:00:00Z',
      customer: 'acme',
      user: 'u1',
      service: 'sms',
      product: 'text',
      quantity: '100',
    },
  ]);
  const march = await generatePeriod(sql, tenantId, '2026-03-01');
  periodId = march.periodId;
  first = {
    items: await itemSnapshot(sql, periodId),
    rollups: await rollupLines(sql, periodId),
    total: march.totals.total,
  };
});

async function reprocess() {
  return runStages(sql, periodId);
}

describe('reprocessing without an edit', () => {
  it('bills March as computed by hand', async () => {
    // u3 cancelled on 16 Mar: 15 days, 31.00 x 15/31 = 15.00; SMS 100 x 0.10 = 10.00; the rest whole.
    expect(await itemLines(sql, periodId)).toEqual(initialLines);
    // 62.00 + 31.00 + 10.00 + 31.00 + 15.00 + 31.00 = 180.00
    expect(first.total).toBe('180.00');
  });

  it('writes identical rows and totals, whatever the shard size', async () => {
    expect((await reprocess()).total).toBe('180.00');
    expect(await itemSnapshot(sql, periodId)).toEqual(first.items);
    expect((await runStages(sql, periodId, 1)).total).toBe('180.00');
    expect(await itemSnapshot(sql, periodId)).toEqual(first.items);
    expect(await rollupLines(sql, periodId)).toEqual(first.rollups);
  });
});

describe('a rule edit followed by reprocessing', () => {
  it('applies a new rule: u2 is a test mailbox from 16 March', async () => {
    await sql`insert into rules (tenant_id, name, from_date, user_pattern, created_by)
              values (${tenantId}, 'u2 is a test mailbox', '2026-03-16', 'u2@*', 'fiona@msp')`;
    // u2 billed 1..15 Mar: 31.00 x 15/31 = 15.00; 16..31 Mar (16 days) non-billable.
    expect(await reprocess()).toEqual({ items: 7, billableItems: 6, total: '164.00' });
    expect((await itemLines(sql, periodId)).filter((line) => line.includes('u2@'))).toEqual([
      'acme | u2@acme | E3 | 2026-03-01..2026-03-16 | 15/31 | 1 x 31 = 15.00 | carried over',
      'acme | u2@acme | E3 | 2026-03-16..2026-04-01 | 16/31 | 1 x 31 = 0.00 | not billable: u2 is a test mailbox',
    ]);
  });

  it('moves the split when the rule start moves', async () => {
    await sql`update rules set from_date = '2026-03-21', updated_by = 'fiona@msp', updated_at = now()
              where tenant_id = ${tenantId}`;
    // u2 billed 1..20 Mar: 31.00 x 20/31 = 20.00; 180.00 - 31.00 + 20.00 = 169.00
    expect(await reprocess()).toEqual({ items: 7, billableItems: 6, total: '169.00' });
    expect((await itemLines(sql, periodId)).filter((line) => line.includes('u2@'))).toEqual([
      'acme | u2@acme | E3 | 2026-03-01..2026-03-21 | 20/31 | 1 x 31 = 20.00 | carried over',
      'acme | u2@acme | E3 | 2026-03-21..2026-04-01 | 11/31 | 1 x 31 = 0.00 | not billable: u2 is a test mailbox',
    ]);
  });

  it('bills u2 whole again and splits Beta instead when the criteria change', async () => {
    await sql`update rules set name = 'Beta goes live 11 Mar', user_pattern = null, customer_pattern = 'Beta*',
                from_date = '2026-03-01', to_date = '2026-03-10', updated_by = 'fiona@msp', updated_at = now()
              where tenant_id = ${tenantId}`;
    // b1 billed 11..31 Mar: 31.00 x 21/31 = 21.00; 180.00 - 31.00 + 21.00 = 170.00
    expect(await reprocess()).toEqual({ items: 7, billableItems: 6, total: '170.00' });
    expect(await itemLines(sql, periodId)).toEqual([
      ...initialLines.slice(0, 5),
      'beta | b1@beta | E3 | 2026-03-01..2026-03-11 | 10/31 | 1 x 31 = 0.00 | carried over, not billable: Beta goes live 11 Mar',
      'beta | b1@beta | E3 | 2026-03-11..2026-04-01 | 21/31 | 1 x 31 = 21.00',
    ]);
  });

  it('returns to the first rows exactly when the rule no longer covers the period', async () => {
    await sql`update rules set from_date = '2026-02-01', to_date = '2026-02-28' where tenant_id = ${tenantId}`;
    expect((await reprocess()).total).toBe('180.00');
    expect(await itemSnapshot(sql, periodId)).toEqual(first.items);
    expect(await rollupLines(sql, periodId)).toEqual(first.rollups);
  });
});

describe('a reprocess after a rule edit', () => {
  it('computes again only the invoice-to customers the rule reaches, as a full reprocess would', async () => {
    const [rule] = await sql<{ id: number }[]>`select id from rules where tenant_id = ${tenantId}`;
    const criteria = {
      customer: null,
      customerPattern: 'Beta*',
      customerTag: null,
      userPattern: null,
      sku: null,
      vendor: null,
      service: null,
      kind: null,
    };
    const version = { id: rule?.id ?? 0, criteria };
    const idsOf = async (customer: string) =>
      (
        await sql<{ id: number }[]>`
          select i.id from items i join customers c on c.id = i.customer_id
          where i.period_id = ${periodId} and c.ref = ${customer} order by i.id`
      ).map((row) => row.id);
    const acmeBefore = await idsOf('acme');
    const betaBefore = await idsOf('beta');

    // The rule (Beta*, February) now covers 1..10 March again.
    await sql`update rules set from_date = '2026-03-01', to_date = '2026-03-10' where id = ${version.id}`;
    expect(await reprocessRules(sql, periodId, [version, version])).toEqual({
      items: 7,
      billableItems: 6,
      total: '170.00',
    });
    expect(await idsOf('acme')).toEqual(acmeBefore);
    expect((await idsOf('beta')).some((id) => betaBefore.includes(id))).toBe(false);
    const partial = await itemSnapshot(sql, periodId);
    const partialRollups = await rollupLines(sql, periodId);
    expect((await runStages(sql, periodId)).total).toBe('170.00');
    expect(await itemSnapshot(sql, periodId)).toEqual(partial);
    expect(await rollupLines(sql, periodId)).toEqual(partialRollups);

    // A rule for a SKU every customer takes reaches most of them: everything is computed again.
    const everyone = { id: version.id, criteria: { ...criteria, customerPattern: null, sku: 'E3' } };
    await sql`update rules set from_date = '2026-02-01', to_date = '2026-02-28' where id = ${version.id}`;
    expect((await reprocessRules(sql, periodId, [version, everyone])).total).toBe('180.00');
    expect(await idsOf('acme')).not.toEqual(acmeBefore);
    expect(await itemSnapshot(sql, periodId)).toEqual(first.items);
  });
});

describe('names in a reprocessed period', () => {
  it('stay as they stood at the end of the period, for element and usage items alike', async () => {
    await ingest(sql, tenantId, [
      {
        kind: 'customer.renamed',
        occurredAt: '2026-04-02T00:00:00Z',
        customer: 'acme',
        name: 'Acme Holding',
      },
      {
        kind: 'user.renamed',
        occurredAt: '2026-04-02T00:00:00Z',
        customer: 'acme',
        user: 'u1',
        name: 'u1.new@acme',
      },
    ]);
    await reprocess();
    const names = await sql`
      select distinct kind::text, customer_name, user_name from items
      where period_id = ${periodId} and user_name like 'u1%' order by kind`;
    expect(names).toEqual([
      { kind: 'plan', customer_name: 'Acme', user_name: 'u1@acme' },
      { kind: 'usage', customer_name: 'Acme', user_name: 'u1@acme' },
    ]);
  });
});

describe('an approved period', () => {
  it('is locked: a rule edit does not change its items or totals', async () => {
    await approvePeriod(sql, periodId);
    const approved = await itemSnapshot(sql, periodId);
    await sql`insert into rules (tenant_id, name, from_date, to_date, customer_pattern, created_by)
              values (${tenantId}, 'Beta is free in March', '2026-03-01', '2026-03-31', 'Beta*', 'fiona@msp')`;
    await expect(reprocess()).rejects.toThrow(/approved and locked/);
    expect(await itemSnapshot(sql, periodId)).toEqual(approved);
    expect(await rollupLines(sql, periodId)).toEqual(first.rollups);
  });
});

describe('adjustment items in the next period', () => {
  it('carry the names as they stood at the end of the period they are billed in', async () => {
    // Arriving after March's approval: u1's seat ended 31 Mar, and 50 SMS of 25 Mar. u1 was
    // renamed u1.new@acme on 2 Apr (in April) and is renamed again on 2 May (after April).
    await ingest(sql, tenantId, [
      {
        kind: 'plan.changed',
        occurredAt: '2026-03-31T00:00:00Z',
        customer: 'acme',
        user: 'u1',
        service: 'm365',
        plan: null,
      },
      {
        kind: 'usage.recorded',
        occurredAt: '2026-03-25T08:00:00Z',
        customer: 'acme',
        user: 'u1',
        service: 'sms',
        product: 'text',
        quantity: '50',
      },
      {
        kind: 'user.renamed',
        occurredAt: '2026-05-02T00:00:00Z',
        customer: 'acme',
        user: 'u1',
        name: 'u1.newest@acme',
      },
    ]);
    const april = await generatePeriod(sql, tenantId, '2026-04-01');
    // April has 30 days and no rule covers it:
    //   VM 62.00, u2 31.00, b1 31.00 whole; u1 credit 31 Mar: -1 x 31.00 x 1/31 = -1.00;
    //   late SMS 50 x 0.10 = 5.00
    expect(await itemLines(sql, april.periodId)).toEqual([
      'acme | - | VM | 2026-04-01..2026-05-01 | 30/30 | 1 x 62 = 62.00 | carried over',
      'acme | u1.new@acme | E3 | 2026-03-31..2026-04-01 | 1/31 | -1 x 31 = -1.00 | adjusts 2026-03-01..2026-03-31',
      'acme | u1.new@acme | SMS | 2026-03-25..2026-03-25 | 0/31 | 50 x 0.1 = 5.00 | adjusts 2026-03-01..2026-03-31',
      'acme | u2@acme | E3 | 2026-04-01..2026-05-01 | 30/30 | 1 x 31 = 31.00 | carried over',
      'beta | b1@beta | E3 | 2026-04-01..2026-05-01 | 30/30 | 1 x 31 = 31.00 | carried over',
    ]);
    // 62.00 - 1.00 + 5.00 + 31.00 + 31.00 = 128.00
    expect(april.totals).toEqual({ items: 5, billableItems: 5, total: '128.00' });
  });
});
