import { databaseUrlFromEnv } from './connection.js';
import { migrateDatabase } from './migrate.js';

await migrateDatabase(databaseUrlFromEnv());
console.log('migrations applied');
