import type { Client } from '@temporalio/client';
import type { RequestIdVariables } from 'hono/request-id';
import type { Connection } from '../db/connection.js';
import type { PeriodCloses } from '../workflows/client.js';

export type Role = 'admin' | 'finance' | 'operator' | 'customer';

/** Who is calling: one token of one tenant; a customer token also names the customer it may see. */
export interface Principal {
  tokenId: number;
  tenantId: string;
  role: Role;
  /** Set for `customer` tokens: this customer and, for a reseller, its whole subtree. */
  customerId?: number;
  /** The token's name, recorded as the actor of everything done with it. */
  name: string;
}

/** What every handler can reach through `c.var`: set once per app, never a global. */
export interface ApiDependencies {
  db: Connection['db'];
  sql: Connection['sql'];
  temporal: Client;
  closes: PeriodCloses;
}

export interface AppEnv {
  Variables: RequestIdVariables & { deps: ApiDependencies; principal: Principal };
}
