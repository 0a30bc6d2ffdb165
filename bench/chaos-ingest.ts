import type { ChildProcess } from 'node:child_process';
import postgres from 'postgres';
import {
  adminToken,
  freePort,
  killProcess,
  type Servers,
  say,
  sleep,
  startApiProcess,
} from './chaos-processes.js';
import type { ChangeEntry } from './generate-msp.js';
import { benchTenant } from './msp-catalog.js';

/**
 * Ingestion under fault, through the API as a client would use it: a batch is cut by a killed API
 * process, another by a PostgreSQL restart. Each must be stored wholly or not at all, and a resend
 * must leave it stored exactly once.
 */
export async function ingestionUnderFault(
  servers: Servers,
  databaseUrl: string,
  batches: ChangeEntry[][],
  random: () => number,
) {
  const token = await adminToken(databaseUrl);
  const port = await freePort();
  const env = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  let api: ChildProcess | undefined = await startApiProcess(env);
  const send = async (batch: ChangeEntry[]) => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v1/changes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      const body = (await response.json()) as { stored?: unknown[]; duplicates?: unknown[] };
      return {
        status: response.status,
        stored: body.stored?.length ?? 0,
        duplicates: body.duplicates?.length ?? 0,
      };
    } catch (error) {
      return { status: 0, error: (error as Error).message, stored: 0, duplicates: 0 };
    }
  };

  const scenarios: [string, () => Promise<void>][] = [
    [
      'API process killed with SIGKILL mid-batch',
      async () => {
        if (api) await killProcess(api);
        api = undefined;
      },
    ],
    ['PostgreSQL restarted mid-batch', () => servers.restartPostgres()],
  ];
  const results = [];
  try {
    for (const [index, [name, fault]] of scenarios.entries()) {
      const batch = batches[index] ?? [];
      const keys = batch.map((entry) => entry.key);
      const delayMs = Math.round(100 + 900 * random());
      const first = send(batch);
      await sleep(delayMs);
      await fault();
      const firstOutcome = await first;
      const storedAfterFault = await storedCount(databaseUrl, keys);
      // postgres.js 3.4.9 can throw from a timer when its socket closes under a write (porsager/postgres
      // #1154, #1208): the API process then dies on a PostgreSQL restart and its supervisor starts it again.
      await sleep(500);
      const apiSurvived = api !== undefined && api.exitCode === null && api.signalCode === null;
      if (!apiSurvived) api = await startApiProcess(env);
      // The client's resend: until the API answers 200 (PostgreSQL may still be coming back).
      let resend = await send(batch);
      for (let attempt = 1; resend.status !== 200 && attempt < 20; attempt += 1) {
        await sleep(1000);
        if (api && (api.exitCode !== null || api.signalCode !== null)) api = await startApiProcess(env);
        resend = await send(batch);
      }
      const storedAfterResend = await storedCount(databaseUrl, keys);
      const result = {
        scenario: name,
        entries: batch.length,
        faultAfterMs: delayMs,
        firstAnswer:
          firstOutcome.status === 0 ? `no answer (${firstOutcome.error})` : `HTTP ${firstOutcome.status}`,
        storedAfterFault,
        apiProcessSurvived: apiSurvived,
        resendAnswer: `HTTP ${resend.status}: ${resend.stored} stored, ${resend.duplicates} duplicates`,
        storedAfterResend,
        ok:
          (storedAfterFault === 0 || storedAfterFault === batch.length) &&
          storedAfterResend === batch.length &&
          resend.status === 200 &&
          resend.stored + resend.duplicates === batch.length,
      };
      say(`ingestion: ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    if (api) await killProcess(api);
  }
  return results;
}

/** Rows of the change log holding these keys: 0 or all of them, never some, and never a key twice. */
async function storedCount(databaseUrl: string, keys: string[]): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ rows: number }[]>`
      select count(*)::int as rows from change_log
      where tenant_id = ${benchTenant.id} and idempotency_key = any(${keys})`;
    return row?.rows ?? 0;
  } finally {
    await sql.end();
  }
}
