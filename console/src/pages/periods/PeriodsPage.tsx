import { Anchor, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api, must } from '../../api/client';
import { Money } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { formatInstant, formatPeriod } from '../../format';
import { type Period, usePeriodAction, usePeriods } from '../../hooks/periods';
import { useCan, useSession } from '../../hooks/session';

/** Every period, every revision, newest first; operators start a close from here. */
export function PeriodsPage() {
  const periods = usePeriods();
  const session = useSession();
  return (
    <Stack>
      <Title order={2}>Periods</Title>
      <StartClose />
      <QueryState
        query={periods}
        label="periods"
        isEmpty={(data) => data.periods.length === 0}
        empty={
          session.role === 'operator' || session.role === 'admin'
            ? 'Start the close of the first period above once its change log is in.'
            : 'A period appears here once an operator starts its close.'
        }
      >
        {(data) => (
          <Table striped highlightOnHover aria-label="Periods">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Period</Table.Th>
                <Table.Th>Revision</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Total</Table.Th>
                <Table.Th>Decision</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.periods.map((period) => (
                <PeriodRow key={period.id} period={period} />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}

function PeriodRow({ period }: { period: Period }) {
  const { tenant } = useSession();
  return (
    // Italic, not faded: a faded link and badge fall below the 4.5:1 contrast axe asks for.
    <Table.Tr style={period.superseded ? { fontStyle: 'italic' } : undefined}>
      <Table.Td>
        <Anchor component={Link} to={`/periods/${period.endDate}`}>
          {formatPeriod(period.startDate, period.endDate)}
        </Anchor>
      </Table.Td>
      <Table.Td>
        {period.revision}
        {period.superseded ? ' (superseded)' : ''}
      </Table.Td>
      <Table.Td>
        <StatusBadge status={period.status} />
      </Table.Td>
      <Table.Td style={{ textAlign: 'right' }}>
        {period.superseded || period.status === 'generating' || period.status === 'open' ? (
          '—'
        ) : (
          <PeriodTotal period={period.endDate} revision={period.revision} />
        )}
      </Table.Td>
      <Table.Td>
        {period.approvedBy
          ? `Approved by ${period.approvedBy}, ${formatInstant(period.approvedAt, tenant)}`
          : null}
        {period.rejectedReason ? `Rejected: ${period.rejectedReason}` : null}
      </Table.Td>
    </Table.Tr>
  );
}

function PeriodTotal({ period, revision }: { period: string; revision: number }) {
  const totals = useQuery({
    queryKey: ['periods', period, 'totals', 'customer', revision],
    queryFn: () =>
      must(api.GET('/v1/periods/{period}/totals', { params: { path: { period }, query: { revision } } })),
  });
  return totals.data ? (
    <Money amount={totals.data.total} />
  ) : (
    <Text span c="dimmed">
      …
    </Text>
  );
}

/** Start (or preview) the close of the period holding a date: operators and admins only. */
function StartClose() {
  const allowed = useCan('closePeriod');
  const [date, setDate] = useState('');
  const navigate = useNavigate();
  const action = usePeriodAction(date);
  if (!allowed) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.mutate({ action: 'close' }, { onSuccess: () => navigate(`/periods/${date}`) });
  };
  const error = action.error instanceof ApiError ? action.error : undefined;
  return (
    <form onSubmit={submit} aria-label="Start a close">
      <Group align="flex-end">
        <TextInput
          label="Close the period holding"
          description="Any date of the period, YYYY-MM-DD"
          placeholder="2026-01-31"
          value={date}
          onChange={(event) => setDate(event.currentTarget.value)}
          error={error ? (error.reasonFor('period') ?? error.message) : undefined}
          pattern="\d{4}-\d{2}-\d{2}"
          required
        />
        <Button type="submit" loading={action.isPending}>
          Start close
        </Button>
      </Group>
    </form>
  );
}
