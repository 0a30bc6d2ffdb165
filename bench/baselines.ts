import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type postgres from 'postgres';
import type { MspLog } from './generate-msp.js';

/**
 * The two yardsticks the engine is measured against: a raw COPY of the change log, and one
 * hand-written INSERT ... SELECT of a period's element items. Both skip what the engine does on top
 * (validation, replay, elements; rules, pricing, snapshots), so the ratios show that overhead.
 */

const copyColumns =
  'tenant_id, idempotency_key, kind, occurred_at, actor, customer_ref, user_ref, payload, payload_hash';

/**
 * Writes the log's entries as COPY text rows of change_log, exactly the values ingestion stores
 * (payload as sent, sha256 of the canonical JSON), so the timed COPY reads a file and nothing else.
 */
export async function writeCopyFile(log: MspLog, tenantId: string, file: string): Promise<number> {
  const out = createWriteStream(file);
  let rows = 0;
  for (const batch of log.batches()) {
    let chunk = '';
    for (const entry of batch) {
      const canonical = JSON.stringify(entry, Object.keys(entry).sort());
      const hash = createHash('sha256').update(canonical).digest('hex');
      const user = typeof entry.user === 'string' ? copyText(entry.user) : '\\N';
      chunk += `${copyText(tenantId)}\t${copyText(entry.key)}\t${entry.kind}\t${entry.occurredAt}\t${copyText(entry.actor)}\t${copyText(entry.customer)}\t${user}\t${copyText(JSON.stringify(entry))}\t${hash}\n`;
      rows++;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

/** Streams the file into change_log through postgres.js COPY FROM STDIN; returns the seconds taken. */
export async function copyIntoChangeLog(sql: postgres.Sql, file: string): Promise<number> {
  const started = performance.now();
  const writable = await sql.unsafe(`copy change_log (${copyColumns}) from stdin`).writable();
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), writable);
  return (performance.now() - started) / 1000;
}

function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : value;
}

/**
 * The period's element items in one statement: elements overlapping the period, clipped to its local
 * dates, with invoice-to and snapshot customer name from period_customers, the user's current name
 * and the SKU mapping, into an index-free scratch copy of items. No usage, rules, pricing or shards.
 */
export async function elementItemsBaseline(
  sql: postgres.Sql,
  periodId: number,
): Promise<{ seconds: number; rows: number }> {
  await sql`drop table if exists items_baseline`;
  await sql`create table items_baseline (like items including defaults)`;
  const started = performance.now();
  const inserted = await sql`
    insert into items_baseline (id, tenant_id, period_id, customer_id, invoice_to_id, user_id, element_id, kind,
      service, product, customer_name, user_name, sku_code, vendor, unmapped, active_from, active_to, days_active,
      period_days, quantity, carried_over)
    select e.id, e.tenant_id, p.id, e.customer_id, pc.invoice_to_id, e.user_id, e.id, e.kind, e.service, e.product,
           pc.name, u.name, sku.code, sku.vendor, sku.code is null, span.active_from, span.active_to,
           span.active_to - span.active_from, p.end_date - p.start_date + 1, e.quantity, e.started_at < p.starts_at
    from periods p
    join tenants t on t.id = p.tenant_id
    join elements e on e.tenant_id = p.tenant_id and e.started_at < p.ends_at
      and (e.ended_at is null or e.ended_at > p.starts_at)
    join period_customers pc on pc.period_id = p.id and pc.customer_id = e.customer_id
    left join users u on u.id = e.user_id
    left join sku_mappings exact on exact.tenant_id = p.tenant_id and exact.kind = e.kind
      and exact.service = e.service and exact.product = e.product
    left join sku_mappings catch_all on catch_all.tenant_id = p.tenant_id and catch_all.kind = e.kind
      and catch_all.service = e.service and catch_all.product is null
    left join skus sku on sku.tenant_id = p.tenant_id and sku.code = coalesce(exact.sku_code, catch_all.sku_code)
    cross join lateral (
      select greatest((e.started_at at time zone t.time_zone)::date, p.start_date) as active_from,
             least(coalesce((e.ended_at at time zone t.time_zone)::date, p.end_date + 1), p.end_date + 1) as active_to
    ) span
    where p.id = ${periodId}`;
  const seconds = (performance.now() - started) / 1000;
  await sql`drop table items_baseline`;
  return { seconds, rows: inserted.count };
}
