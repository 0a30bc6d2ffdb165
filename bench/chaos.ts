import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import postgres from 'postgres';
import { ingestChanges } from '../activities/ingest-changes.js';
import { connect } from '../db/connection.js';
import { migrateDatabase } from '../db/migrate.js';
import { installTemporalLogging } from '../runtime/logging.js';
import { closeWorkflowId, PeriodCloses } from '../workflows/client.js';
import type { CloseProgress } from '../workflows/period-close.js';
import { ingestionUnderFault } from './chaos-ingest.js';
import { type Faults, freePort, Servers, SupervisedWorker, say, sleep } from './chaos-processes.js';
import { type ChangeEntry, MspLog, type SizeName, sizes } from './generate-msp.js';
import { benchTenant, insertRules, insertTenantCatalog } from './msp-catalog.js';

/**
 * `npm run chaos -- [S|M|L] [--seed=N]`: faults at scale lose and double nothing. Generates a book,
 * closes it once undisturbed, then again from scratch (a copy of the same book, a fresh Temporal
 * state) while killing the worker with SIGKILL at 10 random instants and restarting PostgreSQL and
 * the Temporal dev server once each; compares an ordered hash of every item row and the totals.
 * Then ingestion under fault: a batch cut by a killed API process, and one cut by a PostgreSQL
 * restart, is stored wholly or not at all, and a resend stores it once. It prints; it asserts nothing
 * but exits 1 on a difference.
 */

const PERIOD_END = '2025-12-31';
const BATCH = 10_000;
// Batches kept out of the book for the ingestion faults (sent through the API afterwards).
const HELD_BACK = 2;

