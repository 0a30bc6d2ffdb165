import { Alert, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { UnitPrice, useUnitPrice } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { formatDecimal } from '../../format';
import { useCreateMapping, useMappings, useSkus, useUnmapped, useVendorDiscounts } from '../../hooks/catalog';
import { useCan, useSession } from '../../hooks/session';

/** SKUs with their tiers; for staff, the mappings, the unmapped elements to map, vendor discounts. */
export function CatalogPage() {
  const { role } = useSession();
  const staff = role !== 'customer';
  const skus = useSkus();
  const unitPrice = useUnitPrice();
  return (
    <Stack>
      <Title order={2}>Catalog</Title>
      <Section title="SKUs">
        <QueryState
          query={skus}
          label="SKUs"
          isEmpty={(data) => data.skus.length === 0}
          empty="Create SKUs with POST /v1/skus (admin), then map services to them."
        >
          {(data) => (
            <Table fz="sm" aria-label="SKUs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Code</Table.Th>
                  <Table.Th>Vendor</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Model</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Unit price</Table.Th>
                  <Table.Th>Tiers</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.skus.map((sku) => (
                  <Table.Tr key={sku.code}>
                    <Table.Td>{sku.code}</Table.Td>
                    <Table.Td>{sku.vendor}</Table.Td>
                    <Table.Td>{sku.name}</Table.Td>
                    <Table.Td>
                      {sku.billingModel}, {sku.proration}, {sku.pricingScheme}
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>
                      <UnitPrice price={sku.unitPrice} />
                    </Table.Td>
                    <Table.Td>
                      {sku.tiers.map((t) => `from ${t.fromQuantity}: ${unitPrice(t.unitPrice)}`).join('; ') ||
                        '—'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
      </Section>
      {staff ? <StaffCatalog skuCodes={skus.data?.skus.map((s) => s.code) ?? []} /> : null}
    </Stack>
  );
}

function StaffCatalog({ skuCodes }: { skuCodes: string[] }) {
  const mappings = useMappings(true);
  const unmapped = useUnmapped(true);
  const discounts = useVendorDiscounts(true);
  const canMap = useCan('writeCatalog');
  return (
    <>
      <Section title="Unmapped elements">
        <QueryState
          query={unmapped}
          label="unmapped elements"
          isEmpty={(data) => data.unmapped.length === 0}
          empty="Every live element is priced by a SKU."
        >
          {(data) => (
            <Table fz="sm" aria-label="Unmapped elements">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Service</Table.Th>
                  <Table.Th>Product</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Elements</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Customers</Table.Th>
                  {canMap ? <Table.Th>Map to SKU</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.unmapped.map((element) => (
                  <Table.Tr key={`${element.kind}-${element.service}-${element.product}`}>
                    <Table.Td>{element.kind}</Table.Td>
                    <Table.Td>{element.service}</Table.Td>
                    <Table.Td>{element.product}</Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>{element.elements}</Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>{element.customers}</Table.Td>
                    {canMap ? (
                      <Table.Td>
                        <MapElement element={element} skuCodes={skuCodes} />
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
      </Section>
      <Section title="Mappings">
        <QueryState
          query={mappings}
          label="mappings"
          isEmpty={(data) => data.mappings.length === 0}
          empty="Nothing is mapped: map the unmapped elements above to SKUs."
        >
          {(data) => (
            <Table fz="sm" aria-label="SKU mappings">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Service</Table.Th>
                  <Table.Th>Product</Table.Th>
                  <Table.Th>SKU</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.mappings.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>{m.kind}</Table.Td>
                    <Table.Td>{m.service}</Table.Td>
                    <Table.Td>{m.product ?? 'every product'}</Table.Td>
                    <Table.Td>{m.skuCode}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
      </Section>
      <Section title="Vendor discounts">
        <QueryState
          query={discounts}
          label="vendor discounts"
          isEmpty={(data) => data.vendorDiscounts.length === 0}
          empty="No vendor gives a multi-service discount (PUT /v1/vendor-discounts sets one)."
        >
          {(data) => (
            <Table fz="sm" aria-label="Vendor discounts">
              <Table.Tbody>
                {data.vendorDiscounts.map((v) => (
                  <Table.Tr key={v.vendor}>
                    <Table.Td>{v.vendor}</Table.Td>
                    <Table.Td>
                      {v.discounts
                        .map((d) => `${d.minServices}+ services: ${formatDecimal(d.percent)}%`)
                        .join('; ')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
      </Section>
    </>
  );
}

function MapElement({
  element,
  skuCodes,
}: {
  element: { kind: 'plan' | 'instance' | 'application' | 'domain'; service: string; product: string };
  skuCodes: string[];
}) {
  const [sku, setSku] = useState<string | null>(null);
  const create = useCreateMapping();
  const error = create.error instanceof ApiError ? create.error : undefined;
  return (
    <Group gap="xs" wrap="nowrap">
      <Select
        aria-label={`SKU for ${element.service}/${element.product}`}
        placeholder="SKU"
        data={skuCodes}
        value={sku}
        onChange={setSku}
        size="xs"
        w={130}
      />
      <Button
        size="xs"
        variant="default"
        disabled={!sku}
        loading={create.isPending}
        onClick={() =>
          sku &&
          create.mutate({
            kind: element.kind,
            service: element.service,
            product: element.product,
            skuCode: sku,
          })
        }
      >
        Map
      </Button>
      {error ? (
        <Alert color="red" p={4}>
          {error.message}
        </Alert>
      ) : null}
      {create.isSuccess ? <Text size="xs">mapped</Text> : null}
    </Group>
  );
}
