import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ServiceError } from '@temporalio/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverOptions } from '../../api/serve.js';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

// What a fuzzer found (issue 10): each answer is a documented 4xx naming the field and the reason.
const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('badinput');
let admin = '';
let ruleId = 0;

const invalidRequest = (field: string, reason: string) => ({
  type: 'about:blank',
  title: 'Invalid request',
  status: 400,
  detail: `${field}: ${reason}`,
  errors: [{ field, reason }],
});

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await createSku(sql, tenantId, { code: 'M365-BP', vendor: 'Microsoft', price: '22.00', maps: [] });
  admin = await api.token(tenantId, 'admin', undefined, 'root');
  const rule = await api.call('POST', '/v1/rules', admin, {
    name: 'free trial',
    criteria: { service: 'trial*' },
  });
  expect(rule.status).toBe(201);
  ruleId = rule.json.rule.id;
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2026-01-01T00:00:00Z', customer: 'c1', name: 'Contoso' },
  ]);
});

/** Over a real socket: fetch's Request cannot even express TRACE, which a fuzzer sends. */
async function overSocket(method: string, path: string, token?: string) {
  const server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<{ status: number; allow: string | undefined; json: unknown }>(
      (resolve, reject) => {
        const headers = token ? { authorization: `Bearer ${token}` } : {};
        const request = http.request({ host: '127.0.0.1', port, path, method, headers }, (response) => {
          let text = '';
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              allow: response.headers.allow,
              json: JSON.parse(text),
            }),
          );
        });
        request.on('error', reject);
        request.end();
      },
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Everything a refused request could have stamped: the tenant, SKU and rule rows and the audit log. */
const stamped = async () => ({
  tenant: await sql`select * from tenants where id = ${tenantId}`,
  skus: await sql`select * from skus where tenant_id = ${tenantId}`,
  customers: await sql`select * from customers where tenant_id = ${tenantId}`,
  rules: await sql`select * from rules where tenant_id = ${tenantId}`,
  audit: await sql`select id from audit_log where tenant_id = ${tenantId}`,
});

describe('invalid text', () => {
  it('refuses a NUL byte in a query, a path or a JSON body field with 400, storing nothing', async () => {
    const before = await stamped();
    const query = await api.call('GET', '/v1/periods/2026-01-31/items?customer=a%00b', admin);
    expect([query.status, query.json]).toEqual([
      400,
      expect.objectContaining(invalidRequest('customer', 'contains a NUL character')),
    ]);
    const path = await api.call('GET', '/v1/skus/M365%00', admin);
    expect([path.status, path.json]).toEqual([
      400,
      expect.objectContaining(invalidRequest('path', 'contains a NUL character')),
    ]);
    const body = await api.call('POST', '/v1/skus', admin, {
      code: 'X1',
      vendor: 'Microsoft',
      name: 'nul\u0000name',
      unitPrice: '1.00',
      billingModel: 'recurring',
    });
    expect([body.status, body.json]).toEqual([
      400,
      expect.objectContaining(invalidRequest('name', 'contains a NUL character')),
    ]);
    const nested = await api.call('PATCH', `/v1/rules/${ruleId}`, admin, {
      criteria: { service: 'a\u0000' },
    });
    expect(nested.json.errors).toEqual([{ field: 'criteria.service', reason: 'contains a NUL character' }]);
    expect(await stamped()).toEqual(before);
  });

  it('refuses lone surrogates and invalid UTF-8 wherever they come from', async () => {
    const surrogate = await api.call(
      'PATCH',
      `/v1/rules/${ruleId}`,
      admin,
      '{"name":"half \\ud800 a pair"}',
      {
        'content-type': 'application/json',
      },
    );
    expect([surrogate.status, surrogate.json.errors]).toEqual([
      400,
      [{ field: 'name', reason: 'contains a lone surrogate' }],
    ]);
    const badBytes = await api.call('GET', '/v1/periods/2026-01-31/items?customer=%FF', admin);
    expect([badBytes.status, badBytes.json.errors]).toEqual([
      400,
      [{ field: 'customer', reason: 'not valid UTF-8 percent-encoding' }],
    ]);
    const encodedSurrogate = await api.call('GET', '/v1/skus/%ED%A0%80', admin);
    expect(encodedSurrogate.json.errors).toEqual([
      { field: 'path', reason: 'not valid UTF-8 percent-encoding' },
    ]);
    const rawBody = await api.app.request('/v1/rules', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    });
    expect([rawBody.status, ((await rawBody.json()) as { errors: unknown }).errors]).toEqual([
      400,
      [{ field: 'body', reason: 'not valid UTF-8' }],
    ]);
  });

  it('refuses a NUL escape in an NDJSON change batch, naming its line and field', async () => {
    const batch = `${JSON.stringify({ key: 'k1', kind: 'customer.created', customer: 'c1', name: 'ok' })}\n${JSON.stringify({ key: 'k2', kind: 'customer.created', customer: 'c\u0000', name: 'x' })}\n`;
    const before = await sql`select id from change_log where tenant_id = ${tenantId}`;
    const response = await api.call('POST', '/v1/changes', admin, batch, {
      'content-type': 'application/x-ndjson',
    });
    expect([response.status, response.json.errors]).toEqual([
      400,
      [{ field: 'line 2.customer', reason: 'contains a NUL character' }],
    ]);
    expect(await sql`select id from change_log where tenant_id = ${tenantId}`).toEqual(before);
  });
});

