import type { Connection } from '../db/connection.js';
import { type OpenPeriodInput, openPeriod } from './open-period.js';

/**
 * The activities of the period close, bound to one database connection. The worker registers this
 * object; workflows import only its type.
 */
export function createActivities(database: Pick<Connection, 'db' | 'sql'>) {
  const { db } = database;
  return {
    openPeriod: (input: OpenPeriodInput) => openPeriod(db, input),
  };
}

export type Activities = ReturnType<typeof createActivities>;
