import type { Client } from '@temporalio/client';
import type { RequestIdVariables } from 'hono/request-id';
import type { Connection } from '../db/connection.js';

/** What every handler can reach through `c.var`: set once per app, never a global. */
export interface ApiDependencies {
  db: Connection['db'];
  sql: Connection['sql'];
  temporal: Client;
}

export interface AppEnv {
  Variables: RequestIdVariables & { deps: ApiDependencies };
}
