import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { type PeriodAction, usePeriodAction } from '../../hooks/periods';
import { useSession } from '../../hooks/session';
import { type Ability, can } from '../../permissions';

interface ActionSpec {
  action: PeriodAction;
  label: string;
  needs: Ability;
  /** When the action applies: the period's status and run stage. */
  when: (status: string, stage: string | undefined) => boolean;
  field?: { label: string; required: boolean; key: 'note' | 'reason' };
  color?: string;
}

const ACTIONS: ActionSpec[] = [
  {
    action: 'approve',
    label: 'Approve',
    needs: 'decide',
    when: (_, stage) => stage === 'awaiting_approval',
    field: { label: 'Note (optional)', required: false, key: 'note' },
    color: 'teal.9',
  },
  {
    action: 'reject',
    label: 'Reject',
    needs: 'decide',
    when: (_, stage) => stage === 'awaiting_approval',
    field: { label: 'Reason', required: true, key: 'reason' },
    color: 'red.9',
  },
  {
    action: 'reprocess',
    label: 'Reprocess',
    needs: 'reprocess',
    when: (_, stage) => stage === 'awaiting_approval' || stage === 'rejected',
    field: { label: 'Reason (optional)', required: false, key: 'reason' },
  },
  {
    action: 'reopen',
    label: 'Reopen',
    needs: 'reopen',
    when: (status) => status === 'approved' || status === 'exported',
    field: { label: 'Reason', required: true, key: 'reason' },
  },
];

/** The decisions and run controls this role may take on the period as it stands now. */
export function PeriodActions({ period, status, stage }: { period: string; status: string; stage?: string }) {
  const { role } = useSession();
  const [open, setOpen] = useState<ActionSpec | null>(null);
  const available = ACTIONS.filter((spec) => can(role, spec.needs) && spec.when(status, stage));
  if (available.length === 0) return null;
  return (
    <>
      <Group gap="xs">
        {available.map((spec) => (
          <Button key={spec.action} color={spec.color} variant="filled" onClick={() => setOpen(spec)}>
            {spec.label}
          </Button>
        ))}
      </Group>
      {open ? <ActionDialog period={period} spec={open} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

function ActionDialog({ period, spec, onClose }: { period: string; spec: ActionSpec; onClose: () => void }) {
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const mutation = usePeriodAction(period);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (spec.field?.required && !text.trim()) {
      setMissing(true);
      return;
    }
    // Not mutate(..., { onSuccess }): the refetch after the action can take this dialog's buttons away
    // (unmounting it) before the call settles, and the dialog would come back with the next buttons.
    mutation.mutateAsync({ action: spec.action, text: text.trim() || undefined }).then(onClose, () => {});
  };
  const apiError = mutation.error instanceof ApiError ? mutation.error : undefined;
  const fieldError = missing
    ? 'a reason is required'
    : spec.field
      ? apiError?.reasonFor(spec.field.key)
      : undefined;
  return (
    <Modal opened onClose={onClose} title={`${spec.label} this period`}>
      <form onSubmit={submit}>
        <Stack>
          {spec.field ? (
            <Textarea
              label={spec.field.label}
              value={text}
              onChange={(event) => {
                setText(event.currentTarget.value);
                setMissing(false);
              }}
              error={fieldError}
              rows={3}
              data-autofocus
            />
          ) : (
            <Text>Are you sure?</Text>
          )}
          {apiError && !fieldError ? (
            <Alert color="red" role="alert">
              {apiError.problem.title}: {apiError.problem.detail}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={spec.color} loading={mutation.isPending}>
              {spec.label}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
