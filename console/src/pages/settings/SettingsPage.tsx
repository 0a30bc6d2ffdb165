import { Alert, Button, Code, Group, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { formatDate, formatInstant, formatPeriod } from '../../format';
import { useAudit } from '../../hooks/audit';
import { useCan, useSession } from '../../hooks/session';
import { type PeriodMode, usePeriodPreview, useSetPeriodMode, useTenant } from '../../hooks/tenant';
import { Tokens } from './Tokens';

const MODES: { value: PeriodMode; label: string }[] = [
  { value: 'calendar', label: 'Calendar month' },
  { value: 'fixed_day', label: 'Ends on a fixed day of the month' },
  { value: 'days_before_end', label: 'Ends some days before the month ends' },
];

/** Tenant settings with a preview of the next periods, tokens (admin) and the audit log. */
export function SettingsPage() {
  const tenant = useTenant();
  const session = useSession();
  const canTokens = useCan('tokens');
  const canAudit = useCan('audit');
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <QueryState query={tenant} label="the tenant">
        {(data) => (
          <Section title={data.name}>
            <Text size="sm">
              Currency {data.currency} ({data.currencyMinorUnits} minor units), time zone {data.timeZone}.{' '}
              {data.currentPeriod
                ? `Current period ${formatPeriod(data.currentPeriod.startDate, data.currentPeriod.endDate)} (${data.currentPeriod.status.replace('_', ' ')}).`
                : ''}
            </Text>
            <Table fz="sm" aria-label="Period configurations" mt="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>From</Table.Th>
                  <Table.Th>Mode</Table.Th>
                  <Table.Th>Day</Table.Th>
                  <Table.Th>Set by</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.periodConfigs.map((config) => (
                  <Table.Tr key={config.effectiveFrom}>
                    <Table.Td>{formatDate(config.effectiveFrom)}</Table.Td>
                    <Table.Td>{config.mode.replaceAll('_', ' ')}</Table.Td>
                    <Table.Td>{config.day ?? '—'}</Table.Td>
                    <Table.Td>
                      {config.createdBy}, {formatInstant(config.createdAt, session.tenant)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <PeriodModeEditor
              current={data.periodConfig?.mode ?? 'calendar'}
              day={data.periodConfig?.day ?? null}
            />
          </Section>
        )}
      </QueryState>
      {canTokens ? <Tokens /> : null}
      {canAudit ? <AuditLog /> : null}
    </Stack>
  );
}

function PeriodModeEditor({ current, day: currentDay }: { current: PeriodMode; day: number | null }) {
  const [mode, setMode] = useState<PeriodMode>(current);
  const [day, setDay] = useState<number | null>(currentDay);
  const preview = usePeriodPreview(mode, mode === 'calendar' ? null : day);
  const save = useSetPeriodMode();
  const canSave = useCan('writeSettings');
  const error =
    (save.error ?? preview.error) instanceof ApiError
      ? ((save.error ?? preview.error) as ApiError)
      : undefined;
  return (
    <Stack mt="md" gap="xs">
      <Title order={4} size="h5">
        Period mode, with the next periods it would make
      </Title>
      <Group align="flex-end">
        <Select
          label="Period mode"
          data={MODES}
          value={mode}
          onChange={(value) => value && setMode(value as PeriodMode)}
          allowDeselect={false}
        />
        {mode === 'calendar' ? null : (
          <NumberInput
            label={mode === 'fixed_day' ? 'Day of the month' : 'Days before the end'}
            value={day ?? ''}
            onChange={(value) => setDay(typeof value === 'number' ? value : null)}
            min={1}
            max={28}
            error={error?.reasonFor('day') ?? error?.reasonFor('period.day')}
          />
        )}
        {canSave ? (
          <Button
            variant="default"
            loading={save.isPending}
            onClick={() => save.mutate({ mode, ...(mode !== 'calendar' && day ? { day } : {}) })}
          >
            Save period mode
          </Button>
        ) : null}
      </Group>
      {preview.data ? (
        <Text size="sm" aria-live="polite">
          From {formatDate(preview.data.effectiveFrom)}:{' '}
          {preview.data.periods
            .map((p) => `${formatPeriod(p.startDate, p.endDate)} (${p.days} days)`)
            .join(', ')}
        </Text>
      ) : null}
      {error && !error.reasonFor('day') ? (
        <Alert color="red" role="alert">
          {error.problem.title}: {error.problem.detail}
        </Alert>
      ) : null}
      {save.isSuccess ? <Text size="sm">Saved.</Text> : null}
    </Stack>
  );
}

function AuditLog() {
  const [before, setBefore] = useState<number[]>([]);
  const audit = useAudit(true, before.at(-1));
  const { tenant } = useSession();
  return (
    <Section title="Audit log">
      <QueryState query={audit} label="the audit log" isEmpty={(data) => data.entries.length === 0}>
        {(data) => (
          <Stack gap="xs">
            <Table fz="sm" aria-label="Audit log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.entries.map((entry) => (
                  <Table.Tr key={entry.id}>
                    <Table.Td>{formatInstant(entry.at, tenant)}</Table.Td>
                    <Table.Td>{entry.actor}</Table.Td>
                    <Table.Td>{entry.action}</Table.Td>
                    <Table.Td>{entry.subject}</Table.Td>
                    <Table.Td>
                      <Code>{JSON.stringify(entry.details)}</Code>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Group justify="flex-end">
              <Button
                variant="default"
                size="xs"
                disabled={before.length === 0}
                onClick={() => setBefore(before.slice(0, -1))}
              >
                Newer
              </Button>
              <Button
                variant="default"
                size="xs"
                disabled={data.next === null}
                onClick={() => data.next !== null && setBefore([...before, data.next])}
              >
                Older
              </Button>
            </Group>
          </Stack>
        )}
      </QueryState>
    </Section>
  );
}
