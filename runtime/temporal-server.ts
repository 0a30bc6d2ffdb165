import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../workflows/shared.js';
import { buildTemporalCli, obtainTemporalCli } from './temporal-cli.js';

export interface RunningTemporal {
  address: string;
  namespace: string;
  /** The Web UI, when this process started the server with one. */
  uiUrl?: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** SQLite file keeping the server's state across restarts; in-memory when absent. */
  dbFilename?: string;
  port?: number;
  uiPort?: number;
  ui?: boolean;
  /** Where the progress of a Go build of the CLI goes; the console by default. */
  log?: (line: string) => void;
}

/**
 * `TEMPORAL_ADDRESS` when set (an existing server). Otherwise a dev server started through the SDK:
 * from `TEMPORAL_CLI_PATH`, `temporal` on PATH or the cached build as an existing-path executable,
 * else the SDK's own download, else (download host unreachable, or the download failed) the Go build.
 */
export async function startTemporal(options: DevServerOptions = {}): Promise<RunningTemporal> {
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    await ensureSearchAttributes(external, namespace);
    return { address: external, namespace, stop: async () => {} };
  }

  const cli = await obtainTemporalCli(options.log);
  const start = (executable: string | undefined) =>
    TestWorkflowEnvironment.createLocal({ server: serverOptions(executable, namespace, options) });
  let env: TestWorkflowEnvironment;
  try {
    env = await start(cli);
  } catch (error) {
    // The host answered but the download failed (a proxy, a missing release): build instead.
    if (cli || !/download/i.test(String(error))) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    (options.log ?? console.log)(
      `the SDK could not download the Temporal CLI (${reason}): building it instead`,
    );
    env = await start(await buildTemporalCli(options.log));
  }
  const uiPort = options.uiPort ?? (options.ui ? Number(env.address.split(':').at(-1)) + 1000 : undefined);
  return {
    address: env.address,
    namespace,
    ...(uiPort ? { uiUrl: `http://127.0.0.1:${uiPort}` } : {}),
    stop: () => env.teardown(),
  };
}

function serverOptions(cli: string | undefined, namespace: string, options: DevServerOptions) {
  return {
    executable: cli ? { type: 'existing-path' as const, path: cli } : { type: 'cached-download' as const },
    ip: '127.0.0.1',
    namespace,
    ...(options.port ? { port: options.port } : {}),
    ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
    ui: options.ui ?? false,
    ...(options.uiPort ? { uiPort: options.uiPort } : {}),
    searchAttributes: SEARCH_ATTRIBUTES,
    log: { format: 'pretty', level: 'error' },
  };
}

/** Registers the custom search attributes on a server this process did not start; idempotent. */
export async function ensureSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = SEARCH_ATTRIBUTES.filter((key) => !(key.name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType.KEYWORD])),
    });
  } finally {
    await connection.close();
  }
}

// temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
const indexedValueType = { KEYWORD: 2 } as const;