describe('integers out of range', () => {
  it.each(['items', 'service-detail', 'service-summary', 'totals', 'export.xlsx', 'export.csv', 'exports'])(
    'refuses ?revision=3000000000 on %s with 400',
    async (view) => {
      const response = await api.call('GET', `/v1/periods/2026-01-31/${view}?revision=3000000000`, admin);
      expect(response.status).toBe(400);
      expect(response.json.errors).toEqual([
        { field: 'revision', reason: 'Too big: expected number to be <=2147483647' },
      ]);
    },
  );

  it('refuses ids above 2^53 in paths and cursors, and documents the bounds', async () => {
    for (const path of ['/v1/tokens/9007199254740993', '/v1/sku-mappings/99999999999999999999']) {
      const response = await api.call('DELETE', path, admin);
      expect([response.status, response.json.errors]).toEqual([
        400,
        [{ field: 'id', reason: 'Too big: expected int to be <=9007199254740991' }],
      ]);
    }
    const exportFile = await api.call('GET', '/v1/exports/9223372036854775808', admin);
    expect(exportFile.status).toBe(400);
    const audit = await api.call('GET', '/v1/audit?before=9223372036854775808', admin);
    expect(audit.json.errors).toEqual([
      { field: 'before', reason: 'Too big: expected int to be <=9007199254740991' },
    ]);
    const tiers = await api.call('PATCH', '/v1/skus/M365-BP', admin, {
      tiers: [{ fromQuantity: 3_000_000_000, unitPrice: '1.00' }],
    });
    expect(tiers.json.errors).toEqual([
      { field: 'tiers.0.fromQuantity', reason: 'Too big: expected number to be <=2147483647' },
    ]);

    const doc = (await api.call('GET', '/openapi.json')).json;
    const param = (path: string, method: string, name: string) =>
      doc.paths[path][method].parameters.find((p: { name: string }) => p.name === name).schema;
    expect(param('/v1/periods/{period}/items', 'get', 'revision').maximum).toBe(2147483647);
    expect(param('/v1/tokens/{id}', 'delete', 'id').maximum).toBe(9007199254740991);
  });
});

describe('PATCH with nothing to change', () => {
  it.each([
    ['/v1/tenant', '/v1/tenant'],
    ['/v1/skus/{code}', '/v1/skus/M365-BP'],
    ['/v1/rules/{id}', '/v1/rules/{rule}'],
    ['/v1/customers/{ref}', '/v1/customers/c1'],
  ])('answers 400 on %s with no body or {}, stamping nothing', async (template, example) => {
    const path = example.replace('{rule}', String(ruleId));
    const before = await stamped();
    for (const body of [undefined, {}]) {
      const response = await api.call('PATCH', path, admin, body);
      expect([response.status, response.json.errors]).toEqual([
        400,
        [{ field: 'body', reason: 'send at least one field to change' }],
      ]);
    }
    expect(await stamped()).toEqual(before);
    const doc = (await api.call('GET', '/openapi.json')).json;
    const documented = doc.paths[template].patch.requestBody.content['application/json'].schema;
    expect(documented.minProperties).toBe(1);
  });
});

