import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { computeShard } from '../activities/compute-shard.js';
import { ingestChanges } from '../activities/ingest-changes.js';
import { openPeriod } from '../activities/open-period.js';
import { preparePeriod } from '../activities/prepare-period.js';
import type { PeriodTotals } from '../activities/roll-up.js';
import { rollUp } from '../activities/roll-up.js';
import { reprocessRules, runStages } from '../activities/run-stages.js';
import { connect } from '../db/connection.js';
import { migrateDatabase } from '../db/migrate.js';
import { ruleList } from '../db/views/rules.js';
import { ITEMS_PER_SHARD, SHARD_CONCURRENCY } from '../workflows/shared.js';
import { copyIntoChangeLog, elementItemsBaseline, writeCopyFile } from './baselines.js';
import { MspLog, type SizeName, sizes } from './generate-msp.js';
import { benchTenant, goLive, insertRules, insertTenantCatalog } from './msp-catalog.js';
import { dropDatabase, freshDatabase, startBenchServer } from './server.js';

/**
 * One size of the benchmark, in a process of its own so its peak RSS is its own: generate the MSP,
 * COPY its log into a scratch database, ingest it, close December 2025, edit a rule and reprocess.
 * Progress goes to stderr; the figures are one JSON line on stdout for bench/run.ts.
 *
 *   tsx bench/size.ts S|M|L [--breakdown] [--close-limit=SECONDS] [--only=ingest]
 * --only=ingest stops after ingestion (and its COPY yardstick): the close figures are then absent.
 * Uses the server in BENCH_SERVER_URL (set by run.ts), else starts one as run.ts does.
 */

export interface SizeResult {
  size: SizeName;
  users: number;
  customers: number;
  entries: number;
  generateSeconds: number;
  ingestSeconds: number;
  copySeconds: number;
  vacuumSeconds: number;
  periodSeconds: number;
  /** False when the close was cancelled at the time limit (periodSeconds is then the limit). */
  periodFinished: boolean;
  baselineSeconds: number;
  baselineRows: number;
  reprocessSeconds: number;
  reprocessFinished: boolean;
  shards: number;
  /** From the first close, or from the reprocess when the first close did not finish. */
  items: number | null;
  billableItems: number | null;
  total: string | null;
  reprocessTotal: string | null;
  peakRssMiB: number;
  /** True when run with --only=ingest: the close, baseline and reprocess figures are not measured. */
  closeSkipped?: boolean;
  stages?: Record<string, number>;
  settings: Record<string, string>;
  /** The machine's 1-minute load average, sampled every 5 s while this size ran (2 cores: > 2 is contention). */
  load: { mean: number; max: number };
}

const PERIOD_DATE = '2025-12-01';
const BATCH = 10_000;

async function main() {
  const size = process.argv[2] as SizeName;
  if (!(size in sizes)) throw new Error(`usage: tsx bench/size.ts S|M|L [--breakdown], got '${size}'`);
  const breakdown = process.argv.includes('--breakdown');
  const limitArg = process.argv.find((arg) => arg.startsWith('--close-limit='));
  const limitSeconds = limitArg ? Number(limitArg.slice('--close-limit='.length)) : 4 * 3600;
  const onlyIngest = process.argv.includes('--only=ingest');
  const own = process.env.BENCH_SERVER_URL ? null : await startBenchServer();
  const serverUrl = process.env.BENCH_SERVER_URL ?? (own?.url as string);
  const scratch = process.env.BENCH_SCRATCH ?? (own?.scratch as string);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(loadavg()[0] ?? 0), 5000);
  try {
    const result = await measure(size, serverUrl, scratch, { breakdown, limitSeconds, onlyIngest });
    const mean = samples.reduce((sum, x) => sum + x, 0) / Math.max(1, samples.length);
    const load = { mean: Number(mean.toFixed(2)), max: Number(Math.max(0, ...samples).toFixed(2)) };
    process.stdout.write(`${JSON.stringify({ ...result, load })}\n`);
  } finally {
    clearInterval(sampler);
    await own?.stop();
  }
}

