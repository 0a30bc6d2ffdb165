import { Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { Bar, Line } from 'recharts';
import { Money } from '../../components/Money';
import { MonthChart } from '../../components/MonthChart';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { currentMonth, monthWindow } from '../../format';
import { useManagement, useTrends } from '../../hooks/management';
import { useSession } from '../../hooks/session';
import { MarginTrend } from './MarginTrend';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const COLORS = ['#364fc7', '#c2255c', '#2b8a3e', '#e8590c', '#5f3dc4', '#0b7285', '#862e9c', '#5c940d'];

/**
 * Month-by-month trends as charts with their table beside them. Charts plot numbers, so the exact
 * decimal strings become floats only for drawing; every figure read as money is in the tables.
 */
export function ManagementPage() {
  const { tenant } = useSession();
  const [search, setSearch] = useSearchParams();
  const fallback = monthWindow(currentMonth(tenant.timeZone), 11);
  const range = {
    from: MONTH.test(search.get('from') ?? '') ? (search.get('from') as string) : fallback.from,
    to: MONTH.test(search.get('to') ?? '') ? (search.get('to') as string) : fallback.to,
  };
  const management = useManagement(range);
  const trends = useTrends(range);
  const setMonth = (key: 'from' | 'to', value: string) => {
    if (!MONTH.test(value)) return;
    const next = new URLSearchParams(search);
    next.set(key, value);
    setSearch(next, { replace: true });
  };
  return (
    <Stack>
      <Title order={2}>Management information</Title>
      <Group>
        <TextInput
          label="From month"
          defaultValue={range.from}
          onBlur={(e) => setMonth('from', e.currentTarget.value)}
        />
        <TextInput
          label="To month"
          defaultValue={range.to}
          onBlur={(e) => setMonth('to', e.currentTarget.value)}
        />
      </Group>
      <QueryState
        query={management}
        label="management information"
        isEmpty={(data) => data.months.every((m) => m.periods.length === 0)}
        empty="No period in these months has been computed: close one, or widen the months."
      >
        {(data) => {
          const vendors = [...new Set(data.months.flatMap((m) => m.vendors.map((v) => v.vendor)))];
          const chart = data.months.map((m) => ({
            month: m.month,
            total: Number(m.total),
            ...Object.fromEntries(m.vendors.map((v) => [v.vendor, Number(v.total)])),
          }));
          return (
            <Stack>
              <Section title="Totals per month and vendor">
                <SimpleGrid cols={{ base: 1, lg: 2 }}>
                  <MonthChart label="Chart of the totals per month and vendor" kind="bar" data={chart}>
                    {vendors.map((vendor, index) => (
                      <Bar
                        key={vendor}
                        dataKey={vendor}
                        stackId="v"
                        isAnimationActive={false}
                        fill={COLORS[index % COLORS.length]}
                      />
                    ))}
                  </MonthChart>
                  <Table fz="sm" aria-label="Totals per month">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Month</Table.Th>
                        <Table.Th style={{ textAlign: 'right' }}>Total</Table.Th>
                        <Table.Th style={{ textAlign: 'right' }}>Users</Table.Th>
                        <Table.Th style={{ textAlign: 'right' }}>Per user</Table.Th>
                        <Table.Th style={{ textAlign: 'right' }}>Change</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.months.map((m) => (
                        <Table.Tr key={m.month}>
                          <Table.Td>{m.month}</Table.Td>
                          <Table.Td style={{ textAlign: 'right' }}>
                            <Money amount={m.total} />
                          </Table.Td>
                          <Table.Td style={{ textAlign: 'right' }}>{m.users}</Table.Td>
                          <Table.Td style={{ textAlign: 'right' }}>
                            <Money amount={m.costPerUser} />
                          </Table.Td>
                          <Table.Td style={{ textAlign: 'right' }}>
                            {m.change ? <Money amount={m.change.amount} /> : '—'}
                            {m.change?.percent ? ` (${m.change.percent}%)` : ''}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </SimpleGrid>
              </Section>
              <CustomersOfLastMonth months={data.months} />
            </Stack>
          );
        }}
      </QueryState>
      <QueryState query={trends} label="trends">
        {(data) => {
          const skus = [...new Set(data.months.flatMap((m) => m.skus.map((s) => s.sku)))];
          const chart = data.months.map((m) => ({
            month: m.month,
            ...Object.fromEntries(m.skus.map((s) => [s.sku, Number(s.total)])),
          }));
          return (
            <Stack>
              <MarginTrend months={data.months} />
              <Section title={<>Per SKU, and the top movers of {data.movers.month ?? 'the last month'}</>}>
                <SimpleGrid cols={{ base: 1, lg: 2 }}>
                  <MonthChart label="Chart of the totals per SKU and month" kind="line" data={chart}>
                    {skus.map((sku, index) => (
                      <Line
                        key={sku}
                        dataKey={sku}
                        isAnimationActive={false}
                        stroke={COLORS[index % COLORS.length]}
                      />
                    ))}
                  </MonthChart>
                  <Table fz="sm" aria-label="Top movers">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Mover</Table.Th>
                        <Table.Th style={{ textAlign: 'right' }}>Before</Table.Th>
                        <Table.Th style={{ textAlign: 'right' }}>After</Table.Th>
                        <Table.Th style={{ textAlign: 'right' }}>Change</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {[
                        ...data.movers.customers.map((m) => ({
                          ...m,
                          key: `c-${m.customer.ref}`,
                          label: m.customer.name,
                        })),
                        ...data.movers.skus.map((m) => ({ ...m, key: `s-${m.sku}`, label: `SKU ${m.sku}` })),
                      ].map((m) => (
                        <Table.Tr key={m.key}>
                          <Table.Td>{m.label}</Table.Td>
                          <Table.Td style={{ textAlign: 'right' }}>
                            <Money amount={m.before} />
                          </Table.Td>
                          <Table.Td style={{ textAlign: 'right' }}>
                            <Money amount={m.after} />
                          </Table.Td>
                          <Table.Td style={{ textAlign: 'right' }}>
                            <Money amount={m.delta} />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </SimpleGrid>
              </Section>
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}

type Months = NonNullable<ReturnType<typeof useManagement>['data']>['months'];

function CustomersOfLastMonth({ months }: { months: Months }) {
  const last = [...months].reverse().find((m) => m.customers.length > 0);
  if (!last) return null;
  return (
    <Section title={<>Cost per customer and per user, {last.month}</>}>
      <Table fz="sm" aria-label="Cost per customer">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Customer</Table.Th>
            <Table.Th style={{ textAlign: 'right' }}>Total</Table.Th>
            <Table.Th style={{ textAlign: 'right' }}>Users</Table.Th>
            <Table.Th style={{ textAlign: 'right' }}>Per user</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {last.customers.map((c) => (
            <Table.Tr key={c.customer.ref}>
              <Table.Td>{c.customer.name}</Table.Td>
              <Table.Td style={{ textAlign: 'right' }}>
                <Money amount={c.total} />
              </Table.Td>
              <Table.Td style={{ textAlign: 'right' }}>{c.users}</Table.Td>
              <Table.Td style={{ textAlign: 'right' }}>
                <Money amount={c.costPerUser} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        Per-user cost divides the month's total by the users with items.
      </Text>
    </Section>
  );
}
