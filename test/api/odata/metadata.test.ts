import { describe, expect, it } from 'vitest';
import { api, customerId, get, JSON_TYPE, ROOT, tenantId } from './feed.js';

describe('service document and $metadata', () => {
  it('lists the entity sets at the service root, with and without a trailing slash', async () => {
    for (const path of ['/odata', '/odata/']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('odata-version')).toBe('4.0');
      expect(response.headers.get('content-type')).toBe(JSON_TYPE);
      expect(response.json).toEqual({
        '@odata.context': `${ROOT}/$metadata`,
        value: [
          'Items',
          'CustomerTotals',
          'Periods',
          'Customers',
          'Reconciliation',
          'UnmappedCharges',
          'Skus',
        ].map((name) => ({
          name,
          kind: 'EntitySet',
          url: name,
        })),
      });
    }
  });

  it('describes the sets in CSDL XML with EDM types, decimal facets and keys', async () => {
    const response = await get('/odata/$metadata');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml;charset=utf-8');
    expect(response.headers.get('odata-version')).toBe('4.0');
    const xml = response.text;
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<edmx:Edmx Version="4.0"/);
    expect(
      [...xml.matchAll(/<EntitySet Name="(\w+)" EntityType="Monthend\.(\w+)"\/?>/g)].map(
        (m) => `${m[1]}:${m[2]}`,
      ),
    ).toEqual([
      'Items:Item',
      'CustomerTotals:CustomerTotal',
      'Periods:Period',
      'Customers:Customer',
      'Reconciliation:ReconciliationLine',
      'UnmappedCharges:UnmappedCharge',
      'Skus:Sku',
    ]);
    const item = /<EntityType Name="Item">([\s\S]*?)<\/EntityType>/.exec(xml)?.[1] ?? '';
    const property = (name: string) => new RegExp(`<Property Name="${name}" ([^/]*)/>`).exec(item)?.[1];
    expect(item).toContain('<Key><PropertyRef Name="id"/></Key>');
    expect(property('id')).toBe('Type="Edm.Int64" Nullable="false"');
    expect(property('customerName')).toBe('Type="Edm.String" Nullable="false"');
    expect(property('userName')).toBe('Type="Edm.String" Nullable="true"');
    expect(property('activeFrom')).toBe('Type="Edm.Date" Nullable="false"');
    expect(property('daysActive')).toBe('Type="Edm.Int32" Nullable="false"');
    expect(property('amount')).toBe('Type="Edm.Decimal" Nullable="false" Precision="20" Scale="4"');
    expect(property('unitPrice')).toBe('Type="Edm.Decimal" Nullable="false" Precision="20" Scale="6"');
    expect(property('billable')).toBe('Type="Edm.Boolean" Nullable="false"');
    expect(property('periodStatus')).toBe('Type="Edm.String" Nullable="false"');
    expect(property('periodRevision')).toBe('Type="Edm.Int32" Nullable="false"');
    const total = /<EntityType Name="CustomerTotal">([\s\S]*?)<\/EntityType>/.exec(xml)?.[1] ?? '';
    expect(total).toContain(
      '<Property Name="periodStatus" Type="Edm.String" Nullable="false"/>\n        <Property Name="periodRevision" Type="Edm.Int32" Nullable="false"/>',
    );
    expect(xml).toContain('<Key><PropertyRef Name="periodId"/><PropertyRef Name="customerId"/></Key>');
  });

  it('declares navigation properties with referential constraints, bound to their target sets', async () => {
    const xml = (await get('/odata/$metadata')).text;
    const type = (name: string) =>
      new RegExp(`<EntityType Name="${name}">([\\s\\S]*?)</EntityType>`).exec(xml)?.[1];
    const navigations = (name: string) =>
      [...(type(name) ?? '').matchAll(/<NavigationProperty (.*?)<\/NavigationProperty>/g)].map((m) => m[1]);
    const to = (name: string, target: string, property: string, references: string) =>
      `Name="${name}" Type="Monthend.${target}"><ReferentialConstraint Property="${property}" ReferencedProperty="${references}"/>`;
    expect(navigations('Item')).toEqual([
      to('Customer', 'Customer', 'customerId', 'id'),
      to('InvoiceTo', 'Customer', 'invoiceToId', 'id'),
      to('Period', 'Period', 'periodId', 'id'),
    ]);
    expect(navigations('CustomerTotal')).toEqual([
      to('Customer', 'Customer', 'customerId', 'id'),
      to('Period', 'Period', 'periodId', 'id'),
    ]);
    expect(navigations('ReconciliationLine')).toEqual([
      to('Customer', 'Customer', 'customerId', 'id'),
      to('Period', 'Period', 'periodId', 'id'),
      to('Sku', 'Sku', 'sku', 'code'),
    ]);
    expect(xml).toContain(
      '        <EntitySet Name="Reconciliation" EntityType="Monthend.ReconciliationLine">\n' +
        '          <NavigationPropertyBinding Path="Customer" Target="Customers"/>\n' +
        '          <NavigationPropertyBinding Path="Period" Target="Periods"/>\n' +
        '          <NavigationPropertyBinding Path="Sku" Target="Skus"/>\n' +
        '        </EntitySet>\n',
    );
    expect(xml).toContain('<EntitySet Name="Periods" EntityType="Monthend.Period"/>');
    const recon = type('ReconciliationLine') ?? '';
    expect(recon).toContain(
      '<Key><PropertyRef Name="periodId"/><PropertyRef Name="vendor"/><PropertyRef Name="customerId"/><PropertyRef Name="sku"/></Key>',
    );
    expect(recon).toContain(
      '<Property Name="chargedAmount" Type="Edm.Decimal" Nullable="false" Precision="20" Scale="4"/>',
    );
    expect(recon).toContain(
      '<Property Name="margin" Type="Edm.Decimal" Nullable="true" Precision="20" Scale="4"/>',
    );
  });

  it("leaves the staff-only sets (vendor costs) out of a customer token's service document and $metadata", async () => {
    const token = await api.token(tenantId, 'customer', await customerId('r1'));
    expect((await get('/odata', token)).json.value.map((set: { name: string }) => set.name)).toEqual([
      'Items',
      'CustomerTotals',
      'Periods',
      'Customers',
    ]);
    const xml = (await get('/odata/$metadata', token)).text;
    expect(xml).not.toContain('Reconciliation');
    expect(xml).not.toContain('UnmappedCharge');
    expect(xml).not.toContain('Sku"');
    expect(xml).toContain('<NavigationPropertyBinding Path="Customer" Target="Customers"/>');
  });
});
