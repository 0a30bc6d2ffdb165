import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchEngineCompute } from './engine-compute.js';
import type { SizeName } from './generate-msp.js';
import { startBenchServer } from './server.js';
import { runServiceDetailBench } from './service-detail.js';
import type { SizeResult } from './size.js';

/**
 * `npm run bench -- [--sizes S,M,L] [--breakdown] [--keep] [--only=ingest]`: starts one PostgreSQL (embedded, or
 * DATABASE_URL), runs each size in its own process (bench/size.ts) so peak RSS is per size, and prints
 * the figures as a markdown table beside the targets. It measures; it never asserts a timing.
 *   --breakdown  also time each close stage (a third run of the period)
 *   --keep       keep the embedded server's data directory (and databases) for EXPLAIN afterwards
 *   --close-limit=SECONDS  cancel a close (or reprocess) running longer than this (default 4 h)
 *   --only=ingest  measure ingestion and its COPY yardstick only (no close), to iterate on ingestion
 *   --only=service-detail [--items=N] [--repeat=N] [--keep]  the Service Detail grid's latencies (bench/service-detail.ts)
 *   --only=engine [--items=N]  the pure engine's cost per item, no database (bench/engine-compute.ts)
 *   --only=recon [--lines=N]  import a generated Microsoft NCE reconciliation file of N lines (1,000,000)
 *                and match a period against it (bench/recon-import.ts), instead of the sizes
 */

