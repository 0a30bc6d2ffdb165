import { execFile } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The Temporal CLI carries the dev server and its Web UI. Machines without internet access to
 * Temporal's downloads build it from the Go module proxy instead; v1.5.1 is the newest tag whose
 * go.mod has no replace directive, which `go install pkg@version` refuses.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

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
      throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    return explicit;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, 'temporal')))) return path.join(dir, 'temporal');
  }
  const cached = cachedCliPath();
  return (await isExecutable(cached)) ? cached : undefined;
}

/** `go install` into the cache directory; a no-op when the binary is already there. */
export async function buildTemporalCli(log: (line: string) => void = console.log): Promise<string> {
  const target = cachedCliPath();
  if (await isExecutable(target)) return target;
  const gobin = path.dirname(target);
  await mkdir(gobin, { recursive: true });
  log(
    `building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (a few minutes, once per machine)...`,
  );
  await promisify(execFile)('go', ['install', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  log(`Temporal CLI cached at ${target}`);
  return target;
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}
