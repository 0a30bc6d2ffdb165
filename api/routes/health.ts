import { Hono } from 'hono';
import type { AppEnv } from '../context.js';

/** `GET /health`: the state of the database and of Temporal, 503 when either is down. */
export function healthRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const { sql, temporal } = c.var.deps;
    const [database, workflowService] = await Promise.all([
      probe(async () => {
        await sql`select 1`;
      }),
      probe(async () => {
        await temporal.workflowService.getSystemInfo({});
      }),
    ]);
    const up = database.up && workflowService.up;
    return c.json({ status: up ? 'ok' : 'degraded', database, temporal: workflowService }, up ? 200 : 503);
  });
}

async function probe(
  check: () => Promise<void>,
): Promise<{ up: boolean; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    await withTimeout(check(), 3000);
    return { up: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { up: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
