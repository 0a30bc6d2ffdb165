import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingestChanges } from '../../activities/ingest-changes.js';
import { openPeriod } from '../../activities/open-period.js';
import { setPeriodStatus } from '../../activities/period-status.js';
import { runStages } from '../../activities/run-stages.js';
import { BillingDecimal } from '../../billing/index.js';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant } from '../support/fixtures.js';
import { scenarioArb } from './property/arbitraries.js';
import { describeScenario } from './property/build-scenario.js';
import { LATE_SLOTS, MAIN_SLOTS, PERIODS, type Scenario } from './property/catalog.js';
import { checkNothingLost } from './property/check-nothing-lost.js';
import { checkPeriod } from './property/check-period.js';
import type { Problems } from './property/findings.js';
import { ITEM_COLUMNS } from './property/load.js';
import { type Timed, ZONE } from './property/world.js';

/**
 * Property test of the billing engine on the real PostgreSQL: random valid change logs are ingested,
 * Jan, Feb and Mar 2026 are generated in order (approving some, Jan perhaps after Feb, with late
 * entries into approved periods in between), and every period must satisfy billing.md's invariants
 * against a reference model of the log (test/engine/property/). Logs move customers in the tree
 * (`customer.updated`, late ones too); the model reads the tree as at each period's end (tree.ts).
 * PROPERTY_SEED and PROPERTY_RUNS override the defaults.
 */

const database = await freshDatabase();
const { sql } = database;

const SEED = Number(process.env.PROPERTY_SEED ?? 20260430);
// 20, down from 60: the engine's invariants run a thousand cases without a database in
// test/billing/engine/property.test.ts; this one proves the log is loaded and items stored end to end.
const RUNS = Number(process.env.PROPERTY_RUNS ?? 20);

let tenants = 0;

/** Sends one ingestion slot's entries, cut in time order into batches; every batch must be stored whole. */
async function sendSlot(tenantId: string, scenario: Scenario, slot: number, ingested: Timed[]) {
  const entries = scenario.entries.filter((e) => e.seq === slot).sort((a, b) => a.at - b.at);
  const size = Math.max(1, Math.ceil(entries.length / scenario.chunks));
  for (let from = 0; from < entries.length; from += size) {
    const batch = entries.slice(from, from + size);
    const sent = scenario.reverse ? [...batch].reverse() : batch;
    const result = await ingestChanges(
      sql,
      tenantId,
      sent.map((e) => e.entry),
    );
    if (result.rejected.length > 0 || result.stored.length !== batch.length) {
      throw new Error(
        `slot ${slot}: a valid batch was not stored whole: ${JSON.stringify(result.rejected)} (stored ${result.stored.length} of ${batch.length})`,
      );
    }
    ingested.push(...batch);
  }
}

async function insertRules(tenantId: string, scenario: Scenario, beforePeriod: number) {
  const customers = await sql<{ id: number; ref: string }[]>`
    select id, ref from customers where tenant_id = ${tenantId} order by id`;
  for (const rule of scenario.rules.filter((r) => r.beforePeriod === beforePeriod)) {
    const customer =
      rule.customer === null ? null : (customers[rule.customer % Math.max(1, customers.length)]?.id ?? null);
    const hasOther = [
      rule.customerPattern,
      rule.customerTag,
      rule.userPattern,
      rule.skuCode,
      rule.vendor,
      rule.service,
      rule.elementKind,
    ].some((c) => c !== null);
    await sql`
      insert into rules (tenant_id, name, from_date, to_date, customer_id, customer_pattern, customer_tag, user_pattern,
                         sku_code, vendor, service, element_kind, created_by)
      values (${tenantId}, 'property rule', ${rule.from}, ${rule.to}, ${customer}, ${rule.customerPattern}, ${rule.customerTag},
              ${rule.userPattern}, ${rule.skuCode}, ${rule.vendor}, ${customer === null && !hasOther ? 'vm' : rule.service},
              ${rule.elementKind}, 'property')`;
  }
}

/** A period's output without ids: its items, roll-ups and customer snapshot, in a stable order. */
async function periodOutput(periodId: number) {
  const columns = ITEM_COLUMNS.replace(/^id, /, '');
  const items = await sql.unsafe(
    `select ${columns} from items where period_id = $1 order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26`,
    [periodId],
  );
  const rollups = await sql`
    select level::text, customer_id, depth, item_count, billable_amount::text from rollups
    where period_id = ${periodId} order by 1, 2`;
  const customers = await sql`
    select customer_id, parent_id, invoice_to_id, depth, ancestor_ids::text, name, tags from period_customers
    where period_id = ${periodId} order by customer_id`;
  return JSON.stringify({ items, rollups, customers });
}

function fail(problems: Problems, what: string): void {
  if (!problems.empty) throw new Error(`${what}:\n  ${problems.lines.join('\n  ')}`);
}