async function main() {
  const size = (process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'M').toUpperCase() as SizeName;
  if (!(size in sizes)) throw new Error(`usage: npm run chaos -- [S|M|L] [--seed=N], got '${size}'`);
  const seedArg = process.argv.find((a) => a.startsWith('--seed='));
  const seed = seedArg ? Number(seedArg.slice('--seed='.length)) : Math.floor(Math.random() * 1e9);
  const random = mulberry32(seed);
  installTemporalLogging('ERROR');
  say(`size ${size}, seed ${seed} (--seed=${seed} replays the same fault instants)`);

  const scratch = await mkdtemp(path.join(tmpdir(), 'monthend-chaos-'));
  await chmod(scratch, 0o755);
  const pgPort = await freePort();
  let servers = await Servers.start({
    pgDir: path.join(scratch, 'pg'),
    pgPort,
    temporalDb: path.join(scratch, 'temporal-undisturbed.db'),
    temporalPort: await freePort(),
  });
  try {
    const bundlePath = path.join(scratch, 'workflows.js');
    const bundle = await bundleWorkflowCode({
      workflowsPath: path.resolve('workflows/index.ts'),
      logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
    });
    await writeFile(bundlePath, bundle.code);

    const book = await generateBook(size, servers.postgresUrl);
    const undisturbed = await closeRun('undisturbed', book.urls.undisturbed, servers, bundlePath);
    say(
      `undisturbed close: ${undisturbed.items.length.toLocaleString('en')} items in ${undisturbed.seconds.toFixed(1)} s`,
    );

    // From scratch: the second copy of the book, and a dev server with a state file of its own.
    await servers.stop();
    servers = await Servers.start({
      pgDir: path.join(scratch, 'pg'),
      pgPort,
      temporalDb: path.join(scratch, 'temporal-chaos.db'),
      temporalPort: await freePort(),
    });
    const faults = plannedFaults(random, undisturbed.seconds);
    const disturbed = await closeRun('disturbed', book.urls.disturbed, servers, bundlePath, faults);

    const differences = countDifferences(undisturbed.items, disturbed.items);
    const totalsDiffer = JSON.stringify(undisturbed.totals) !== JSON.stringify(disturbed.totals);
    const ingestion = await ingestionUnderFault(servers, book.urls.ingestion, book.heldBack, random);

    const report = {
      size,
      seed,
      entries: book.entries,
      generateAndIngestSeconds: round(book.seconds),
      undisturbed: { seconds: round(undisturbed.seconds), hash: undisturbed.hash },
      disturbed: {
        seconds: round(disturbed.seconds),
        hash: disturbed.hash,
        workerKills: disturbed.faults.kills,
        workerStarts: disturbed.faults.workerStarts,
        workerExitsNotKilled: disturbed.faults.unexpectedExits,
        postgresRestarts: disturbed.faults.postgresRestarts,
        temporalRestarts: disturbed.faults.temporalRestarts,
        activityRetriesSeen: disturbed.retries.activityRetries,
        workflowTaskRetriesSeen: disturbed.retries.workflowTaskRetries,
        progressPollsFailed: disturbed.pollFailures,
      },
      itemsCompared: Math.max(undisturbed.items.length, disturbed.items.length),
      itemDifferences: differences,
      totalsDiffer,
      totals: disturbed.totals,
      ingestion,
    };
    console.log(JSON.stringify(report, null, 2));
    const bad = differences > 0 || totalsDiffer || ingestion.some((scenario) => !scenario.ok);
    say(bad ? 'DIFFERENCES FOUND' : '0 differences: nothing lost, nothing doubled');
    process.exitCode = bad ? 1 : 0;
  } finally {
    await servers.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The book in a template database, copied three times: one copy per close and one, without the
 * last batches, for the ingestion faults, which then send those batches through the API.
 */
async function generateBook(size: SizeName, serverUrl: string) {
  const started = performance.now();
  const log = new MspLog(sizes[size]);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const url = (name: string) => serverUrl.replace(/\/[^/]*$/, `/${name}`);
  try {
    for (const name of ['chaos_book', 'chaos_ingestion', 'chaos_undisturbed', 'chaos_disturbed'])
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe('create database chaos_book');
    await migrateDatabase(url('chaos_book'));
    const batches = [...log.batches(BATCH)];
    // A small book has one batch: cut its end so the book keeps a head and the faults get batches.
    while (batches.length <= HELD_BACK) {
      const last = batches.pop() ?? [];
      const half = Math.ceil(last.length / 2);
      batches.push(last.slice(0, half), last.slice(half));
    }
    const heldBack = batches.slice(-HELD_BACK);
    let entries = 0;
    const ingestInto = async (list: ChangeEntry[][]) => {
      const { sql, close } = connect(url('chaos_book'), { max: 2 });
      try {
        for (const batch of list) {
          const result = await ingestChanges(sql, benchTenant.id, batch);
          if (result.rejected.length > 0)
            throw new Error(`book batch rejected: ${result.rejected[0]?.reason}`);
          entries += batch.length;
        }
      } finally {
        await close();
      }
    };
    const { sql, close } = connect(url('chaos_book'), { max: 2 });
    await insertTenantCatalog(sql);
    await close();
    await ingestInto(batches.slice(0, -HELD_BACK));
    await admin.unsafe('create database chaos_ingestion template chaos_book');
    await ingestInto(heldBack);
    const book = connect(url('chaos_book'), { max: 1 });
    await insertRules(book.sql, log.goLiveCustomerRef);
    await book.sql`vacuum analyze`;
    await book.close();
    await admin.unsafe('create database chaos_undisturbed template chaos_book');
    await admin.unsafe('create database chaos_disturbed template chaos_book');
    say(
      `book: ${entries.toLocaleString('en')} entries, ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    return {
      entries,
      heldBack,
      seconds: (performance.now() - started) / 1000,
      urls: {
        undisturbed: url('chaos_undisturbed'),
        disturbed: url('chaos_disturbed'),
        ingestion: url('chaos_ingestion'),
      },
    };
  } finally {
    await admin.end();
  }
}

interface PlannedFault {
  atMs: number;
  kind: 'kill' | 'postgres' | 'temporal';
}

/** 10 kills spread over the undisturbed close's length, a PostgreSQL restart early, a Temporal one later. */
function plannedFaults(random: () => number, closeSeconds: number): PlannedFault[] {
  const span = closeSeconds * 1000;
  const faults: PlannedFault[] = Array.from({ length: 10 }, () => ({
    atMs: span * (0.05 + 0.9 * random()),
    kind: 'kill' as const,
  }));
  faults.push({ atMs: span * (0.2 + 0.2 * random()), kind: 'postgres' });
  faults.push({ atMs: span * (0.5 + 0.2 * random()), kind: 'temporal' });
  return faults.sort((a, b) => a.atMs - b.atMs);
}

async function closeRun(
  label: string,
  databaseUrl: string,
  servers: Servers,
  bundlePath: string,
  planned: PlannedFault[] = [],
) {
  const taskQueue = `chaos-${randomUUID()}`;
  const worker = new SupervisedWorker({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    TASK_QUEUE: taskQueue,
    BUNDLE_PATH: bundlePath,
  });
  worker.start();
  const connection = await Connection.connect({ address: servers.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  // The client checks a close's legal moves against the database; postgres reconnects after a restart.
  const closeSql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const closes = new PeriodCloses(client, closeSql, { taskQueue });
  const ref = { tenantId: benchTenant.id, periodEnd: PERIOD_END };
  const faults: Faults = {
    kills: 0,
    postgresRestarts: 0,
    temporalRestarts: 0,
    workerStarts: 0,
    unexpectedExits: 0,
  };
  try {
    // The clock starts with a polling worker: the close's own time, not the worker's start-up.
    await worker.whenReady();
    const started = performance.now();
    await closes.start(ref);
    let finished = false;
    // Kills wait for a live worker, so one landing after the close finished is not made.
    const injecting = (async () => {
      for (const fault of planned) {
        const wait = fault.atMs - (performance.now() - started);
        if (wait > 0) await sleep(wait);
        if (finished) return;
        say(`${label}: ${fault.kind} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
        if (fault.kind === 'kill') await worker.kill(() => finished);
        if (fault.kind === 'postgres') {
          await servers.restartPostgres();
          faults.postgresRestarts += 1;
        }
        if (fault.kind === 'temporal') {
          await servers.restartTemporal();
          faults.temporalRestarts += 1;
        }
      }
    })();
    let progress: CloseProgress | undefined;
    let pollFailures = 0;
    while (progress?.stage !== 'awaiting_approval') {
      await sleep(500);
      try {
        progress = await closes.progress(ref);
      } catch {
        pollFailures += 1;
      }
      if (performance.now() - started > 3_600_000) throw new Error(`${label}: no result within an hour`);
    }
    const seconds = (performance.now() - started) / 1000;
    finished = true;
    await injecting;
    Object.assign(faults, {
      kills: worker.kills,
      workerStarts: worker.starts,
      unexpectedExits: worker.unexpectedExits,
    });
    const retries = await retriesSeen(client, closeWorkflowId(ref));
    await worker.stop();
    const items = await itemHashes(databaseUrl);
    return {
      seconds,
      totals: progress.totals,
      items,
      hash: items.length === 0 ? '' : orderedHash(items),
      faults,
      retries,
      pollFailures,
    };
  } finally {
    await worker.stop();
    await connection.close();
    await closeSql.end();
  }
}

