import { Hono } from 'hono';
import { tenantConfigProblems } from '../../db/views/tenant.js';
import { tenantFaults } from '../../runtime/tenant-faults.js';
import type { AppEnv } from '../context.js';

/**
 * `GET /health`: the state of the database and of Temporal, 503 when either is down. Tenants that
 * cannot run (a configuration stored before the checks, a schedule this process could not create)
 * are listed and make the status 'degraded' with a 200: the product still serves every other tenant.
 */
export function healthRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const { sql, temporal } = c.var.deps;
    let configProblems: { tenantId: string; reason: string }[] = [];
    const [database, workflowService] = await Promise.all([
      probe(async () => {
        const faults = await tenantConfigProblems(sql);
        configProblems = faults.map(({ tenantId, problem }) => ({ tenantId, reason: problem.message }));
      }),
      probe(async () => {
        await temporal.workflowService.getSystemInfo({});
      }),
    ]);
    const tenants = [
      ...configProblems,
      ...tenantFaults().map(({ tenantId, reason }) => ({ tenantId, reason })),
    ];
    const up = database.up && workflowService.up;
    const status = up && tenants.length === 0 ? 'ok' : 'degraded';
    return c.json(
      {
        status,
        database,
        temporal: workflowService,
        ...(tenants.length > 0 ? { degradedTenants: tenants } : {}),
      },
      up ? 200 : 503,
    );
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