async function runScenario(scenario: Scenario): Promise<void> {
  const tenantId = `prop-${++tenants}`;
  await createTenant(sql, { id: tenantId, timeZone: ZONE });
  for (const sku of scenario.skus) {
    await createSku(sql, tenantId, {
      code: sku.code,
      vendor: sku.vendor,
      price: sku.price,
      model: sku.model,
      proration: sku.proration,
      scheme: sku.scheme,
      tiers: sku.tiers.map((t) => [t.fromQuantity, t.unitPrice]),
      maps: scenario.mappings
        .filter((m) => m.skuCode === sku.code)
        .map((m) => [
          m.kind as 'plan' | 'instance' | 'application' | 'domain' | 'usage',
          m.service,
          m.product,
        ]),
    });
  }
  for (const d of scenario.discounts) {
    await sql`insert into vendor_discounts (tenant_id, vendor, min_services, percent)
              values (${tenantId}, ${d.vendor}, ${d.minServices}, ${d.percent})`;
  }
  const ingested: Timed[] = [];
  const periodIds: number[] = [];
  // Entries each period was last computed with: the oracle rebuilds its tree snapshot from them.
  const computedWith = new Map<number, number>();
  const generate = async (periodId: number, itemsPerShard?: number) => {
    await setPeriodStatus(sql, { periodId, status: 'generating' });
    const totals = await runStages(sql, periodId, itemsPerShard);
    computedWith.set(periodId, ingested.length);
    await setPeriodStatus(sql, { periodId, status: 'awaiting_approval' });
    return totals;
  };
  // Entries sent after their period was generated; a period they change is generated again.
  const sendLate = async (k: number, onApproval: boolean) => {
    for (const late of LATE_SLOTS.filter((l) => l.sentAfter === k && l.onApproval === onApproval)) {
      if (!scenario.entries.some((e) => e.seq === late.slot)) continue;
      await sendSlot(tenantId, scenario, late.slot, ingested);
      if (late.regenerates === null) continue;
      const periodId = periodIds[late.regenerates] as number;
      const totals = await generate(periodId);
      const { start } = PERIODS[late.regenerates] as { start: string };
      fail(
        await checkPeriod(sql, tenantId, periodId, scenario, ingested, totals, computedWith),
        `${start}: invariants after slot ${late.slot}`,
      );
    }
  };
  for (const [k, period] of PERIODS.entries()) {
    await sendSlot(tenantId, scenario, MAIN_SLOTS[k] as number, ingested);
    await insertRules(tenantId, scenario, k);

    const { periodId } = await openPeriod(sql, { tenantId, date: period.start });
    periodIds.push(periodId);
    const totals = await generate(periodId);
    fail(
      await checkPeriod(sql, tenantId, periodId, scenario, ingested, totals, computedWith),
      `${period.start}: invariants`,
    );
    await sendLate(k, false);

    // Invariant 6: generating an unapproved period again writes the very same rows (here with
    // small shards too, which must not change any figure).
    const first = await periodOutput(periodId);
    const [before] = await sql<{ items: string; total: string }[]>`
      select count(*)::text as items, coalesce(sum(amount), 0)::text as total from items where period_id = ${periodId}`;
    const again = await generate(periodId, scenario.chunks === 3 ? 2 : 50_000);
    const second = await periodOutput(periodId);
    if (
      first !== second ||
      Number(before?.items) !== again.items ||
      !new BillingDecimal(before?.total ?? '0').eq(again.total)
    ) {
      throw new Error(`${period.start}: generating again changed the output:\n${first}\n---\n${second}`);
    }

    if (k < 2 && scenario.approve[k]) {
      await setPeriodStatus(sql, { periodId, status: 'approved', by: 'finance@test' });
      await sendLate(k, true);
    }
    // Out of order: Jan, left open, approved after Feb; Mar then adjusts both.
    if (k === 1 && scenario.janAfterFeb) {
      await setPeriodStatus(sql, {
        periodId: periodIds[0] as number,
        status: 'approved',
        by: 'finance@test',
      });
    }
  }
  fail(
    await checkNothingLost(sql, tenantId, scenario, ingested),
    'after Mar: approved periods and their adjustments',
  );
}

describe('the billing engine on random change logs', () => {
  it(`keeps its invariants (${RUNS} runs, seed ${SEED})`, { timeout: 900_000 }, async () => {
    const arbitrary = scenarioArb.map((scenario) =>
      Object.assign(scenario, { [fc.toStringMethod]: () => `\n${describeScenario(scenario)}\n` }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, (scenario) => runScenario(scenario)),
        { numRuns: RUNS, seed: SEED },
      );
    } catch (error) {
      console.error(`property failed with seed ${SEED} (PROPERTY_SEED=${SEED} to replay)`);
      throw error;
    }
    expect(tenants).toBeGreaterThanOrEqual(RUNS);
  });
});
