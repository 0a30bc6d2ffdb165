// `npm run fuzz`: the product on its embedded defaults in a temporary home, a small book with an
// approved period, then schemathesis (from PyPI, in a local virtualenv) over every operation with an
// admin and a customer token. Fails on any 5xx, any answer off its documented schema, or any change
// to the approved period.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect } from '../db/connection.js';
import { apiClient, approvedPeriodSnapshot, loadBook } from './fuzz-book.js';

const SCHEMATHESIS = '4.32.5';
const EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 10);
const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)}s`;
const say = (line: string) => console.log(`[fuzz ${elapsed()}] ${line}`);

/** The pinned schemathesis in ~/.cache/monthend/fuzz-venv, installed once per machine. */
async function schemathesis(): Promise<string> {
  const venv = process.env.MONTHEND_FUZZ_VENV ?? path.join(homedir(), '.cache', 'monthend', 'fuzz-venv');
  const st = path.join(venv, 'bin', 'st');
  const version = await run(st, ['--version']).then(
    ({ stdout }) => stdout,
    () => '',
  );
  if (!version.includes(SCHEMATHESIS)) {
    say(`installing schemathesis ${SCHEMATHESIS} into ${venv} (once per machine)`);
    await mkdir(path.dirname(venv), { recursive: true });
    await run('python3', ['-m', 'venv', venv]);
    await run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  return st;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** `npm start` itself, in its own home and on free ports, with nothing external configured. */
async function startProduct(home: string) {
  const ports = {
    pg: await freePort(),
    temporal: await freePort(),
    ui: await freePort(),
    api: await freePort(),
  };
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'EXPORT_DIR'])
    delete env[name];
  const log = createWriteStream(path.join(home, 'start.log'));
  // Node itself (not the tsx wrapper), so SIGTERM reaches start.ts, which stops its servers before exiting.
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/start.ts'], {
    cwd: root,
    env: {
      ...env,
      MONTHEND_HOME: home,
      MONTHEND_PG_PORT: String(ports.pg),
      MONTHEND_TEMPORAL_PORT: String(ports.temporal),
      MONTHEND_TEMPORAL_UI_PORT: String(ports.ui),
      PORT: String(ports.api),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${ports.api}`;
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`npm start exited with ${child.exitCode}: see ${home}/start.log`);
    const health = await fetch(`${url}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (health === 200) break;
    if (Date.now() > deadline) throw new Error(`no healthy API at ${url} after 15 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return {
    child,
    url,
    databaseUrl: `postgres://monthend:monthend@127.0.0.1:${ports.pg}/monthend`,
    temporalAddress: `127.0.0.1:${ports.temporal}`,
  };
}

async function stopProduct(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([
    once(child, 'exit').then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), 30_000)),
  ]);
  if (!stopped) child.kill('SIGKILL');
}

/** The first admin token, as a user gets it: `npm run token`. */
async function firstAdminToken(product: { databaseUrl: string; temporalAddress: string }, tenantId: string) {
  const { stdout } = await run(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['cli/token.ts', '--tenant', tenantId, '--role', 'admin', '--name', 'fuzz admin'],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: product.databaseUrl, TEMPORAL_ADDRESS: product.temporalAddress },
    },
  );
  const secret = stdout.trim().split('\n').at(-1) ?? '';
  if (!secret.startsWith('mt_')) throw new Error(`npm run token printed no token:\n${stdout}`);
  return secret;
}

interface FuzzRun {
  name: string;
  operations: number;
  requests: number;
  failures: number;
  exitCode: number;
}

