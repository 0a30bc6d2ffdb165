import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ensureDatabase, startPostgres } from '../runtime/postgres.js';

export interface BenchServer {
  /** The maintenance database's URL; each size makes its own databases on it. */
  url: string;
  /** A fresh directory for scratch files (the COPY input), removed by `stop` unless kept. */
  scratch: string;
  embedded: boolean;
  stop(options?: { keep?: boolean }): Promise<void>;
}

/** `DATABASE_URL` when set, otherwise an embedded PostgreSQL with its data in a fresh temp dir. */
export async function startBenchServer(): Promise<BenchServer> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'monthend-bench-'));
  // As root, PostgreSQL runs as the 'postgres' user, which must be able to reach its data directory.
  await chmod(scratch, 0o755);
  const embedded = !process.env.DATABASE_URL;
  const server = await startPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort() });
  return {
    url: server.url,
    scratch,
    embedded,
    stop: async ({ keep = false } = {}) => {
      await server.stop();
      if (!keep) await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Drops `name` if a previous run left it (only on a server given by DATABASE_URL), then creates it. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
  return ensureDatabase(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
