import { createApp } from '../../api/app.js';
import type { Role } from '../../api/context.js';
import { createToken } from '../../api/routes/tokens.js';
import type { Connection } from '../../db/connection.js';
import { PeriodCloses } from '../../workflows/client.js';
import type { temporalForTests } from './temporal.js';

/**
 * The Hono app over the test file's database and the run's Temporal server, called through
 * `app.request()` with no socket, and a way to mint tokens for any role.
 */
export function apiForTests(database: Connection, temporal: Awaited<ReturnType<typeof temporalForTests>>) {
  const app = createApp({
    db: database.db,
    sql: database.sql,
    temporal: temporal.client,
    closes: new PeriodCloses(temporal.client, database.sql, { taskQueue: temporal.taskQueue }),
  });
  return {
    app,
    async token(tenantId: string, role: Role, customerId?: number, name = `${role}@test`): Promise<string> {
      const created = await createToken(database.sql, {
        tenantId,
        name,
        role,
        ...(customerId === undefined ? {} : { customerId }),
        createdBy: 'test',
      });
      return created.secret;
    },
    /** A request with the token as bearer and the body as JSON (strings are sent as they are). */
    async call(
      method: string,
      path: string,
      token?: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) {
      const response = await app.request(path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return {
        status: response.status,
        headers: response.headers,
        text,
        // biome-ignore lint/suspicious/noExplicitAny: tests read answers by path and assert their exact shape.
        json: json as any,
      };
    },
  };
}
