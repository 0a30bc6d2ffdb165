import { Alert, Button, Group, NumberInput, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { formatDate, formatPeriod } from '../../format';
import { useCan } from '../../hooks/session';
import { type PeriodMode, usePeriodPreview, useSetPeriodMode } from '../../hooks/tenant';

const MODES: { value: PeriodMode; label: string }[] = [
  { value: 'calendar', label: 'Calendar month' },
  { value: 'fixed_day', label: 'Ends on a fixed day of the month' },
  { value: 'days_before_end', label: 'Ends some days before the month ends' },
];

// billing.md's ranges: fixed_day D in 1..31 (a short month ends on its last day), days_before_end N in 0..27.
const DAYS: Record<PeriodMode, { min: number; max: number }> = {
  calendar: { min: 1, max: 31 },
  fixed_day: { min: 1, max: 31 },
  days_before_end: { min: 0, max: 27 },
};

/** The period mode with a preview of the next periods it would cut; admins save it. */
export function PeriodModeEditor({ current, day: currentDay }: { current: PeriodMode; day: number | null }) {
  const [mode, setMode] = useState<PeriodMode>(current);
  const [day, setDay] = useState<number | null>(currentDay);
  const preview = usePeriodPreview(mode, mode === 'calendar' ? null : day);
  const save = useSetPeriodMode();
  const canSave = useCan('writeSettings');
  const error =
    (save.error ?? preview.error) instanceof ApiError
      ? ((save.error ?? preview.error) as ApiError)
      : undefined;
  const dayError = error?.reasonFor('day') ?? error?.reasonFor('period.day');
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
            min={DAYS[mode].min}
            max={DAYS[mode].max}
            error={dayError}
          />
        )}
        {canSave ? (
          <Button
            variant="default"
            loading={save.isPending}
            onClick={() => save.mutate({ mode, ...(mode !== 'calendar' && day !== null ? { day } : {}) })}
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
      {error && !dayError ? (
        <Alert color="red" role="alert">
          {error.problem.title}: {error.problem.detail}
        </Alert>
      ) : null}
      {save.isSuccess ? (
        <Text size="sm" role="status">
          Saved.
        </Text>
      ) : null}
    </Stack>
  );
}
