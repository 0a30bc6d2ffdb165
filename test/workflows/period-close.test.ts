import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { periodConfigs, periods, tenants } from '../../db/schema.js';
import { periodClose } from '../../workflows/period-close.js';
import { freshDatabase } from '../support/database.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const temporal = await temporalForTests();

describe('periodClose on the real dev server', () => {
  it('opens the period in the database through a real activity', async () => {
    await database.db
      .insert(tenants)
      .values({ id: 'acme', name: 'Acme MSP', currency: 'EUR', timeZone: 'Europe/Amsterdam' });
    await database.db.insert(periodConfigs).values({
      tenantId: 'acme',
      effectiveFrom: '2020-01-01',
      mode: 'fixed_day',
      day: 25,
      createdBy: 'test',
    });

    const result = await temporal.withWorker(database, () =>
      temporal.client.workflow.execute(periodClose, {
        taskQueue: temporal.taskQueue,
        workflowId: `close:acme:2026-02-25:${temporal.taskQueue}`,
        args: [{ tenantId: 'acme', periodEnd: '2026-02-25' }],
      }),
    );

    const rows = await database.db.select().from(periods).where(eq(periods.tenantId, 'acme'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: result.periodId,
      startDate: '2026-01-26',
      endDate: '2026-02-25',
      mode: 'fixed_day',
      revision: 1,
      status: 'open',
    });
    // Local midnights in Amsterdam (UTC+1 in winter).
    expect(rows[0]?.startsAt.toISOString()).toBe('2026-01-25T23:00:00.000Z');
    expect(rows[0]?.endsAt.toISOString()).toBe('2026-02-25T23:00:00.000Z');
  });
});
