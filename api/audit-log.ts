import type { Context } from 'hono';
import type postgres from 'postgres';
import type { AppEnv } from './context.js';

/** Records an edit in the caller's tenant, inside the edit's own transaction, with the request id. */
export async function audit(
  c: Context<AppEnv>,
  tx: postgres.TransactionSql,
  action: string,
  subject: string,
  details: object,
) {
  const { principal } = c.var;
  await tx`
    insert into audit_log (tenant_id, actor, action, subject, details)
    values (${principal.tenantId}, ${principal.name}, ${action}, ${subject},
            ${tx.json({ ...details, requestId: c.get('requestId') } as postgres.JSONValue)})`;
}
