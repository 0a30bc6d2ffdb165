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
    // Dark text on the light tint: Mantine's coloured label text falls below 4.5:1 contrast.
    <Badge color={COLORS[status] ?? 'gray'} variant="light" c="dark.8" radius="sm">
      {status.replaceAll('_', ' ')}
    </Badge>
  );
}
