import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  open: 'gray',
  generating: 'blue',
  opening: 'blue',
  awaiting_approval: 'orange',
  rejected: 'red',
  approved: 'green',
  locking: 'teal',
  exporting: 'teal',
  exported: 'green',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="light" radius="sm">
      {status.replaceAll('_', ' ')}
    </Badge>
  );
}
