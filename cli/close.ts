// `npm run close -- --tenant T --period YYYY-MM-DD`: starts a period's close and shows its progress
// live until it waits for finance (or has finished).
import { parseArgs } from 'node:util';
import { Client, Connection as TemporalConnection } from '@temporalio/client';
import { connect } from '../db/connection.js';
import { periodHolding } from '../db/views/periods.js';
import { PeriodCloses } from '../workflows/client.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    period: { type: 'string' },
    'remind-after': { type: 'string' },
  },
});
if (!values.tenant || !values.period) {
  console.error('usage: npm run close -- --tenant <tenant id> --period <any date of the period, YYYY-MM-DD>');
  process.exit(2);
}

// The same defaults as `npm start`: its embedded PostgreSQL and dev server.
const database = connect(process.env.DATABASE_URL ?? 'postgres://monthend:monthend@127.0.0.1:5433/monthend', {
  max: 1,
});
const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
const uiBase = process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
try {
  const period = await periodHolding(database.sql, values.tenant, values.period);
  if (!period) throw new Error(`tenant '${values.tenant}' does not exist or has no period configuration`);
  const connection = await TemporalConnection.connect({ address });
  const closes = new PeriodCloses(new Client({ connection, namespace }), database.sql);
  const ref = { tenantId: values.tenant, periodEnd: period.end };
  const { workflowId } = await closes.start({
    ...ref,
    ...(values['remind-after'] ? { remindAfter: values['remind-after'] } : {}),
  });
  console.log(`closing ${period.start}..${period.end} of ${values.tenant}`);
  console.log(`Temporal UI: ${uiBase}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`);
  let shown = '';
  for (;;) {
    const progress = await closes.progress(ref).catch(() => undefined);
    const line = progress
      ? `${progress.stage}${progress.shardsTotal ? ` (shards ${progress.shardsDone}/${progress.shardsTotal})` : ''}`
      : 'starting';
    if (line !== shown) {
      shown = line;
      console.log(`  ${new Date().toISOString().slice(11, 19)}  ${line}`);
    }
    if (progress?.stage === 'awaiting_approval' || progress?.stage === 'exported') {
      if (progress.totals) console.log(`  ${progress.totals.items} items, total ${progress.totals.total}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await connection.close();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}
