import { Alert, Center, Loader, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** Loading, error and empty states for one query, the same on every page. */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  label,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  /** What to say, and what to do next, when there is nothing. */
  empty?: ReactNode;
  label: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <Center p="lg" aria-busy="true">
        <Loader size="sm" aria-label={`Loading ${label}`} />
      </Center>
    );
  }
  if (query.isError) return <ErrorNotice error={query.error} what={label} />;
  if (isEmpty?.(query.data)) {
    return (
      <Stack p="md" gap={4} role="status">
        <Text fw={600}>No {label} yet</Text>
        {empty ? <Text c="dimmed">{empty}</Text> : null}
      </Stack>
    );
  }
  return <>{children(query.data)}</>;
}

export function ErrorNotice({ error, what }: { error: unknown; what: string }) {
  const problem = error instanceof ApiError ? error.problem : undefined;
  return (
    <Alert color="red" title={`Could not load ${what}`} role="alert">
      {problem ? `${problem.status} ${problem.title}: ${problem.detail ?? ''}` : String(error)}
    </Alert>
  );
}
