import type postgres from 'postgres';

export interface StoredExportRow {
  id: number;
  revision: number;
  format: 'xlsx' | 'csv';
  sha256: string;
  bytes: number;
  createdAt: string;
}

const createdAt = 'to_char(e.created_at at time zone \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS"Z"\')';

/** The stored exports of a period's approved revisions (all, or revision `n`), newest revision first. */
export function storedExports(sql: postgres.Sql, tenantId: string, startDate: string, revision?: number) {
  return sql<StoredExportRow[]>`
    select e.id, p.revision, e.format, e.sha256, e.bytes, ${sql.unsafe(createdAt)} as "createdAt"
    from exports e
    join periods p on p.id = e.period_id and p.tenant_id = e.tenant_id
    where e.tenant_id = ${tenantId} and p.start_date = ${startDate}
      and p.status in ('approved', 'exported')
      ${revision === undefined ? sql`` : sql`and p.revision = ${revision}`}
    order by p.revision desc, e.format`;
}

export interface StoredExportFile {
  id: number;
  format: 'xlsx' | 'csv';
  path: string;
  sha256: string;
  bytes: number;
  startDate: string;
  endDate: string;
  revision: number;
}

/** One stored export of the tenant, with where its file is and what it must hash to. */
export async function storedExportFile(
  sql: postgres.Sql,
  tenantId: string,
  id: number,
): Promise<StoredExportFile | undefined> {
  const [row] = await sql<StoredExportFile[]>`
    select e.id, e.format, e.path, e.sha256, e.bytes, p.start_date::text as "startDate",
           p.end_date::text as "endDate", p.revision
    from exports e join periods p on p.id = e.period_id and p.tenant_id = e.tenant_id
    where e.tenant_id = ${tenantId} and e.id = ${id}`;
  return row;
}