/** Attempts past the first, as the close's history records them (the last attempt carries its number). */
async function retriesSeen(client: Client, workflowId: string) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let activityRetries = 0;
  let workflowTaskRetries = 0;
  for (const event of history.events ?? []) {
    const attempt = event.activityTaskStartedEventAttributes?.attempt;
    if (attempt && attempt > 1) activityRetries += attempt - 1;
    if (event.workflowTaskTimedOutEventAttributes || event.workflowTaskFailedEventAttributes)
      workflowTaskRetries += 1;
  }
  return { activityRetries, workflowTaskRetries };
}

/** One md5 per item row, over every column but the generated ids, sorted: the rows as a multiset. */
async function itemHashes(databaseUrl: string): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ h: string }[]>`
      select md5(row(i.tenant_id, p.start_date, p.revision, i.customer_id, i.invoice_to_id, i.user_id,
                     i.element_id, i.change_id, i.kind, i.service, i.product, i.customer_name, i.user_name,
                     i.sku_code, i.vendor, i.unmapped, i.active_from, i.active_to, i.days_active,
                     i.period_days, i.quantity, i.unit_price, i.discount_percent, i.amount, i.billable,
                     i.rule_id, i.carried_over, i.adjusts_period_id)::text) as h
      from items i join periods p on p.id = i.period_id
      order by h`;
    return rows.map((row) => row.h);
  } finally {
    await sql.end();
  }
}

function orderedHash(hashes: string[]): string {
  const hash = createHash('sha256');
  for (const h of hashes) hash.update(h);
  return hash.digest('hex');
}

/** Rows in one sorted list and not the other, counted with their multiplicity. */
function countDifferences(a: string[], b: string[]): number {
  let i = 0;
  let j = 0;
  let differences = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && y !== undefined && x === y) {
      i += 1;
      j += 1;
    } else if (y === undefined || (x !== undefined && x < y)) {
      differences += 1;
      i += 1;
    } else {
      differences += 1;
      j += 1;
    }
  }
  return differences;
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (seconds: number) => Number(seconds.toFixed(1));

await main();
