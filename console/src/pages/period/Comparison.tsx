import { Group, Stack, Table, Text, Title } from '@mantine/core';
import { Money } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { formatDecimal, formatPeriod, isZeroDecimal } from '../../format';
import { useComparison } from '../../hooks/views';

/** What changed since the previous period, per customer and SKU: the evidence finance approves on. */
export function Comparison({ period }: { period: string }) {
  const comparison = useComparison(period);
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        What changed since the previous period
      </Title>
      <QueryState query={comparison} label="the comparison">
        {(data) => {
          const changed = data.rows.filter(
            (row) =>
              !isZeroDecimal(row.added) || !isZeroDecimal(row.removed) || !isZeroDecimal(row.amountDelta),
          );
          return (
            <Stack gap="xs">
              <Text size="sm">
                {data.previous
                  ? `Against ${formatPeriod(data.previous.startDate, data.previous.endDate)} (revision ${data.previous.revision}).`
                  : 'This is the first period: everything is new.'}{' '}
                Total <Money amount={data.totals.before} /> → <Money amount={data.totals.after} /> (
                <Money amount={data.totals.delta} />)
              </Text>
              {data.newCustomers.length > 0 ? (
                <Text size="sm">New customers: {data.newCustomers.map((c) => c.name).join(', ')}</Text>
              ) : null}
              {data.departedCustomers.length > 0 ? (
                <Text size="sm">
                  Departed customers: {data.departedCustomers.map((c) => c.name).join(', ')}
                </Text>
              ) : null}
              {changed.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Nothing changed per customer and SKU.
                </Text>
              ) : (
                <Table aria-label="Changes per customer and SKU" fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Customer</Table.Th>
                      <Table.Th>SKU</Table.Th>
                      <Table.Th style={{ textAlign: 'right' }}>Units</Table.Th>
                      <Table.Th style={{ textAlign: 'right' }}>Added</Table.Th>
                      <Table.Th style={{ textAlign: 'right' }}>Removed</Table.Th>
                      <Table.Th style={{ textAlign: 'right' }}>Amount change</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {changed.map((row) => (
                      <Table.Tr key={`${row.customer.ref}-${row.sku ?? row.service}-${row.product}`}>
                        <Table.Td>{row.customer.name}</Table.Td>
                        <Table.Td>{row.sku ?? `${row.service}/${row.product} (unmapped)`}</Table.Td>
                        <Table.Td style={{ textAlign: 'right' }}>
                          {formatDecimal(row.quantityBefore)} → {formatDecimal(row.quantityAfter)}
                        </Table.Td>
                        <Table.Td style={{ textAlign: 'right' }}>{formatDecimal(row.added)}</Table.Td>
                        <Table.Td style={{ textAlign: 'right' }}>{formatDecimal(row.removed)}</Table.Td>
                        <Table.Td style={{ textAlign: 'right' }}>
                          <Group gap={4} justify="flex-end" wrap="nowrap">
                            <Money amount={row.amountDelta} />
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}
