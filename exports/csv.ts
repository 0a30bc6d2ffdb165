import type { Writable } from 'node:stream';
import type postgres from 'postgres';
import type { ViewScope } from '../db/views/scope.js';
import { serviceDetailColumns, serviceDetailQuery } from '../db/views/service-detail.js';
import { roomIn } from './workbook.js';

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

/** Writes and waits for the reader when its buffer is full; a closed stream (client gone) rejects. */
function write(stream: Writable, chunk: string): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error('the export stream was closed'));
  stream.write(chunk);
  return roomIn(stream);
}
