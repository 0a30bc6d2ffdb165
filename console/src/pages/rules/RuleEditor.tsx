import {
  Alert,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { Money } from '../../components/Money';
import { formatPeriod } from '../../format';
import {
  CRITERIA,
  type Criterion,
  type Rule,
  type RuleDraft,
  type RulePreview,
  useRulePreview,
  useSaveRule,
} from '../../hooks/rules';

const LABELS: Record<Criterion, string> = {
  customer: 'Customer ref',
  customerPattern: 'Customer name pattern',
  customerTag: 'Customer tag',
  userPattern: 'User name pattern',
  sku: 'SKU code',
  vendor: 'Vendor',
  service: 'Service',
  kind: 'Element kind',
};

function draftOf(rule?: Rule): RuleDraft {
  return {
    name: rule?.name ?? '',
    from: rule?.from ?? '',
    to: rule?.to ?? '',
    criteria: Object.fromEntries(CRITERIA.map((key) => [key, rule?.criteria[key] ?? ''])) as Record<
      Criterion,
      string
    >,
  };
}

/**
 * Create or edit a rule. Preview asks the API what the rule would reach in open periods (customers,
 * items, amounts before and after); saving, with or without reprocessing, comes after.
 */
export function RuleEditor({ rule, onDone }: { rule?: Rule; onDone: () => void }) {
  const [draft, setDraft] = useState<RuleDraft>(() => draftOf(rule));
  const preview = useRulePreview();
  const save = useSaveRule();
  const error = [save.error, preview.error].find((e) => e instanceof ApiError) as ApiError | undefined;
  const fieldError = (field: string) => error?.reasonFor(field) ?? error?.reasonFor(`rule.${field}`);
  const set = (changes: Partial<RuleDraft>) => {
    setDraft((current) => ({ ...current, ...changes }));
    preview.reset();
  };
  const setCriterion = (key: Criterion, value: string) =>
    set({ criteria: { ...draft.criteria, [key]: value } });
  const saved = save.data;
  return (
    <Card withBorder>
      <Stack>
        <Title order={3} size="h4">
          {rule ? `Edit ${rule.name}` : 'New rule'}
        </Title>
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
            error={fieldError('name')}
            required
          />
          <TextInput
            label="Not billed from"
            description="First day, YYYY-MM-DD; empty for always"
            value={draft.from}
            onChange={(e) => set({ from: e.currentTarget.value })}
            error={fieldError('from')}
          />
          <TextInput
            label="Not billed to"
            description="Last day, YYYY-MM-DD; empty for open-ended"
            value={draft.to}
            onChange={(e) => set({ to: e.currentTarget.value })}
            error={fieldError('to')}
          />
          {CRITERIA.map((key) =>
            key === 'kind' ? (
              <Select
                key={key}
                label={LABELS[key]}
                value={draft.criteria.kind || null}
                onChange={(value) => setCriterion('kind', value ?? '')}
                data={['plan', 'instance', 'application', 'domain', 'usage']}
                clearable
              />
            ) : (
              <TextInput
                key={key}
                label={LABELS[key]}
                value={draft.criteria[key]}
                onChange={(e) => setCriterion(key, e.currentTarget.value)}
                error={fieldError(`criteria.${key}`)}
              />
            ),
          )}
        </SimpleGrid>
        {error && !CRITERIA.some((key) => fieldError(`criteria.${key}`)) && !fieldError('name') ? (
          <Alert color="red" role="alert">
            {error.problem.title}: {error.problem.detail}
          </Alert>
        ) : null}
        {preview.data ? <PreviewTable preview={preview.data} /> : null}
        {saved ? (
          <Alert color="teal" role="status" title={`Saved ${saved.rule.name}`}>
            {saved.reprocessed.length > 0
              ? `Reprocessed ${saved.reprocessed.map((p) => `${p.periodEnd} (revision ${p.revision})`).join(', ')}.`
              : 'No period was reprocessed.'}
            {saved.notReprocessed.map((p) => ` ${p.periodEnd}: ${p.reason}.`).join('')}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {saved ? 'Close' : 'Cancel'}
          </Button>
          <Button
            variant="outline"
            onClick={() => preview.mutate({ draft, id: rule?.id })}
            loading={preview.isPending}
          >
            Preview
          </Button>
          <Button
            variant="default"
            disabled={!preview.data || Boolean(saved)}
            onClick={() => save.mutate({ draft, id: rule?.id, reprocess: false })}
            loading={save.isPending}
          >
            Save
          </Button>
          <Button
            disabled={!preview.data || Boolean(saved)}
            onClick={() => save.mutate({ draft, id: rule?.id, reprocess: true })}
            loading={save.isPending}
          >
            Save and reprocess
          </Button>
        </Group>
        {!preview.data && !saved ? (
          <Text size="xs" c="dimmed">
            Preview the rule to see what it reaches before saving it.
          </Text>
        ) : null}
      </Stack>
    </Card>
  );
}

function PreviewTable({ preview }: { preview: RulePreview }) {
  if (preview.periods.length === 0) {
    return (
      <Text size="sm">No open or awaiting-approval period is reached: saving changes no figure today.</Text>
    );
  }
  return (
    <Table aria-label="Rule preview" fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Period</Table.Th>
          <Table.Th>Customers reached</Table.Th>
          <Table.Th style={{ textAlign: 'right' }}>Items</Table.Th>
          <Table.Th style={{ textAlign: 'right' }}>Billed before</Table.Th>
          <Table.Th style={{ textAlign: 'right' }}>after</Table.Th>
          <Table.Th style={{ textAlign: 'right' }}>change</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {preview.periods.map((period) => (
          <Table.Tr key={`${period.endDate}-${period.revision}`}>
            <Table.Td>
              {formatPeriod(period.startDate, period.endDate)} ({period.status.replace('_', ' ')})
            </Table.Td>
            <Table.Td>{period.customersReached.map((c) => c.name).join(', ') || 'none'}</Table.Td>
            <Table.Td style={{ textAlign: 'right' }}>{period.itemsReached}</Table.Td>
            <Table.Td style={{ textAlign: 'right' }}>
              <Money amount={period.amount.before} />
            </Table.Td>
            <Table.Td style={{ textAlign: 'right' }}>
              <Money amount={period.amount.after} />
            </Table.Td>
            <Table.Td style={{ textAlign: 'right' }}>
              <Money amount={period.amount.delta} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