async function measure(
  size: SizeName,
  serverUrl: string,
  scratch: string,
  { breakdown, limitSeconds, onlyIngest }: { breakdown: boolean; limitSeconds: number; onlyIngest: boolean },
): Promise<Omit<SizeResult, 'load'>> {
  const name = `monthend_bench_${size.toLowerCase()}`;
  const seconds = (since: number) => (performance.now() - since) / 1000;

  let started = performance.now();
  const log = new MspLog(sizes[size]);
  const generateSeconds = seconds(started);
  progress(
    size,
    `planned ${log.entries.toLocaleString('en')} entries for ${log.customers} customers in ${generateSeconds.toFixed(1)} s`,
  );

  // The COPY yardstick, in a database of its own so the scenario's tables stay as ingestion left them.
  const copySeconds = await copyYardstick(size, log, serverUrl, `${name}_copy`, scratch);

  const url = await freshDatabase(serverUrl, name);
  await migrateDatabase(url);
  const { sql, close } = connect(url, { max: SHARD_CONCURRENCY + 2 });
  try {
    await insertTenantCatalog(sql);
    const settings = Object.fromEntries(
      (
        await sql<{ name: string; setting: string }[]>`
        select name, current_setting(name) as setting from pg_settings
        where name in ('server_version', 'shared_buffers', 'work_mem', 'max_wal_size', 'synchronous_commit')`
      ).map((row) => [row.name, row.setting]),
    );

    // Ingestion: only the time inside ingestChanges counts, not the generator building each batch.
    let ingestMs = 0;
    let entries = 0;
    let batches = 0;
    for (const batch of log.batches(BATCH)) {
      const before = performance.now();
      const result = await ingestChanges(sql, benchTenant.id, batch);
      ingestMs += performance.now() - before;
      if (result.rejected.length > 0) {
        const reasons = result.rejected.slice(0, 5).map((r) => r.reason);
        throw new Error(
          `batch ${batches} rejected ${result.rejected.length} entries:\n${reasons.join('\n')}`,
        );
      }
      entries += result.stored.length + result.duplicates.length;
      if (++batches % 50 === 0)
        progress(
          size,
          `ingested ${entries.toLocaleString('en')} entries, ${Math.round(entries / (ingestMs / 1000)).toLocaleString('en')}/s`,
        );
    }
    const ingestSeconds = ingestMs / 1000;
    progress(size, `ingested ${entries.toLocaleString('en')} entries in ${ingestSeconds.toFixed(1)} s`);
    if (onlyIngest) {
      return {
        ...ingestOnly,
        size,
        users: sizes[size],
        customers: log.customers,
        entries,
        generateSeconds,
        ingestSeconds,
        copySeconds,
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        settings,
      };
    }

    // What autovacuum would do between a day's ingestion and a month-end close.
    started = performance.now();
    await sql`vacuum analyze`;
    const vacuumSeconds = seconds(started);

    const goLiveRule = await insertRules(sql, log.goLiveCustomerRef);
    const period = await openPeriodOn(url);

    const close1 = await closeWithin(sql, limitSeconds, () =>
      // Shards run as the workflow runs them, SHARD_CONCURRENCY at a time.
      runStages(sql, period.periodId, ITEMS_PER_SHARD, SHARD_CONCURRENCY),
    );
    progress(size, `period ${period.startDate}: ${describeClose(close1)}`);

    const baseline = await elementItemsBaseline(sql, period.periodId);
    progress(
      size,
      `baseline INSERT ... SELECT: ${baseline.rows.toLocaleString('en')} rows in ${baseline.seconds.toFixed(1)} s`,
    );

    await sql`update rules set to_date = ${goLive.after}, updated_by = 'finance@bench-msp.example', updated_at = now()
      where id = ${goLiveRule}`;
    // As the rules API asks the workflow after an edit: compute again what the rule reaches.
    const versions = (await ruleList(sql, benchTenant.id, goLiveRule)).map(({ id, criteria }) => ({
      id,
      criteria,
    }));
    const close2 = await closeWithin(sql, limitSeconds, () =>
      reprocessRules(sql, period.periodId, versions, SHARD_CONCURRENCY),
    );
    progress(size, `reprocessed after the rule edit: ${describeClose(close2)}`);
    const totals = close1.totals ?? close2.totals;

    const stages = breakdown ? await timeStages(sql, period.periodId) : undefined;
    if (stages) progress(size, `stages: ${JSON.stringify(stages)}`);

    return {
      size,
      users: sizes[size],
      customers: log.customers,
      entries,
      generateSeconds,
      ingestSeconds,
      copySeconds,
      vacuumSeconds,
      periodSeconds: close1.seconds,
      periodFinished: close1.totals !== null,
      baselineSeconds: baseline.seconds,
      baselineRows: baseline.rows,
      reprocessSeconds: close2.seconds,
      reprocessFinished: close2.totals !== null,
      shards: stages?.shards ?? 0,
      items: totals?.items ?? null,
      billableItems: totals?.billableItems ?? null,
      total: totals?.total ?? null,
      reprocessTotal: close2.totals?.total ?? null,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      ...(stages ? { stages } : {}),
      settings,
    };
  } finally {
    await close();
  }
}

