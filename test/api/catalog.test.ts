import { beforeAll, describe, expect, it } from 'vitest';
import { apiForTests } from '../support/api.js';
import { uniqueTenantId } from '../support/closes.js';
import { freshDatabase } from '../support/database.js';
import { createSku, createTenant, ingest } from '../support/fixtures.js';
import { temporalForTests } from '../support/temporal.js';

const database = await freshDatabase();
const { sql } = database;
const api = apiForTests(database, await temporalForTests());
const tenantId = uniqueTenantId('catalog');
const otherTenant = uniqueTenantId('catalog-other');
const tokens = { admin: '', finance: '', operator: '', customer: '', other: '' };

beforeAll(async () => {
  await createTenant(sql, { id: tenantId });
  await createTenant(sql, { id: otherTenant });
  await createSku(sql, otherTenant, {
    code: 'THEIRS',
    vendor: 'Microsoft',
    price: '1',
    maps: [['plan', 'x', null]],
  });
  await ingest(sql, tenantId, [
    { kind: 'customer.created', occurredAt: '2026-01-01T00:00:00Z', customer: 'c1', name: 'Contoso' },
  ]);
  const [c1] = await sql<{ id: number }[]>`select id from customers where tenant_id = ${tenantId}`;
  tokens.admin = await api.token(tenantId, 'admin', undefined, 'root');
  tokens.finance = await api.token(tenantId, 'finance');
  tokens.operator = await api.token(tenantId, 'operator');
  tokens.customer = await api.token(tenantId, 'customer', c1?.id);
  tokens.other = await api.token(otherTenant, 'admin');
});

const auditOf = (action: string) => sql`
  select actor, subject, details - 'requestId' as details from audit_log
  where tenant_id = ${tenantId} and action = ${action} order by id`;

const e3 = {
  code: 'E3',
  vendor: 'Microsoft',
  name: 'Microsoft 365 E3',
  unitPrice: '31.5',
  billingModel: 'recurring',
  pricingScheme: 'tiered',
  tiers: [
    { fromQuantity: 11, unitPrice: '30' },
    { fromQuantity: 101, unitPrice: '28.123456' },
  ],
};