describe('methods and media types', () => {
  it('answers 405 with Allow for a known path and an unsupported method, before authentication', async () => {
    for (const [method, path, allow] of [
      ['TRACE', '/v1/tenant', 'GET, PATCH'],
      ['PUT', '/v1/skus/M365-BP', 'GET, PATCH'],
      ['DELETE', '/v1/periods/2026-01-31/items', 'GET'],
      ['POST', '/health', 'GET'],
      ['OPTIONS', '/v1/tokens', 'GET, POST'],
      // A fixed path is its own resource, not a value of the templated one beside it (/v1/rules/{id}).
      ['PATCH', '/v1/rules/preview', 'POST'],
    ] as const) {
      const response = await overSocket(method, path);
      expect([method, response.status, response.allow]).toEqual([method, 405, allow]);
      expect(response.json).toMatchObject({
        title: 'Method Not Allowed',
        detail: `${method} is not allowed on ${path}; allowed: ${allow}`,
      });
    }
    expect((await overSocket('TRACE', '/v1/nowhere')).status).toBe(401);
  });

  it('answers 415 listing the accepted media types, documented on every operation with a body', async () => {
    const response = await api.call('POST', '/v1/skus', admin, 'code=X', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(response.json).toMatchObject({
      title: 'Unsupported Media Type',
      detail: 'send the body as application/json',
      errors: [{ field: 'content-type', reason: 'text/plain; accepted: application/json' }],
    });
    const changes = await api.call('POST', '/v1/changes', admin, 'a,b', { 'content-type': 'text/csv' });
    expect(changes.json.detail).toBe('send the body as application/json or application/x-ndjson');

    const doc = (await api.call('GET', '/openapi.json')).json;
    const withBody = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(
        operations as Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>,
      )
        .filter(([, operation]) => operation.requestBody)
        .map(([method, operation]) => [`${method} ${path}`, '415' in operation.responses]),
    );
    expect(withBody.length).toBeGreaterThan(10);
    expect(withBody.filter(([, documented]) => !documented)).toEqual([]);
  });
});

describe('documented patterns', () => {
  it('lets the longest schema-valid URL reach the validators instead of a 431', async () => {
    const filter = encodeURIComponent(`name eq '${'\u00e9'.repeat(3990)}'`);
    const response = await overSocket('GET', `/odata/Periods/$count?$filter=${filter}`, admin);
    expect(response.status).not.toBe(431);
    expect(response.status).toBeLessThan(500);
  });

  it("documents OData's $format as a pattern JSON Schema can check (no regex flags)", async () => {
    const doc = (await api.call('GET', '/openapi.json')).json;
    const format = doc.paths['/odata/{entitySet}'].get.parameters.find(
      (p: { name: string }) => p.name === '$format',
    );
    const pattern = new RegExp(format.schema.pattern);
    expect(
      ['json', 'JSON', 'application/json;odata.metadata=minimal', '0', 'xml'].map((v) => pattern.test(v)),
    ).toEqual([true, true, true, false, false]);
    expect((await api.call('GET', '/odata/Periods?$format=JSON', admin)).status).toBe(200);
  });
});

describe('dates', () => {
  it.each([
    ['0000-00-00', 'a date as YYYY-MM-DD'],
    ['2026-13-01', 'a date as YYYY-MM-DD'],
    ['2026-02-30', 'not a calendar date'],
    ['2025-02-29', 'not a calendar date'],
  ])('refuses the impossible date %s', async (date, reason) => {
    const response = await api.call('GET', `/v1/periods/${date}`, admin);
    expect([response.status, response.json.errors]).toEqual([400, [{ field: 'period', reason }]]);
  });

  it('documents the pattern and the format that exclude them', async () => {
    const doc = (await api.call('GET', '/openapi.json')).json;
    const period = doc.paths['/v1/periods/{period}'].get.parameters.find(
      (p: { name: string }) => p.name === 'period',
    );
    expect(period.schema).toMatchObject({
      format: 'date',
      pattern: '^[1-9]\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
    });
    expect(new RegExp(period.schema.pattern).test('0000-00-00')).toBe(false);
  });
});

describe('the catch-all', () => {
  const failing = apiForTests(database, { client: undefined, closes: undefined } as never);
  // Under /health, which needs no token and which the console's page fallback leaves to the API.
  failing.app.get('/health/boom', () => {
    throw new Error('relation "nothing" does not exist');
  });
  failing.app.get('/health/temporal-down', () => {
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      details: 'No connection established',
      metadata: {},
    });
    throw new ServiceError('Failed to start workflow', { cause: grpc });
  });

  it('answers any other error with a 500 naming the request id, not Temporal', async () => {
    const response = await failing.call('GET', '/health/boom');
    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'see the server log for this request id',
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('answers 503 only when Temporal itself is unreachable', async () => {
    const response = await failing.call('GET', '/health/temporal-down');
    expect([response.status, response.json.title, response.json.detail]).toEqual([
      503,
      'Service Unavailable',
      'Temporal is not reachable; retry shortly',
    ]);
  });
});