/** The close figures of a run with --only=ingest, which measures ingestion alone. */
const ingestOnly = {
  closeSkipped: true,
  vacuumSeconds: 0,
  periodSeconds: 0,
  periodFinished: false,
  baselineSeconds: 0,
  baselineRows: 0,
  reprocessSeconds: 0,
  reprocessFinished: false,
  shards: 0,
  items: null,
  billableItems: null,
  total: null,
  reprocessTotal: null,
};

/**
 * openPeriod on a client of its own: drizzle() (inside connect) swaps the shared client's timestamp
 * serializers for pass-through ones, so the Date instants openPeriod binds fail on connect()'s `sql`.
 */
async function openPeriodOn(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await openPeriod(sql, { tenantId: benchTenant.id, date: PERIOD_DATE });
  } finally {
    await sql.end();
  }
}

/**
 * A close or a reprocess, cancelled when it runs past `limitSeconds` (a close that would take hours still lets the
 * size report its other figures). Cancelling the running statement rolls back that stage's transaction.
 */
async function closeWithin(sql: postgres.Sql, limitSeconds: number, run: () => Promise<PeriodTotals>) {
  const started = performance.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void sql`select pg_cancel_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state = 'active'`.catch(() => {});
  }, limitSeconds * 1000);
  try {
    const totals = await run();
    return { seconds: (performance.now() - started) / 1000, totals };
  } catch (error) {
    if (!timedOut) throw error;
    return { seconds: (performance.now() - started) / 1000, totals: null };
  } finally {
    clearTimeout(timer);
  }
}

function describeClose(close: { seconds: number; totals: PeriodTotals | null }): string {
  if (close.totals === null) return `cancelled after ${close.seconds.toFixed(0)} s`;
  const { items, total } = close.totals;
  return `${items.toLocaleString('en')} items, total ${total}, ${close.seconds.toFixed(1)} s`;
}

async function copyYardstick(size: SizeName, log: MspLog, serverUrl: string, name: string, scratch: string) {
  const file = path.join(scratch, `${name}.copy`);
  const url = await freshDatabase(serverUrl, name);
  await migrateDatabase(url);
  const { sql, close } = connect(url, { max: 1 });
  try {
    await sql`insert into tenants (id, name, currency, time_zone)
      values (${benchTenant.id}, ${benchTenant.name}, ${benchTenant.currency}, ${benchTenant.timeZone})`;
    const rows = await writeCopyFile(log, benchTenant.id, file);
    const copySeconds = await copyIntoChangeLog(sql, file);
    progress(size, `COPY of ${rows.toLocaleString('en')} change_log rows in ${copySeconds.toFixed(1)} s`);
    return copySeconds;
  } finally {
    await close();
    await rm(file, { force: true });
    await dropDatabase(serverUrl, name);
  }
}

/** The stages of runStages one by one, shards in turn, for where the time goes (a third run of the period). */
async function timeStages(sql: ReturnType<typeof connect>['sql'], periodId: number) {
  const stages = { prepare: 0, load: 0, compute: 0, store: 0, rollUp: 0, shards: 0 };
  const timed = async <T>(stage: keyof typeof stages, run: () => Promise<T>) => {
    const before = performance.now();
    const value = await run();
    stages[stage] += (performance.now() - before) / 1000;
    return value;
  };
  const { shards } = await timed('prepare', () =>
    preparePeriod(sql, { periodId, itemsPerShard: ITEMS_PER_SHARD }),
  );
  stages.shards = shards.length;
  for (const shard of shards) await computeShard(sql, { periodId, shard }, stages);
  await timed('rollUp', () => rollUp(sql, { periodId }));
  return stages;
}

function progress(size: SizeName, message: string) {
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  process.stderr.write(`[${size}] ${message} (rss ${rss} MiB)\n`);
}

await main();
