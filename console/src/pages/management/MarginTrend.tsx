import { SimpleGrid, Table } from '@mantine/core';
import { Line } from 'recharts';
import type { components } from '../../api/schema';
import { Money } from '../../components/Money';
import { MonthChart } from '../../components/MonthChart';
import { Section } from '../../components/Section';

type TrendMonth = components['schemas']['ManagementTrends']['months'][number];

const SERIES = [
  { key: 'revenue', label: 'Revenue', color: '#364fc7' },
  { key: 'cost', label: 'Cost', color: '#e8590c' },
  { key: 'margin', label: 'Margin', color: '#2b8a3e' },
] as const;

/**
 * Revenue, cost and margin month by month, as the API summed them from the items (staff only: a
 * customer's trends carry no such fields, and then this section is not shown).
 */
export function MarginTrend({ months }: { months: TrendMonth[] }) {
  if (!months.some((m) => m.margin !== undefined)) return null;
  const chart = months.map((m) => ({
    month: m.month,
    revenue: Number(m.revenue ?? 0),
    cost: Number(m.cost ?? 0),
    margin: Number(m.margin ?? 0),
  }));
  return (
    <Section title="Revenue, cost and margin">
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <MonthChart label="Chart of revenue, cost and margin per month" kind="line" data={chart}>
          {SERIES.map((series) => (
            <Line
              key={series.key}
              dataKey={series.key}
              name={series.label}
              isAnimationActive={false}
              stroke={series.color}
            />
          ))}
        </MonthChart>
        <Table fz="sm" aria-label="Revenue, cost and margin per month">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Month</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Revenue</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Cost</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Margin</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Revenue without cost</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {months.map((m) => (
              <Table.Tr key={m.month}>
                <Table.Td>{m.month}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money amount={m.revenue} />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money amount={m.cost} />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money amount={m.margin} />
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money amount={m.revenueWithoutCost} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </SimpleGrid>
    </Section>
  );
}
