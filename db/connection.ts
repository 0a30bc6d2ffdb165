import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Database = PostgresJsDatabase<typeof schema>;

export interface Connection {
  /** The query builder over the schema, for simple reads and writes. */
  db: Database;
  /** The raw client, for set-based SQL, cursors and COPY. */
  sql: postgres.Sql;
  close(): Promise<void>;
}

const options = (max: number): postgres.Options<Record<string, postgres.PostgresType>> => ({
  max,
  onnotice: () => {},
  // Ids and counts (int8) fit a JS number; numeric (money, prices, quantities) stays a string,
  // so money never passes through a binary float.
  types: {
    int8: {
      to: 20,
      from: [20],
      serialize: (value: number) => String(value),
      parse: (value: string) => Number(value),
    },
  },
});

export function connect(url: string, { max = 10 }: { max?: number } = {}): Connection {
  const sql = postgres(url, options(max));
  // drizzle rewrites its client's date and JSON (de)serialisers for its own mapping, which would
  // break raw queries on a shared client: it gets a small pool of its own.
  const drizzleClient = postgres(url, options(Math.max(2, Math.floor(max / 2))));
  return {
    db: drizzle(drizzleClient, { schema }),
    sql,
    close: async () => {
      await Promise.all([sql.end({ timeout: 5 }), drizzleClient.end({ timeout: 5 })]);
    },
  };
}

export function databaseUrlFromEnv(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  return url;
}
