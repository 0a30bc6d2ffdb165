import { Button, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { formatDate } from '../../format';
import { CRITERIA, type Rule, useEndRule, useRules } from '../../hooks/rules';
import { useCan } from '../../hooks/session';
import { RuleEditor } from './RuleEditor';

/** Billing rules: list, create, edit and end, each previewed before it is saved. */
export function RulesPage() {
  const rules = useRules();
  const canWrite = useCan('writeRules');
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const [ending, setEnding] = useState<Rule | null>(null);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Rules</Title>
        {canWrite && editing === null ? <Button onClick={() => setEditing('new')}>New rule</Button> : null}
      </Group>
      {editing !== null ? (
        <RuleEditor rule={editing === 'new' ? undefined : editing} onDone={() => setEditing(null)} />
      ) : null}
      <QueryState
        query={rules}
        label="rules"
        isEmpty={(data) => data.rules.length === 0}
        empty="A rule makes matching items non-billable between two dates (a free trial, a goodwill month). Create one with New rule."
      >
        {(data) => (
          <Table striped aria-label="Rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Not billed from</Table.Th>
                <Table.Th>to</Table.Th>
                <Table.Th>Criteria</Table.Th>
                <Table.Th>Changed by</Table.Th>
                {canWrite ? <Table.Th>Actions</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.rules.map((rule) => (
                <Table.Tr key={rule.id}>
                  <Table.Td>{rule.name}</Table.Td>
                  <Table.Td>{rule.from ? formatDate(rule.from) : 'always'}</Table.Td>
                  <Table.Td>{rule.to ? formatDate(rule.to) : 'open-ended'}</Table.Td>
                  <Table.Td>
                    {CRITERIA.filter((key) => rule.criteria[key])
                      .map((key) => `${key}: ${rule.criteria[key]}`)
                      .join(', ') || 'everything'}
                  </Table.Td>
                  <Table.Td>{rule.updatedBy ?? rule.createdBy}</Table.Td>
                  {canWrite ? (
                    <Table.Td>
                      <Group gap="xs">
                        <Button size="xs" variant="default" onClick={() => setEditing(rule)}>
                          Edit {rule.name}
                        </Button>
                        <Button size="xs" variant="default" onClick={() => setEnding(rule)}>
                          End {rule.name}
                        </Button>
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      {ending ? <EndRule rule={ending} onClose={() => setEnding(null)} /> : null}
    </Stack>
  );
}

function EndRule({ rule, onClose }: { rule: Rule; onClose: () => void }) {
  const [on, setOn] = useState('');
  const end = useEndRule();
  const error = end.error instanceof ApiError ? end.error : undefined;
  const submit = (reprocess: boolean) => (event?: FormEvent) => {
    event?.preventDefault();
    end.mutate({ id: rule.id, on, reprocess }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title={`End ${rule.name}`}>
      <form onSubmit={submit(false)}>
        <Stack>
          <TextInput
            label="Last day the rule applies"
            placeholder="2026-01-31"
            value={on}
            onChange={(event) => setOn(event.currentTarget.value)}
            error={error ? (error.reasonFor('on') ?? error.message) : undefined}
            data-autofocus
          />
          <Text size="sm" c="dimmed">
            Periods awaiting approval keep their figures until they are reprocessed.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" type="submit" loading={end.isPending}>
              End
            </Button>
            <Button onClick={() => submit(true)()} loading={end.isPending}>
              End and reprocess
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
