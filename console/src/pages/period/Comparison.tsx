import { Stack, Text, Title } from '@mantine/core';

/** What changed since the previous period: built on GET /v1/periods/{period}/comparison. */
export function Comparison({ period: _period }: { period: string }) {
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        What changed since the previous period
      </Title>
      <Text c="dimmed" size="sm">
        The comparison is not available from this API yet.
      </Text>
    </Stack>
  );
}
