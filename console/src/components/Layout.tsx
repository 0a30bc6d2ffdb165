import { AppShell, Button, Group, NavLink, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useSession, useSignOut } from '../hooks/session';
import { type Ability, can } from '../permissions';

const NAV: { to: string; label: string; needs?: Ability }[] = [
  { to: '/periods', label: 'Periods' },
  { to: '/customers', label: 'Customers and users' },
  { to: '/management', label: 'Management information' },
  { to: '/rules', label: 'Rules', needs: 'readRules' },
  { to: '/catalog', label: 'Catalog' },
  { to: '/settings', label: 'Settings', needs: 'readSettings' },
];

/** The signed-in shell: navigation by role, who is signed in, sign-out. */
export function Layout() {
  const session = useSession();
  const signOut = useSignOut();
  const location = useLocation();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm' }} padding="md">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Title order={1} size="h4">
              Monthend
            </Title>
            <Text c="dimmed" size="sm">
              {session.tenant.name}
            </Text>
          </Group>
          <Group gap="sm">
            <Text size="sm" aria-label="Signed in as">
              {session.name} · {session.role}
              {session.customer ? ` · ${session.customer.name}` : ''}
            </Text>
            <Button variant="default" size="xs" onClick={() => signOut.mutate()} loading={signOut.isPending}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Pages">
        <ScrollArea>
          <Stack gap={2}>
            {NAV.filter((item) => !item.needs || can(session.role, item.needs)).map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                active={location.pathname.startsWith(item.to)}
                variant="filled"
              />
            ))}
            <NavLink component="a" href="/docs" label="API reference" />
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense fallback={<Text c="dimmed">Loading page…</Text>}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
