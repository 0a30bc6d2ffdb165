import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createTenant } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('changes');
let operator = '';

const customer = (key: string, ref = 'c1') => ({
  key,
  kind: 'customer.created',
  occurredAt: '2026-01-01T00:00:00Z',
  actor: 'crm',
  customer: ref,
  name: `Customer ${ref}`,
});

async function rowCounts() {
  const [counts] = await sql`
    select (select count(*)::int from change_log where tenant_id = ${tenantId}) as changes,
           (select count(*)::int from customers where tenant_id = ${tenantId}) as customers,
           (select count(*)::int from elements where tenant_id = ${tenantId}) as elements`;
  return counts;
}

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  operator = await api.token(tenantId, 'operator', undefined, 'provisioning-bot');
});

describe('POST /v1/changes', () => {
  it('stores a JSON batch, then reports the same keys as duplicates', async () => {
    const first = await api.call('POST', '/v1/changes', operator, [customer('a'), customer('b', 'c2')]);
    expect(first.status).toBe(200);
    expect(first.json.stored.map((s: { key: string }) => s.key)).toEqual(['a', 'b']);
    expect(first.json.duplicates).toEqual([]);
    const again = await api.call('POST', '/v1/changes', operator, [customer('a')]);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ stored: [], duplicates: [{ index: 0, key: 'a' }], rejected: [] });
    expect(await rowCounts()).toEqual({ changes: 2, customers: 2, elements: 0 });
    const [audit] =
      await sql`select actor, details from audit_log where tenant_id = ${tenantId} and action = 'changes.ingested' order by id limit 1`;
    expect(audit).toMatchObject({ actor: 'provisioning-bot', details: { stored: 2, duplicates: 0 } });
  });

  it('accepts NDJSON', async () => {
    const body = `${JSON.stringify(customer('n1', 'c3'))}\n\n${JSON.stringify(customer('n2', 'c4'))}\n`;
    const response = await api.call('POST', '/v1/changes', operator, body, {
      'content-type': 'application/x-ndjson',
    });
    expect(response.status).toBe(200);
    expect(response.json.stored).toHaveLength(2);
  });

  it('rejects a whole batch with a contradiction, naming entry and field, and stores nothing', async () => {
    const before = await rowCounts();
    const response = await api.call('POST', '/v1/changes', operator, [
      customer('ok-1', 'c9'),
      {
        key: 'bad-1',
        kind: 'instance.removed',
        occurredAt: '2026-01-02T00:00:00Z',
        actor: 'x',
        customer: 'c9',
        service: 'vm',
        instance: 'vm-1',
      },
    ]);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json.title).toBe('Entries rejected');
    expect(response.json.errors).toHaveLength(1);
    expect(response.json.errors[0].field).toBe('[1].instance');
    expect(response.json.errors[0].reason).toContain("instance 'vm-1' is not live");
    expect(await rowCounts()).toEqual(before);
  });

  it('answers 400 for malformed JSON, a non-array body, wrong types and unknown kinds', async () => {
    const before = await rowCounts();
    const malformed = await api.call('POST', '/v1/changes', operator, '[{"key":', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({
      title: 'Invalid request',
      errors: [{ field: 'body', reason: 'Malformed JSON in request body' }],
    });

    const notArray = await api.call('POST', '/v1/changes', operator, { key: 'x' });
    expect(notArray.status).toBe(400);
    expect(notArray.json.errors).toEqual([{ field: 'body', reason: 'expected an array of entries' }]);

    const wrongTypes = await api.call('POST', '/v1/changes', operator, [
      { ...customer('t1', 'c7'), occurredAt: 12 },
    ]);
    expect(wrongTypes.status).toBe(422);
    expect(wrongTypes.json.errors[0].field).toBe('[0].occurredAt');

    const unknownKind = await api.call('POST', '/v1/changes', operator, [
      { ...customer('t2', 'c8'), kind: 'seat.added' },
    ]);
    expect(unknownKind.status).toBe(422);
    expect(unknownKind.json.errors[0].field).toBe('[0].kind');
    expect(await rowCounts()).toEqual(before);
  });

  it('answers 413 with the limit for more than 10,000 entries, storing nothing', async () => {
    const before = await rowCounts();
    const batch = Array.from({ length: 10_001 }, (_, i) => customer(`big-${i}`, `big-${i}`));
    const response = await api.call('POST', '/v1/changes', operator, batch);
    expect(response.status).toBe(413);
    expect(response.json.detail).toBe('a batch may hold at most 10000 entries; this one has 10001');
    expect(await rowCounts()).toEqual(before);
  });

  it('answers 413 for a body over 16 MiB', async () => {
    const response = await api.call('POST', '/v1/changes', operator, `[${'"x",'.repeat(4_300_000)}"x"]`, {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(413);
    expect(response.json.detail).toBe('a request body may be at most 16777216 bytes');
  });

  it('is for operators and admins only', async () => {
    const finance = await api.call('POST', '/v1/changes', await api.token(tenantId, 'finance'), [
      customer('f1', 'f1'),
    ]);
    expect(finance.status).toBe(403);
    const nobody = await api.call('POST', '/v1/changes', undefined, [customer('f2', 'f2')]);
    expect(nobody.status).toBe(401);
    expect(nobody.headers.get('www-authenticate')).toContain('Bearer');
  });
});
