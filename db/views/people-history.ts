import type postgres from 'postgres';

/** A customer's or user's names over time, and a user's items month by month ("who uses what"). */

export interface NameChange {
  name: string;
  validFrom: string;
  actor: string;
  changeId: number | null;
}

const utc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** Every name the subject had, oldest first, with who set it. The caller has checked the scope. */
export function nameHistory(sql: postgres.Sql, tenantId: string, subject: 'customer' | 'user', id: number) {
  return sql<NameChange[]>`
    select name, ${sql.unsafe(utc('valid_from'))} as "validFrom", actor, change_id as "changeId"
    from name_history
    where tenant_id = ${tenantId} and subject = ${subject} and subject_id = ${id}
    order by valid_from, id`;
}

/** The user with this ref, when it belongs to a customer the scope may see. */
export async function userInScope(
  sql: postgres.Sql,
  scope: { tenantId: string; customerId?: number },
  ref: string,
): Promise<{ id: number; name: string } | undefined> {
  const [row] = await sql<{ id: number; name: string }[]>`
    with recursive scope as (
      select id from customers where tenant_id = ${scope.tenantId}
        ${scope.customerId === undefined ? sql`` : sql`and id = ${scope.customerId}`}
      ${
        scope.customerId === undefined
          ? sql``
          : sql`union all
      select c.id from customers c join scope s on c.parent_id = s.id where c.tenant_id = ${scope.tenantId}`
      }
    )
    select u.id, u.name from users u join scope s on s.id = u.customer_id
    where u.tenant_id = ${scope.tenantId} and u.ref = ${ref}`;
  return row;
}

export interface UserMonthItem {
  month: string;
  startDate: string;
  endDate: string;
  revision: number;
  status: string;
  itemId: number;
  customerName: string;
  userName: string | null;
  sku: string | null;
  vendor: string | null;
  service: string;
  product: string;
  elementKind: string;
  elementName: string;
  activeFrom: string;
  activeTo: string;
  daysActive: number;
  quantity: string;
  amount: string;
  billable: boolean;
  ruleName: string | null;
  adjusts: string | null;
}

/**
 * The user's items in the current revision of every period ending in [from, to] (YYYY-MM), each
 * period's customer checked against a customer token's subtree as it stood in that period.
 */
export function userItemsByMonth(
  sql: postgres.Sql,
  scope: { tenantId: string; customerId?: number },
  userId: number,
  from: string,
  to: string,
) {
  return sql<UserMonthItem[]>`
    select to_char(p.end_date, 'YYYY-MM') as month, p.start_date::text as "startDate", p.end_date::text as "endDate",
           p.revision, p.status, i.id as "itemId", i.customer_name as "customerName", i.user_name as "userName",
           i.sku_code as sku, i.vendor, i.service, i.product, i.kind as "elementKind",
           case when i.kind in ('plan', 'usage') then i.product else coalesce(e.ref, i.product) end as "elementName",
           i.active_from::text as "activeFrom", i.active_to::text as "activeTo", i.days_active as "daysActive",
           i.quantity::text as quantity, i.amount::text as amount, i.billable, r.name as "ruleName",
           a.end_date::text as adjusts
    from periods p
    join items i on i.period_id = p.id and i.tenant_id = p.tenant_id and i.user_id = ${userId}
    join period_customers pc on pc.period_id = i.period_id and pc.customer_id = i.customer_id
    left join elements e on e.id = i.element_id and e.tenant_id = i.tenant_id
    left join rules r on r.id = i.rule_id and r.tenant_id = i.tenant_id
    left join periods a on a.id = i.adjusts_period_id and a.tenant_id = i.tenant_id
    where p.tenant_id = ${scope.tenantId} and p.superseded_at is null
      and to_char(p.end_date, 'YYYY-MM') between ${from} and ${to}
      ${
        scope.customerId === undefined
          ? sql``
          : sql`and (pc.customer_id = ${scope.customerId} or ${scope.customerId} = any(pc.ancestor_ids))`
      }
    order by p.start_date, i.id`;
}
