import { Card, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** One titled part of a page (a bordered card under a level-3 heading), the same on every page. */
export function Section({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        {title}
      </Title>
      {children}
    </Card>
  );
}
