import { spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The Temporal CLI carries the dev server and its Web UI. Machines without internet access to
 * Temporal's downloads build it from the Go module proxy instead; v1.5.1 is the newest tag whose
 * go.mod has no replace directive, which `go install pkg@version` refuses (v1.9.1, the newest on
 * the proxy in November 2026, still has one).
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
/** Where the SDK's `cached-download` fetches the CLI from. */
export const DOWNLOAD_HOST = 'temporal.download';
const BUILD_ESTIMATE = 'about 3 minutes on 2 quiet cores, up to 8 on a busy machine';
// A build lock older than this was left by a process that died without removing it.
const STALE_LOCK_MS = 30 * 60_000;

/** Why no dev server can be had here, as one paragraph saying what to do; printed without a stack. */
export class TemporalCliUnavailable extends Error {
  constructor(reason: string) {
    super(
      `Monthend needs a Temporal dev server and cannot get one: ${reason} ` +
        'Install Go (https://go.dev/dl/, 1.22 or newer) and run the command again: it builds the Temporal CLI once ' +
        `(${BUILD_ESTIMATE}) into ${path.dirname(cachedCliPath())}. Or set TEMPORAL_CLI_PATH to a Temporal CLI ` +
        'executable (https://github.com/temporalio/cli/releases), or TEMPORAL_ADDRESS to a running Temporal server.',
    );
    this.name = 'TemporalCliUnavailable';
    // The paragraph is the whole message; a stack trace would only bury it.
    this.stack = this.message;
  }
}

/** Built once per machine, outside any clone, keyed by version. */
export function cachedCliPath(version = TEMPORAL_CLI_VERSION): string {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache');
  return path.join(cacheRoot, 'monthend', 'temporal-cli', version, 'temporal');
}

/**
 * Where to find a Temporal CLI executable, in the documented order: `TEMPORAL_CLI_PATH`, `temporal`
 * on PATH, then this project's cached build. Undefined means "let the SDK download its own".
 */
export async function findTemporalCli(): Promise<string | undefined> {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!(await isExecutable(explicit)))
      throw new TemporalCliUnavailable(`TEMPORAL_CLI_PATH=${explicit} is not an executable file.`);
    return explicit;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, 'temporal')))) return path.join(dir, 'temporal');
  }
  const cached = cachedCliPath();
  return (await isExecutable(cached)) ? cached : undefined;
}

/**
 * The CLI to run, or undefined for the SDK's own download. When none is found and the download
 * host does not answer within a few seconds, the Go build runs now rather than after the SDK's
 * download has failed: offline, that failure is slow and says nothing useful.
 */
export async function obtainTemporalCli(
  log: (line: string) => void = console.log,
): Promise<string | undefined> {
  const found = await findTemporalCli();
  if (found) return found;
  if (await reachable(DOWNLOAD_HOST, 443, 3000)) return undefined;
  log(`${DOWNLOAD_HOST} cannot be reached: building the Temporal CLI from the Go module proxy instead`);
  return buildTemporalCli(log);
}

/**
 * `go install` into the cache directory, once per machine: a lock file keeps two processes (two
 * test runs, `npm start` beside `npm test`) from building at once; the other waits for the binary.
 */
export async function buildTemporalCli(log: (line: string) => void = console.log): Promise<string> {
  const target = cachedCliPath();
  if (await isExecutable(target)) return target;
  if (!(await goAvailable())) {
    throw new TemporalCliUnavailable(
      `no Temporal CLI is installed, ${DOWNLOAD_HOST} cannot be reached (or its download failed), and Go is not installed to build one.`,
    );
  }
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true });
  const lock = path.join(dir, 'build.lock');
  for (;;) {
    const held = await tryLock(lock);
    if (held) {
      try {
        // Another process may have finished between our check and taking the lock.
        if (!(await isExecutable(target))) await goInstall(dir, target, log);
        return target;
      } finally {
        await held.release();
      }
    }
    log(
      `another process is building the Temporal CLI (${await readFile(lock, 'utf8').catch(() => '?')}); waiting`,
    );
    while ((await lockHolderAlive(lock)) && !(await isExecutable(target))) await sleep(2000);
    if (await isExecutable(target)) return target;
  }
}

async function goInstall(dir: string, target: string, log: (line: string) => void) {
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`.padStart(5);
  log(
    `building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install: ${BUILD_ESTIMATE}, once per machine`,
  );
  // Built beside the target and renamed in one step, so an interrupted build leaves no half binary.
  const gobin = await mkdtemp(path.join(dir, 'build-'));
  try {
    const child = spawn('go', ['install', '-v', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    let packages = 0;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (!line.startsWith('go: ')) packages += 1;
        log(`  [${elapsed()}] ${line.startsWith('go: ') ? line : `compiled ${packages}: ${line}`}`);
      });
    }
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) {
      throw new TemporalCliUnavailable(
        `building the Temporal CLI with Go failed (exit ${code}); its last lines were:\n${tail.join('\n')}\n`,
      );
    }
    await rename(path.join(gobin, 'temporal'), target);
    log(`Temporal CLI built in ${elapsed().trim()} and cached at ${target}`);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

/** The lock, or undefined when a live process holds it; a lock left by a dead process is taken over. */
async function tryLock(lock: string): Promise<{ release(): Promise<void> } | undefined> {
  try {
    const handle = await open(lock, 'wx');
    await handle.writeFile(`pid ${process.pid} since ${new Date().toISOString()}`);
    await handle.close();
    return { release: () => rm(lock, { force: true }) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (await lockHolderAlive(lock)) return undefined;
    await rm(lock, { force: true });
    return tryLock(lock);
  }
}

async function lockHolderAlive(lock: string): Promise<boolean> {
  const [content, info] = await Promise.all([
    readFile(lock, 'utf8').catch(() => undefined),
    stat(lock).catch(() => undefined),
  ]);
  if (content === undefined || !info) return false;
  if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return false;
  const pid = Number(/^pid (\d+)/.exec(content)?.[1]);
  if (!pid) return true; // being written just now
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function goAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('go', ['version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}

/** Whether a TCP connection opens within `ms`: DNS failure and silence both count as no. */
export function reachable(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
