import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { nceHeader, nceLine } from '../../bench/recon-file.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

/**
 * POST /v1/vendor-invoices with RFC 9530's Content-Digest: a file imported before is recognised by
 * the digest and only hashed, never parsed (no import is even begun), and a body that does not hash
 * to the stated digest is refused.
 */
const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('digest');
let finance = '';

const seat = (n: number) =>
  nceLine({
    customerId: `00000000-0000-4000-8000-00000000000${n}`,
    customerName: `Customer ${n}`,
    domain: `customer${n}.onmicrosoft.com`,
    productId: 'CFQ7TTC0LCHC',
    skuId: '0002',
    skuName: 'Microsoft 365 Business Premium',
    chargeStart: '10/1/2026',
    chargeEnd: '10/31/2026',
    chargeType: 'Renew',
    quantity: '1',
    unitPrice: '10.00',
    subtotal: '10.00',
  });
const october = nceHeader + seat(1) + seat(2);
const november = nceHeader + seat(3);
const digest = (body: string) => `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
const post = (body: string, headers: Record<string, string> = {}) =>
  api.call('POST', '/v1/vendor-invoices', finance, body, { 'content-type': 'text/csv', ...headers });
/** Every import begun takes an id, even one rolled back: an unchanged sequence means none was begun. */
const idsTaken = async () => {
  const [row] = await sql<{ taken: string }[]>`
    select coalesce(last_value, 0)::text as taken from pg_sequences where sequencename = 'vendor_imports_id_seq'`;
  return row?.taken;
};

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  finance = await api.token(tenantId, 'finance');
});

describe('POST /v1/vendor-invoices with Content-Digest', () => {
  let first: { id: number; sha256: string } = { id: 0, sha256: '' };

  it('imports a new file whose body hashes to the stated digest', async () => {
    const response = await post(october, { 'content-digest': digest(october) });
    expect([response.status, response.json.lineCount]).toEqual([201, 2]);
    first = response.json;
    expect(first.sha256).toBe(createHash('sha256').update(october).digest('hex'));
  });

  it('recognises the same file again by its digest, without beginning an import', async () => {
    const before = await idsTaken();
    const again = await post(october, { 'content-digest': digest(october) });
    expect([again.status, again.json]).toEqual([200, first]);
    expect(await idsTaken()).toBe(before);
    // Without the header the repeat is still found, but only at the end of a parse: an id is spent.
    const unstated = await post(october);
    expect([unstated.status, unstated.json]).toEqual([200, first]);
    expect(await idsTaken()).not.toBe(before);
  });

  it('refuses a body that does not hash to the stated digest, new or known, storing nothing', async () => {
    const imports = async () =>
      (await sql`select count(*)::int as n from vendor_imports where tenant_id = ${tenantId}`)[0]?.n;
    const before = await imports();
    const forNew = await post(november, { 'content-digest': digest(`${november}\n`) });
    const knownDigest = await post(november, { 'content-digest': digest(october) });
    for (const [response, stated] of [
      [forNew, `${november}\n`],
      [knownDigest, october],
    ] as const) {
      expect([response.status, response.json.errors]).toEqual([
        400,
        [
          {
            field: 'content-digest',
            reason: `the body's SHA-256 is ${createHash('sha256').update(november).digest('hex')}, not the ${createHash('sha256').update(stated).digest('hex')} stated: nothing was imported`,
          },
        ],
      ]);
    }
    expect(await imports()).toBe(before);
  });

  it('refuses a malformed sha-256 digest and ignores other algorithms', async () => {
    for (const header of [
      'sha-256=:abc:',
      'sha-256=deadbeef',
      `sha-256=:${Buffer.alloc(31).toString('base64')}:`,
    ]) {
      const response = await post(november, { 'content-digest': header });
      expect([response.status, response.json.errors]).toEqual([
        400,
        [
          {
            field: 'content-digest',
            reason: 'sha-256 must be 32 bytes in base64 between colons, as in sha-256=:<base64>:',
          },
        ],
      ]);
    }
    const other = await post(november, { 'content-digest': 'sha-512=:AAAA:' });
    expect([other.status, other.json.lineCount]).toEqual([201, 1]);
  });
});