/** One schemathesis run; its JSON report gives the counts. */
async function fuzz(
  st: string,
  url: string,
  token: string,
  name: string,
  filters: string[],
  reportDir: string,
) {
  const report = path.join(reportDir, `${name}.json`);
  const args = [
    '--config-file',
    path.join(root, 'cli', 'fuzz.toml'),
    'run',
    `${url}/openapi.json`,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'all',
    '--phases',
    'examples,coverage,fuzzing',
    '--max-examples',
    String(EXAMPLES),
    '--workers',
    '2',
    '--seed',
    process.env.FUZZ_SEED ?? '10',
    '--no-color',
    '--report',
    'json',
    '--report-json-path',
    report,
    ...filters,
  ];
  say(`schemathesis: ${name}`);
  // In the temporary home, where its cache goes too, never in the clone.
  const child = spawn(st, args, { cwd: reportDir, stdio: ['ignore', 'inherit', 'inherit'] });
  const [exitCode] = (await once(child, 'exit')) as [number | null];
  const counts = summarize(JSON.parse(await readFile(report, 'utf8')));
  return { name, ...counts, exitCode: exitCode ?? 1 } satisfies FuzzRun;
}

// biome-ignore lint/suspicious/noExplicitAny: the report's shape belongs to schemathesis.
function summarize(report: any): { operations: number; requests: number; failures: number } {
  const failures = (report.failures as { count: number }[]).reduce((sum, failure) => sum + failure.count, 0);
  return {
    operations: Number(report.operations.tested),
    requests: Number(report.test_cases.generated),
    failures: failures + (report.errors as unknown[]).length,
  };
}

const home = await mkdtemp(path.join(tmpdir(), 'monthend-fuzz-'));
let product: Awaited<ReturnType<typeof startProduct>> | undefined;
// Interrupted, it still stops the product it started rather than leave servers behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    if (product) await stopProduct(product.child);
    process.exit(130);
  });
}
let exitCode = 1;
try {
  const st = await schemathesis();
  say(`starting the product in ${home}`);
  product = await startProduct(home);
  const tenantId = 'fuzz';
  const admin = await firstAdminToken(product, tenantId);
  const adminApi = apiClient(product.url, admin);
  say('loading the book, closing and approving December 2025');
  await loadBook(adminApi);
  const portal = (
    await adminApi('POST', '/v1/tokens', { name: 'fuzz portal', role: 'customer', customer: 'r1' })
  ).json as { secret: string };
  const database = connect(product.databaseUrl, { max: 1 });
  const before = await approvedPeriodSnapshot(database.sql, tenantId);
  say(`approved period: ${before.items} items, ${before.rollups} roll-ups, ${before.exports} exports`);

  const reportDir = path.join(home, 'reports');
  await mkdir(reportDir, { recursive: true });
  // Revoking tokens last: once the fuzzer has made a second admin token it may revoke this one,
  // and every later request would only test authentication.
  const revoke = ['--include-path', '/v1/tokens/{id}'];
  const runs: FuzzRun[] = [
    await fuzz(st, product.url, portal.secret, 'customer', [], reportDir),
    await fuzz(st, product.url, admin, 'admin', ['--exclude-path', '/v1/tokens/{id}'], reportDir),
    await fuzz(st, product.url, admin, 'admin-revoke', revoke, reportDir),
  ];

  const after = await approvedPeriodSnapshot(database.sql, tenantId);
  await database.close();
  const unchanged = after.digest === before.digest && after.filesIntact;
  console.log(`\nFuzzing (schemathesis ${SCHEMATHESIS}, --max-examples ${EXAMPLES}), ${elapsed()}:`);
  for (const r of runs) {
    console.log(
      `  ${r.name.padEnd(13)} operations ${r.operations}, requests ${r.requests}, failures ${r.failures} (exit ${r.exitCode})`,
    );
  }
  console.log(
    `  approved period: ${after.items} items, ${after.rollups} roll-ups, ${after.exports} exports, ${unchanged ? 'unchanged' : 'CHANGED'}`,
  );
  exitCode = runs.every((r) => r.exitCode === 0 && r.failures === 0) && unchanged ? 0 : 1;
} catch (error) {
  console.error(error);
} finally {
  if (product) await stopProduct(product.child);
  if (exitCode === 0 || process.env.CI) await rm(home, { recursive: true, force: true });
  else console.log(`kept ${home} (start.log, reports/) for a look`);
}
process.exit(exitCode);