const targets = {
  ingestRate: 50_000,
  ingestVsCopy: 0.5,
  periodSecondsL: 60,
  periodVsBaseline: 3,
  reprocessSecondsL: 15,
  peakRssMiBL: 512,
};

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--only=service-detail')) return runServiceDetailBench(args);
  if (args.includes('--only=engine'))
    return benchEngineCompute(Number(flagValue(args, '--items') ?? 200_000));
  if (args.includes('--only=recon')) {
    const { benchReconImport } = await import('./recon-import.js');
    await benchReconImport(Number(flagValue(args, '--lines') ?? 1_000_000));
    return;
  }
  const sizesArg = flagValue(args, '--sizes') ?? 'S,M,L';
  const chosen = sizesArg.split(',').map((s) => s.trim().toUpperCase()) as SizeName[];
  for (const size of chosen) if (!['S', 'M', 'L'].includes(size)) throw new Error(`unknown size '${size}'`);
  const passOn = args.filter(
    (arg) => arg === '--breakdown' || arg === '--only=ingest' || arg.startsWith('--close-limit='),
  );
  const keep = args.includes('--keep');

  const server = await startBenchServer();
  console.log(`PostgreSQL: ${server.embedded ? `embedded, data in ${server.scratch}` : 'DATABASE_URL'}`);
  const results: (SizeResult | { size: SizeName; error: string })[] = [];
  try {
    for (const size of chosen) {
      const started = performance.now();
      try {
        const result = await runSize(size, server.url, server.scratch, passOn);
        results.push(result);
        console.log(
          `\n${size}: ${describe(result)} (${((performance.now() - started) / 1000).toFixed(0)} s wall)\n`,
        );
      } catch (error) {
        results.push({ size, error: (error as Error).message });
        console.error(`\n${size} failed: ${(error as Error).message}\n`);
      }
    }
  } finally {
    await server.stop({ keep });
    if (keep) console.log(`kept ${server.scratch}`);
  }
  console.log(table(results));
  const settings = results.find((r): r is SizeResult => 'settings' in r)?.settings;
  if (settings)
    console.log(
      `\nPostgreSQL settings: ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
}

function runSize(size: SizeName, serverUrl: string, scratch: string, args: string[]): Promise<SizeResult> {
  const script = fileURLToPath(new URL('./size.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, size, ...args], {
    env: { ...process.env, BENCH_SERVER_URL: serverUrl, BENCH_SCRATCH: scratch },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`bench/size.ts ${size} exited with ${code}`));
      else resolve(JSON.parse(line) as SizeResult);
    });
  });
}

function describe(r: SizeResult): string {
  const ingest = [
    `${r.entries.toLocaleString('en')} entries`,
    `ingest ${rate(r.entries, r.ingestSeconds)}/s vs COPY ${rate(r.entries, r.copySeconds)}/s`,
  ];
  const tail = [`peak RSS ${r.peakRssMiB} MiB`, `load average ${r.load.mean} (max ${r.load.max})`];
  if (r.closeSkipped) return [...ingest, ...tail].join('; ');
  return [
    ...ingest,
    `period ${closeTime(r.periodSeconds, r.periodFinished)} vs baseline ${r.baselineSeconds.toFixed(1)} s`,
    `reprocess ${closeTime(r.reprocessSeconds, r.reprocessFinished)}`,
    `${r.items?.toLocaleString('en') ?? '?'} items, total EUR ${r.total ?? '?'}`,
    ...tail,
  ].join('; ');
}

function table(results: (SizeResult | { size: SizeName; error: string })[]): string {
  const header = [
    'Size',
    'Users',
    'Entries',
    `Ingest entries/s (≥ ${targets.ingestRate.toLocaleString('en')})`,
    'COPY rows/s',
    `Ingest / COPY (≥ ${targets.ingestVsCopy})`,
    `Period close s (L ≤ ${targets.periodSecondsL})`,
    'Baseline s',
    `Close / baseline (≤ ${targets.periodVsBaseline})`,
    `Reprocess s (L ≤ ${targets.reprocessSecondsL})`,
    'Items',
    'Period total EUR',
    `Peak RSS MiB (L ≤ ${targets.peakRssMiBL})`,
    `Load avg, ${cpus().length} cores (mean / max)`,
  ];
  const rows = results.map((r) => {
    if ('error' in r) return [r.size, 'failed', r.error.slice(0, 80), ...header.slice(3).map(() => '')];
    const ingest = r.entries / r.ingestSeconds;
    const copy = r.entries / r.copySeconds;
    const large = r.size === 'L';
    const skipped = r.closeSkipped === true;
    const closeCell = (cell: () => string) => (skipped ? '-' : cell());
    return [
      r.size,
      r.users.toLocaleString('en'),
      r.entries.toLocaleString('en'),
      mark(Math.round(ingest).toLocaleString('en'), ingest >= targets.ingestRate),
      Math.round(copy).toLocaleString('en'),
      mark((ingest / copy).toFixed(2), ingest / copy >= targets.ingestVsCopy),
      closeCell(() =>
        mark(
          closeTime(r.periodSeconds, r.periodFinished),
          large ? r.periodFinished && r.periodSeconds <= targets.periodSecondsL : null,
        ),
      ),
      closeCell(() => r.baselineSeconds.toFixed(2)),
      closeCell(() =>
        mark(
          `${r.periodFinished ? '' : '> '}${(r.periodSeconds / r.baselineSeconds).toFixed(1)}`,
          r.periodFinished && r.periodSeconds / r.baselineSeconds <= targets.periodVsBaseline,
        ),
      ),
      closeCell(() =>
        mark(
          closeTime(r.reprocessSeconds, r.reprocessFinished),
          large ? r.reprocessFinished && r.reprocessSeconds <= targets.reprocessSecondsL : null,
        ),
      ),
      closeCell(() => r.items?.toLocaleString('en') ?? '?'),
      closeCell(() => r.total ?? '?'),
      mark(String(r.peakRssMiB), large ? r.peakRssMiB <= targets.peakRssMiBL : null),
      `${r.load.mean} / ${r.load.max}`,
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Seconds of a close, or '> N (cancelled)' when it was stopped at the time limit. */
function closeTime(seconds: number, finished: boolean): string {
  return finished ? seconds.toFixed(1) : `> ${seconds.toFixed(0)} (cancelled)`;
}

/** A figure with whether it meets its target; no mark where the target does not apply. */
function mark(figure: string, met: boolean | null): string {
  return met === null ? figure : `${figure} ${met ? '✅' : '❌'}`;
}

function rate(count: number, seconds: number): string {
  return Math.round(count / seconds).toLocaleString('en');
}

function flagValue(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

await main();
