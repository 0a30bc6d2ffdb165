import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type postgres from 'postgres';
import { writeServiceDetailCsv } from '../exports/csv.js';
import { workbookContext, writePeriodWorkbook } from '../exports/workbook.js';
import { badData } from './errors.js';
import { loadPeriod } from './period-context.js';

export interface StoredExport {
  format: 'xlsx' | 'csv';
  path: string;
  sha256: string;
  bytes: number;
}

/** Where exports are kept: EXPORT_DIR, or `.monthend/exports` beside the embedded data. */
export function exportDirectory(): string {
  return path.resolve(
    process.env.EXPORT_DIR ?? path.join(process.env.MONTHEND_HOME ?? '.monthend', 'exports'),
  );
}

/**
 * Writes the approved period's workbook and CSV to durable storage, each through a temporary file
 * renamed into place (a crash never leaves half a file under the real name), and records each
 * with its SHA-256. A retry rewrites the files and updates the same rows.
 */
export async function exportPeriod(sql: postgres.Sql, input: { periodId: number }): Promise<StoredExport[]> {
  const period = await loadPeriod(sql, input.periodId);
  if (period.status !== 'approved' && period.status !== 'exported') {
    throw badData(`period ${input.periodId} is ${period.status}: only approved periods are exported`);
  }
  const [revision] = await sql<{ currency: string; revision: number; approvedAt: Date | null }[]>`
    select t.currency, p.revision, p.approved_at as "approvedAt"
    from periods p join tenants t on t.id = p.tenant_id
    where p.id = ${period.periodId} and p.tenant_id = ${period.tenantId}`;
  if (revision === undefined) throw badData(`period ${input.periodId} is gone`);
  const directory = path.join(exportDirectory(), period.tenantId);
  await mkdir(directory, { recursive: true });
  const base = `${period.startDate}_${period.endDate}_r${period.revision}`;
  const scope = { tenantId: period.tenantId, periodId: period.periodId };

  const stored: StoredExport[] = [];
  for (const format of ['xlsx', 'csv'] as const) {
    const target = path.join(directory, `${base}.${format}`);
    const temporary = `${target}.partial`;
    const out = createWriteStream(temporary);
    if (format === 'xlsx') {
      // The same context as a live download, so an approved period's live workbook hashes alike.
      const context = workbookContext({ ...period, ...revision, status: period.status });
      await writePeriodWorkbook(sql, scope, context, out);
    } else {
      await writeServiceDetailCsv(sql, scope, out);
      out.end();
    }
    await finished(out);
    await rename(temporary, target);
    const file = { format, path: target, sha256: await sha256(target), bytes: (await stat(target)).size };
    await sql`
      insert into exports (tenant_id, period_id, format, path, sha256, bytes)
      values (${period.tenantId}, ${period.periodId}, ${format}, ${file.path}, ${file.sha256}, ${file.bytes})
      on conflict (period_id, format) do update
        set path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes, created_at = now()`;
    stored.push(file);
  }
  return stored;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
