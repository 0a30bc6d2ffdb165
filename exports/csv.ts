import type { Writable } from 'node:stream';
import type postgres from 'postgres';
import type { ViewScope } from '../db/views/scope.js';
import { serviceDetailColumns, serviceDetailQuery } from '../db/views/service-detail.js';

/** Service Detail as RFC 4180 CSV, streamed through a cursor; amounts stay exact decimal strings. */
export async function writeServiceDetailCsv(
  sql: postgres.Sql,
  scope: ViewScope,
  stream: Writable,
): Promise<void> {
  await write(stream, `${serviceDetailColumns.join(',')}\r\n`);
  for await (const rows of serviceDetailQuery(sql, scope).cursor(2000)) {
    const lines = rows.map((row) => serviceDetailColumns.map((column) => csvField(row[column])).join(','));
    await write(stream, `${lines.join('\r\n')}\r\n`);
  }
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function write(stream: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(chunk)) resolve();
    else stream.once('drain', resolve).once('error', reject);
  });
}
