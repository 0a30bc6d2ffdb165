import type postgres from 'postgres';
import {
  adjustedKeys,
  lateElementIds,
  type PricedItem,
  priceStaged,
  stageItems,
} from '../billing/engine/index.js';
import { loadBilledParts, loadPeriodInputs, loadPriors, loadShardInputs } from './load-shard.js';
import { loadUnlockedPeriod, type PeriodContext, type Shard } from './period-context.js';

type Step = 'load' | 'compute' | 'store';

/**
 * Computes one shard's items from scratch in one transaction: load the inputs, compute them with
 * billing/engine (the only place the money rules are written), and replace the shard's items with
 * one COPY. Deleting the shard's items first makes a retry or a reprocess write exactly the same
 * rows, never twice.
 */
export async function computeShard(
  sql: postgres.Sql,
  input: { periodId: number; shard: Shard },
  /** Seconds spent per step, added to when given (benchmarks). */
  timings?: Partial<Record<Step, number>>,
): Promise<{ items: number }> {
  const timed = async <T>(step: Step, run: () => Promise<T> | T) => {
    const started = performance.now();
    const value = await run();
    if (timings) timings[step] = (timings[step] ?? 0) + (performance.now() - started) / 1000;
    return value;
  };
  return sql.begin((tx) => computeShardIn(tx, input, timed));
}

/**
 * The same, inside a transaction the caller owns: a rule preview computes shards this way and
 * rolls the whole transaction back, so it shows exactly what a reprocess would write.
 */
export async function computeShardIn(
  tx: postgres.TransactionSql,
  input: { periodId: number; shard: Shard },
  timed: <T>(step: Step, run: () => Promise<T> | T) => Promise<T> = async (_step, run) => run(),
): Promise<{ items: number }> {
  const period = await loadUnlockedPeriod(tx, input.periodId);
  const shared = await timed('load', () => loadPeriodInputs(tx, period));
  await tx`delete from items where period_id = ${period.periodId} and invoice_to_id between ${input.shard.from} and ${input.shard.to}`;
  let written = 0;
  // Part by part, whole invoice-to customers each (their tiers and discounts are theirs alone), so a
  // shard's memory is one part's, whatever the shard's size.
  for (const part of await timed('load', () => shardParts(tx, period.periodId, input.shard))) {
    const inputs = await timed('load', () => loadShardInputs(tx, period, part, shared));
    const late = lateElementIds(inputs);
    const billed = await timed('load', () => loadBilledParts(tx, period.tenantId, late));
    const staged = await timed('compute', () => stageItems(inputs, billed));
    const adjustment = await timed('load', () => loadPriors(tx, period.tenantId, adjustedKeys(staged)));
    const items = await timed('compute', () => priceStaged(inputs, staged, { billed, ...adjustment }));
    await timed('store', () => storeItems(tx, period, items));
    written += items.length;
  }
  return { items: written };
}

/**
 * Elements per part: a part's inputs and items are what a shard holds in memory at once, and the
 * worker computes four shards at a time. Cut by elements, not customers: one reseller billed in
 * aggregate can hold thousands of customers' items.
 */
const ELEMENTS_PER_PART = 10_000;

/** The shard cut into runs of whole invoice-to customers of about ELEMENTS_PER_PART elements. */
async function shardParts(tx: postgres.TransactionSql, periodId: number, shard: Shard): Promise<Shard[]> {
  const rows = await tx<{ id: number; elements: number }[]>`
    select pc.invoice_to_id::float8 as id, count(e.id)::float8 as elements
    from periods p
    join period_customers pc on pc.period_id = p.id
    left join elements e on e.tenant_id = p.tenant_id and e.customer_id = pc.customer_id
      and e.started_at < p.ends_at and (e.ended_at is null or e.ended_at >= p.starts_at)
    where p.id = ${periodId} and pc.invoice_to_id between ${shard.from} and ${shard.to}
    group by 1 order by 1`;
  const parts: Shard[] = [];
  let held = 0;
  for (const row of rows) {
    const last = parts.at(-1);
    if (last && held + row.elements <= ELEMENTS_PER_PART) {
      last.to = row.id;
      held += row.elements;
    } else {
      parts.push({ from: row.id, to: row.id });
      held = row.elements;
    }
  }
  return parts;
}

const COLUMNS = [
  'tenant_id',
  'period_id',
  'customer_id',
  'invoice_to_id',
  'user_id',
  'element_id',
  'change_id',
  'kind',
  'service',
  'product',
  'customer_name',
  'user_name',
  'sku_code',
  'vendor',
  'unmapped',
  'active_from',
  'active_to',
  'days_active',
  'period_days',
  'quantity',
  'carried_over',
  'adjusts_period_id',
  'billable',
  'rule_id',
  'rule_name',
  'unit_price',
  'discount_percent',
  'amount',
] as const;

/** Writes a part's items with one COPY, in the order computed: views and exports page by id. */
async function storeItems(tx: postgres.TransactionSql, period: PeriodContext, items: PricedItem[]) {
  if (items.length === 0) return;
  const stream = await tx.unsafe(`copy items (${COLUMNS.join(', ')}) from stdin`).writable();
  const prefix = `${copyText(period.tenantId)}\t${period.periodId}\t`;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let chunk = '';
  for (const item of items) {
    chunk += `${prefix}${copyRow(item)}\n`;
    if (chunk.length > 1 << 16) {
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
      chunk = '';
    }
  }
  stream.end(chunk);
  await done;
}

// One template, no array per row: a row is built a million times in a large close.
function copyRow(i: PricedItem): string {
  return `${i.customerId}\t${i.invoiceToId}\t${copyId(i.userId)}\t${copyId(i.elementId)}\t${copyId(i.changeId)}\t${i.kind}\t${copyText(i.service)}\t${copyText(i.product)}\t${copyText(i.customerName)}\t${copyNullable(i.userName)}\t${copyNullable(i.skuCode)}\t${copyNullable(i.vendor)}\t${i.unmapped}\t${i.activeFrom}\t${i.activeTo}\t${i.daysActive}\t${i.periodDays}\t${i.quantity}\t${i.carriedOver}\t${copyId(i.adjustsPeriodId)}\t${i.billable}\t${copyId(i.ruleId)}\t${copyNullable(i.ruleName)}\t${i.unitPrice}\t${i.discountPercent}\t${i.amount}`;
}

function copyId(value: number | null): string {
  return value === null ? '\\N' : String(value);
}

function copyNullable(value: string | null): string {
  return value === null ? '\\N' : copyText(value);
}

/** COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(
        /[\\\t\n\r]/g,
        (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string,
      )
    : value;
}
