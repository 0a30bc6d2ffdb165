// Production API entry: configured by environment variables only (see README).
import { connect, databaseUrlFromEnv } from '../db/connection.js';
import { migrateDatabase } from '../db/migrate.js';
import { serveApi } from './serve.js';

const databaseUrl = databaseUrlFromEnv();
await migrateDatabase(databaseUrl);
const database = connect(databaseUrl);
const api = await serveApi({
  database,
  temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST ?? '0.0.0.0',
});
console.log(`Monthend API on ${api.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await api.stop();
    await database.close();
    process.exit(0);
  });
}
