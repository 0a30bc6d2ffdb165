import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Each case runs in a child process with its own PATH and cache, as a fresh machine would.
const scratch = await mkdtemp(path.join(tmpdir(), 'monthend-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A `go` that builds a fake `temporal` in two seconds, counting its builds. */
async function fakeGo(dir: string) {
  const go = path.join(dir, 'bin', 'go');
  await execFileText('mkdir', ['-p', path.dirname(go)]);
  await writeFile(
    go,
    `#!/bin/sh
if [ "$1" = version ]; then echo "go version go1.26 fake"; exit 0; fi
echo build >> "${dir}/builds"
echo "go: downloading github.com/temporalio/cli v1.5.1" >&2
sleep 2
echo "github.com/temporalio/cli/cmd/temporal" >&2
printf '#!/bin/sh\\necho fake temporal\\n' > "$GOBIN/temporal"
chmod +x "$GOBIN/temporal"
`,
  );
  await chmod(go, 0o755);
  return path.dirname(go);
}

async function execFileText(file: string, args: string[], env?: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let scripts = 0;
/** Runs `script` (ESM, the runtime modules imported as `cli` and `server`) under tsx with a bare environment. */
async function run(script: string, env: Record<string, string>) {
  const file = path.join(scratch, `script-${++scripts}.mts`);
  await writeFile(
    file,
    `const cli = await import(${JSON.stringify(path.resolve('runtime/temporal-cli.ts'))});
const server = await import(${JSON.stringify(path.resolve('runtime/temporal-server.ts'))});
${script}`,
  );
  return execFileText(path.resolve('node_modules/.bin/tsx'), [file], {
    HOME: process.env.HOME ?? '/root',
    PATH: `${env.EXTRA_PATH ?? ''}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
    ...env,
  });
}

describe('obtaining the Temporal CLI on a machine that cannot download it', () => {
  it('without Go: one paragraph saying what to do, no stack trace', async () => {
    const cache = path.join(scratch, 'no-go');
    const result = await run(
      `try { await cli.obtainTemporalCli(console.log, 'unreachable.invalid'); } catch (e) { console.error(e.stack); process.exit(1); }`,
      { XDG_CACHE_HOME: cache },
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Monthend needs a Temporal dev server and cannot get one: no Temporal CLI is installed, temporal.download ' +
        'cannot be reached (or its download failed), and Go is not installed to build one. Install Go ' +
        '(https://go.dev/dl/, 1.22 or newer) and run the command again: it builds the Temporal CLI once (about 3 ' +
        `minutes on 2 quiet cores, up to 8 on a busy machine) into ${cache}/monthend/temporal-cli/v1.5.1. Or set ` +
        'TEMPORAL_CLI_PATH to a Temporal CLI executable (https://github.com/temporalio/cli/releases), or ' +
        'TEMPORAL_ADDRESS to a running Temporal server.',
    );
  });

  it('a TEMPORAL_CLI_PATH that is not executable is named in the same paragraph', async () => {
    const result = await run(
      `try { await server.startTemporal(); } catch (e) { console.error(e.stack); process.exit(1); }`,
      { XDG_CACHE_HOME: path.join(scratch, 'bad-path'), TEMPORAL_CLI_PATH: '/nowhere/temporal' },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Monthend needs a Temporal dev server and cannot get one: TEMPORAL_CLI_PATH=\/nowhere\/temporal is not an executable file\. Install Go/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('with Go: builds once with progress, while a second process waits on the lock and uses the same binary', async () => {
    const dir = path.join(scratch, 'go');
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache'), EXTRA_PATH: await fakeGo(dir) };
    const obtain = `console.log('->', await cli.obtainTemporalCli(console.log, 'unreachable.invalid'));`;
    const [first, second] = await Promise.all([run(obtain, env), run(obtain, env)]);
    const target = path.join(dir, 'cache/monthend/temporal-cli/v1.5.1/temporal');
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.stdout.trim().split('\n').at(-1)).toBe(`-> ${target}`);
    expect(second.stdout.trim().split('\n').at(-1)).toBe(`-> ${target}`);
    expect(await readFile(path.join(dir, 'builds'), 'utf8')).toBe('build\n');
    const output = [first.stdout, second.stdout].join('\n');
    expect(output).toMatch(/another process is building the Temporal CLI \(pid \d+ since [^)]+\); waiting/);
    expect(output).toContain(
      'building the Temporal CLI v1.5.1 with go install: about 3 minutes on 2 quiet cores',
    );
    expect(output).toMatch(/\[ {3}\ds\] go: downloading github.com\/temporalio\/cli v1.5.1/);
    expect(output).toMatch(/\[ {3}\ds\] compiled 1: github.com\/temporalio\/cli\/cmd\/temporal/);
    expect(output).toMatch(/Temporal CLI built in \ds and cached at /);
    expect((await execFileText(target, [])).stdout).toBe('fake temporal\n');
    // Found in the cache from now on: no second build, no lock left behind.
    const again = await run(obtain, env);
    expect(again.stdout.trim()).toBe(`-> ${target}`);
    expect(await readFile(path.join(dir, 'builds'), 'utf8')).toBe('build\n');
  });
});
