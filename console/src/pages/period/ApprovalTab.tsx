import { Card, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Money } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { formatDecimal, formatPeriod } from '../../format';
import { type Level, useComparison, useTotals } from '../../hooks/views';
import { Comparison } from './Comparison';

const LEVELS: { value: Level; label: string }[] = [
  { value: 'customer', label: 'Per customer' },
  { value: 'invoice_to', label: 'Per invoice-to' },
  { value: 'reseller', label: 'Reseller roll-up' },
];

/** The evidence finance approves on: totals at three levels, what changed, adjustments. */
export function ApprovalTab({ period, running = false }: { period: string; running?: boolean }) {
  const [level, setLevel] = useState<Level>('customer');
  const totals = useTotals(period, level);
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Stack gap="xs">
            <Title order={3} size="h4">
              Totals
            </Title>
            <SegmentedControl
              value={level}
              onChange={(value) => setLevel(value as Level)}
              data={LEVELS}
              aria-label="Totals level"
            />
            <QueryState
              query={totals}
              label="totals"
              isEmpty={(data) => data.totals.length === 0}
              empty={
                running
                  ? 'The close is computing this period: its totals appear here when it finishes.'
                  : 'The period has no items: check the change log was ingested, then reprocess.'
              }
            >
              {(data) => (
                <Table aria-label={`Totals ${level.replace('_', '-')}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Customer</Table.Th>
                      <Table.Th style={{ textAlign: 'right' }}>Items</Table.Th>
                      <Table.Th style={{ textAlign: 'right' }}>Amount</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.totals.map((row) => (
                      <Table.Tr key={row.customer.ref}>
                        <Table.Td style={{ paddingLeft: `${0.6 + row.depth * 1.2}rem` }}>
                          {row.customer.name}
                        </Table.Td>
                        <Table.Td style={{ textAlign: 'right' }}>{row.itemCount}</Table.Td>
                        <Table.Td style={{ textAlign: 'right' }}>
                          <Money amount={row.amount} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                  <Table.Tfoot>
                    <Table.Tr>
                      <Table.Th>Total</Table.Th>
                      <Table.Th />
                      <Table.Th style={{ textAlign: 'right' }} aria-label="Period total">
                        <Money amount={data.total} />
                      </Table.Th>
                    </Table.Tr>
                  </Table.Tfoot>
                </Table>
              )}
            </QueryState>
          </Stack>
        </Card>
        <Card withBorder>
          <Comparison period={period} />
        </Card>
      </SimpleGrid>
      <Adjustments period={period} />
    </Stack>
  );
}

function Adjustments({ period }: { period: string }) {
  const comparison = useComparison(period);
  return (
    <Section title="Adjustments of approved periods">
      <QueryState query={comparison} label="adjustments">
        {({ adjustments }) =>
          adjustments.length === 0 ? (
            <Text c="dimmed" size="sm">
              No adjustments: nothing changed in periods already approved.
            </Text>
          ) : (
            <Table aria-label="Adjustments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Corrects</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Element</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Quantity</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Amount</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {adjustments.map((item) => (
                  <Table.Tr key={item.itemId}>
                    <Table.Td>
                      {formatPeriod(item.adjusts.startDate, item.adjusts.endDate)} r{item.adjusts.revision}
                    </Table.Td>
                    <Table.Td>{item.customer.name}</Table.Td>
                    <Table.Td>
                      {item.userName ? `${item.userName}: ` : ''}
                      {item.product} ({item.sku ?? 'unmapped'})
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>{formatDecimal(item.quantity)}</Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>
                      <Money amount={item.amount} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryState>
    </Section>
  );
}
