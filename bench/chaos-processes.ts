import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createToken } from '../api/routes/tokens.js';
import { type RunningPostgres, startPostgres } from '../runtime/postgres.js';
import { type RunningTemporal, startTemporal } from '../runtime/temporal-server.js';
import { benchTenant } from './msp-catalog.js';

/**
 * The processes `npm run chaos` disturbs: PostgreSQL and the Temporal dev server restarted in place
 * (same port, same data: the dev server keeps its state in a SQLite file), and workers it kills.
 */

export class Servers {
  private constructor(
    private postgres: RunningPostgres,
    private temporal: RunningTemporal,
    private readonly options: { pgDir: string; pgPort: number; temporalDb: string; temporalPort: number },
  ) {}

  static async start(options: { pgDir: string; pgPort: number; temporalDb: string; temporalPort: number }) {
    const postgres = await startPostgres({ dataDir: options.pgDir, port: options.pgPort });
    const temporal = await startTemporal({ dbFilename: options.temporalDb, port: options.temporalPort });
    return new Servers(postgres, temporal, options);
  }

  get postgresUrl() {
    return this.postgres.url;
  }

  get temporalAddress() {
    return this.temporal.address;
  }

  async restartPostgres() {
    await this.postgres.stop();
    this.postgres = await startPostgres({ dataDir: this.options.pgDir, port: this.options.pgPort });
  }

  async restartTemporal() {
    await this.temporal.stop();
    this.temporal = await startTemporal({
      dbFilename: this.options.temporalDb,
      port: this.options.temporalPort,
    });
  }

  async stop() {
    await this.temporal.stop().catch(() => undefined);
    await this.postgres.stop().catch(() => undefined);
  }
}

/**
 * A worker process kept running: whenever it exits (killed here, or dropped by a server restart)
 * another one starts, as a process supervisor would.
 */
export class SupervisedWorker {
  private child: ChildProcess | undefined;
  private ready = false;
  private stopping = false;
  kills = 0;
  /** Exits this script did not cause: a worker that gave up during a server restart. */
  unexpectedExits = 0;
  starts = 0;

  constructor(private readonly env: Record<string, string>) {}

  start() {
    const script = fileURLToPath(new URL('./chaos-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.starts += 1;
    this.child = child;
    this.ready = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY') && this.child === child) this.ready = true;
    });
    child.once('exit', (_code, signal) => {
      if (this.child === child) this.ready = false;
      if (this.stopping) return;
      if (signal !== 'SIGKILL') this.unexpectedExits += 1;
      setTimeout(() => {
        if (!this.stopping && this.child === child) this.start();
      }, 500);
    });
  }

  /** Resolves once a worker is polling. */
  async whenReady() {
    while (!this.ready) await sleep(100);
  }

  /** SIGKILL to a worker that is polling: one still starting is waited for, so every kill hits a live one. */
  async kill(skip: () => boolean = () => false) {
    while (!this.ready && !this.stopping && !skip()) await sleep(100);
    if (this.stopping || skip()) return;
    this.ready = false;
    this.kills += 1;
    this.child?.kill('SIGKILL');
  }

  async stop() {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** The API as its own process (api/main.ts), to be killed mid-request. */
export function startApiProcess(env: Record<string, string>): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('../api/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the API exited with ${code} before listening`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Monthend API on')) resolve(child);
    });
  });
}

export async function killProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

export interface Faults {
  kills: number;
  postgresRestarts: number;
  temporalRestarts: number;
  workerStarts: number;
  unexpectedExits: number;
}

export async function adminToken(databaseUrl: string): Promise<string> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const token = await createToken(sql, {
      tenantId: benchTenant.id,
      name: 'chaos',
      role: 'admin',
      createdBy: 'npm run chaos',
    });
    return token.secret;
  } finally {
    await sql.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export function say(message: string) {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
