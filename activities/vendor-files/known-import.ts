import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type postgres from 'postgres';
import { DigestMismatchError, SELECT_IMPORT, type VendorImport } from './import-vendor-file.js';

/**
 * The import of a file sent again, recognised by the SHA-256 its sender stated (a `Content-Digest`):
 * the body is only hashed, to check the statement, never parsed or copied. Undefined when no import
 * has that hash (the body is then left unread for the import); a body hashing otherwise is refused.
 */
export async function importStatedBefore(
  sql: postgres.Sql,
  tenantId: string,
  statedSha256: string,
  body: Readable,
): Promise<VendorImport | undefined> {
  const [known] = (await sql.unsafe(`${SELECT_IMPORT} where tenant_id = $1 and sha256 = $2`, [
    tenantId,
    statedSha256,
  ])) as VendorImport[];
  if (!known) return undefined;
  const actual = await sha256Of(body);
  if (actual !== statedSha256) throw new DigestMismatchError(statedSha256, actual);
  return known;
}

/** The SHA-256 of a whole stream, in hex, reading it once without keeping it. */
async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(stream, async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) hash.update(chunk);
  });
  return hash.digest('hex');
}
