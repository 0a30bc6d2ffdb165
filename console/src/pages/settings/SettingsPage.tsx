import { Button, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { formatDate, formatInstant, formatPeriod } from '../../format';
import { useAudit } from '../../hooks/audit';
import { useCan, useSession } from '../../hooks/session';
import { useTenant } from '../../hooks/tenant';
import { PeriodModeEditor } from './PeriodModeEditor';
import { Tokens } from './Tokens';

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
