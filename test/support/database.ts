import { randomUUID } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { type Connection, connect } from '../../db/connection.js';
import { migrateDatabase } from '../../db/migrate.js';
import { ensureDatabase } from '../../runtime/postgres.js';

/**
 * A migrated database of its own for the calling test file, dropped with the file's connection
 * at the end. Call it at the top level of a test file or in beforeAll.
 */
export async function freshDatabase(): Promise<Connection & { url: string }> {
  const name = `monthend_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const url = await ensureDatabase(inject('postgresServerUrl'), name);
  await migrateDatabase(url);
  const connection = connect(url, { max: 4 });
  afterAll(() => connection.close());
  return { ...connection, url };
}
