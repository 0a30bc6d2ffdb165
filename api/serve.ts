import { type ServerType, serve } from '@hono/node-server';
import { Client, Connection as TemporalConnection } from '@temporalio/client';
import type { Connection } from '../db/connection.js';
import { PeriodCloses } from '../workflows/client.js';
import { createApp } from './app.js';

/**
 * The longest URL the schemas allow (OData options of thousands of characters, percent-encoded)
 * must reach the validators for a 400, not stop at Node's 16 KiB header limit with a 431.
 */
export const serverOptions = { maxHeaderSize: 256 * 1024 };

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** Serves the API on `port`, with its own Temporal client; used by `npm run api` and `npm start`. */
export async function serveApi(options: {
  database: Connection;
  temporalAddress: string;
  namespace: string;
  port: number;
  hostname?: string;
}): Promise<RunningApi> {
  const connection = await TemporalConnection.connect({ address: options.temporalAddress });
  const temporal = new Client({ connection, namespace: options.namespace });
  const app = createApp({
    db: options.database.db,
    sql: options.database.sql,
    temporal,
    closes: new PeriodCloses(temporal, options.database.sql),
  });
  const hostname = options.hostname ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname, serverOptions }, () => resolve(s));
  });
  return {
    url: `http://${hostname}:${options.port}`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
    },
  };
}