describe('/v1/skus', () => {
  it('creates a SKU with its bands, prices as numeric text, audited', async () => {
    const created = await api.call('POST', '/v1/skus', tokens.admin, e3);
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      code: 'E3',
      vendor: 'Microsoft',
      name: 'Microsoft 365 E3',
      unitPrice: '31.500000',
      billingModel: 'recurring',
      proration: 'daily',
      pricingScheme: 'tiered',
      tiers: [
        { fromQuantity: 11, unitPrice: '30.000000' },
        { fromQuantity: 101, unitPrice: '28.123456' },
      ],
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    });
    expect(await auditOf('sku.created')).toEqual([
      { actor: 'root', subject: 'sku:E3', details: { ...e3, proration: 'daily' } },
    ]);
    const again = await api.call('POST', '/v1/skus', tokens.admin, e3);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ title: 'Conflict', detail: "SKU 'E3' already exists" });
  });

  it('validates prices and bands with every field and reason', async () => {
    const bad = await api.call('POST', '/v1/skus', tokens.admin, {
      ...e3,
      code: 'BAD',
      unitPrice: '1.1234567',
      billingModel: 'monthly',
      tiers: [
        { fromQuantity: 5, unitPrice: '1' },
        { fromQuantity: 5, unitPrice: '-1' },
        { fromQuantity: 0, unitPrice: '1' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([
      { field: 'unitPrice', reason: 'a decimal string with up to 14 digits and 6 decimals' },
      { field: 'billingModel', reason: 'Invalid option: expected one of "recurring"|"usage"' },
      { field: 'tiers.1.unitPrice', reason: 'a decimal string with up to 14 digits and 6 decimals' },
      { field: 'tiers.2.fromQuantity', reason: 'Too small: expected number to be >=1' },
      { field: 'tiers.1.fromQuantity', reason: "must be greater than the previous band's fromQuantity" },
      { field: 'tiers.2.fromQuantity', reason: "must be greater than the previous band's fromQuantity" },
    ]);
    const unordered = await api.call('POST', '/v1/skus', tokens.admin, {
      ...e3,
      code: 'BAD',
      tiers: [
        { fromQuantity: 5, unitPrice: '1' },
        { fromQuantity: 5, unitPrice: '2' },
      ],
    });
    expect(unordered.json.errors).toEqual([
      { field: 'tiers.1.fromQuantity', reason: "must be greater than the previous band's fromQuantity" },
    ]);
    const flat = await api.call('POST', '/v1/skus', tokens.admin, {
      ...e3,
      code: 'BAD',
      pricingScheme: 'flat',
    });
    expect(flat.json.errors).toEqual([
      {
        field: 'tiers',
        reason: 'a flat SKU has no price bands: use the tiered or volume scheme, or send []',
      },
    ]);
    expect(await sql`select code from skus where tenant_id = ${tenantId} and code = 'BAD'`).toEqual([]);
  });

  it('lets staff and customers read, and keeps other tenants out', async () => {
    const listed = await api.call('GET', '/v1/skus', tokens.customer);
    expect(listed.status).toBe(200);
    expect(listed.json.skus.map((s: { code: string }) => s.code)).toEqual(['E3']);
    expect((await api.call('GET', '/v1/skus?vendor=Citrix', tokens.operator)).json).toEqual({ skus: [] });
    expect((await api.call('GET', '/v1/skus/E3', tokens.finance)).json.unitPrice).toBe('31.500000');
    const foreign = await api.call('GET', '/v1/skus/THEIRS', tokens.admin);
    expect(foreign.status).toBe(404);
    expect(foreign.json.detail).toBe("no SKU 'THEIRS'");
    expect((await api.call('PATCH', '/v1/skus/E3', tokens.other, { name: 'x' })).status).toBe(404);
  });

  it('edits a SKU, replacing its bands as a whole, audited with what changed', async () => {
    const edited = await api.call('PATCH', '/v1/skus/E3', tokens.admin, {
      unitPrice: '32.00',
      pricingScheme: 'volume',
      tiers: [{ fromQuantity: 50, unitPrice: '29.5' }],
    });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({
      unitPrice: '32.000000',
      pricingScheme: 'volume',
      tiers: [{ fromQuantity: 50, unitPrice: '29.500000' }],
    });
    expect(await auditOf('sku.updated')).toEqual([
      {
        actor: 'root',
        subject: 'sku:E3',
        details: {
          unitPrice: { from: '31.500000', to: '32.00' },
          pricingScheme: { from: 'tiered', to: 'volume' },
          tiers: {
            from: [
              { fromQuantity: 11, unitPrice: '30.000000' },
              { fromQuantity: 101, unitPrice: '28.123456' },
            ],
            to: [{ fromQuantity: 50, unitPrice: '29.5' }],
          },
        },
      },
    ]);
    // The same price written differently is no change, and so no audit entry.
    expect((await api.call('PATCH', '/v1/skus/E3', tokens.admin, { unitPrice: '32' })).status).toBe(200);
    expect(await auditOf('sku.updated')).toHaveLength(1);
    const flat = await api.call('PATCH', '/v1/skus/E3', tokens.admin, { pricingScheme: 'flat' });
    expect(flat.status).toBe(400);
    expect(flat.json.errors[0].field).toBe('tiers');
    const finance = await api.call('PATCH', '/v1/skus/E3', tokens.finance, { name: 'x' });
    expect(finance.status).toBe(403);
    expect(finance.json.detail).toBe('the finance role may not PATCH /v1/skus/:code');
    expect((await api.call('PATCH', '/v1/skus/NOPE', tokens.admin, { name: 'x' })).status).toBe(404);
  });
});

describe('/v1/sku-mappings', () => {
  it('maps, refuses duplicates and unknown SKUs, lists and removes', async () => {
    const created = await api.call('POST', '/v1/sku-mappings', tokens.admin, {
      kind: 'plan',
      service: 'm365',
      product: 'E3',
      skuCode: 'E3',
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: created.json.id,
      kind: 'plan',
      service: 'm365',
      product: 'E3',
      skuCode: 'E3',
    });
    const catchAll = await api.call('POST', '/v1/sku-mappings', tokens.admin, {
      kind: 'plan',
      service: 'm365',
      skuCode: 'E3',
    });
    expect(catchAll.json).toMatchObject({ product: null });
    const duplicate = await api.call('POST', '/v1/sku-mappings', tokens.admin, {
      kind: 'plan',
      service: 'm365',
      product: null,
      skuCode: 'E3',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.detail).toBe('plan m365/* is already mapped');
    const unknown = await api.call('POST', '/v1/sku-mappings', tokens.admin, {
      kind: 'domain',
      service: 'dns',
      skuCode: 'THEIRS',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([{ field: 'skuCode', reason: "no SKU 'THEIRS'" }]);

    const listed = await api.call('GET', '/v1/sku-mappings', tokens.operator);
    expect(listed.json.mappings.map((m: { product: string | null }) => m.product)).toEqual([null, 'E3']);
    expect((await api.call('GET', '/v1/sku-mappings', tokens.customer)).status).toBe(403);
    const theirs = await api.call('GET', '/v1/sku-mappings', tokens.other);
    expect(theirs.json.mappings.map((m: { skuCode: string }) => m.skuCode)).toEqual(['THEIRS']);

    expect((await api.call('DELETE', `/v1/sku-mappings/${created.json.id}`, tokens.other)).status).toBe(404);
    expect((await api.call('DELETE', `/v1/sku-mappings/${created.json.id}`, tokens.admin)).status).toBe(204);
    expect((await api.call('DELETE', `/v1/sku-mappings/${created.json.id}`, tokens.admin)).status).toBe(404);
    expect(await auditOf('sku_mapping.deleted')).toEqual([
      {
        actor: 'root',
        subject: `sku-mapping:${created.json.id}`,
        details: { kind: 'plan', service: 'm365', product: 'E3', skuCode: 'E3' },
      },
    ]);
  });
});

describe('/v1/vendor-discounts', () => {
  it("replaces a vendor's brackets as a whole", async () => {
    const put = await api.call('PUT', '/v1/vendor-discounts', tokens.admin, {
      vendor: 'Microsoft',
      discounts: [
        { minServices: 3, percent: '5' },
        { minServices: 5, percent: '7.5' },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      vendor: 'Microsoft',
      discounts: [
        { minServices: 3, percent: '5.00' },
        { minServices: 5, percent: '7.50' },
      ],
    });
    await api.call('PUT', '/v1/vendor-discounts', tokens.admin, {
      vendor: 'Microsoft',
      discounts: [{ minServices: 2, percent: '3' }],
    });
    await api.call('PUT', '/v1/vendor-discounts', tokens.admin, { vendor: 'Citrix', discounts: [] });
    const listed = await api.call('GET', '/v1/vendor-discounts', tokens.finance);
    expect(listed.json).toEqual({
      vendorDiscounts: [{ vendor: 'Microsoft', discounts: [{ minServices: 2, percent: '3.00' }] }],
    });
    // Citrix had none and still has none: nothing changed, nothing audited.
    expect((await auditOf('vendor_discounts.replaced')).map((row) => [row.subject, row.details])).toEqual([
      [
        'vendor:Microsoft',
        {
          from: [],
          to: [
            { minServices: 3, percent: '5.00' },
            { minServices: 5, percent: '7.50' },
          ],
        },
      ],
      [
        'vendor:Microsoft',
        {
          from: [
            { minServices: 3, percent: '5.00' },
            { minServices: 5, percent: '7.50' },
          ],
          to: [{ minServices: 2, percent: '3.00' }],
        },
      ],
    ]);
  });

  it('validates brackets and roles', async () => {
    const bad = await api.call('PUT', '/v1/vendor-discounts', tokens.admin, {
      vendor: 'Microsoft',
      discounts: [
        { minServices: 1, percent: '5' },
        { minServices: 3, percent: '0' },
        { minServices: 3, percent: '101' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([
      { field: 'discounts.0.minServices', reason: 'Too small: expected number to be >=2' },
      { field: 'discounts.1.percent', reason: 'must be more than 0 and at most 100' },
      { field: 'discounts.2.percent', reason: 'must be more than 0 and at most 100' },
      { field: 'discounts.2.minServices', reason: 'appears twice' },
    ]);
    expect(
      (await api.call('PUT', '/v1/vendor-discounts', tokens.operator, { vendor: 'x', discounts: [] })).status,
    ).toBe(403);
    expect((await api.call('GET', '/v1/vendor-discounts', tokens.customer)).status).toBe(403);
    expect((await api.call('GET', '/v1/vendor-discounts', tokens.other)).json).toEqual({
      vendorDiscounts: [],
    });
  });
});
