import { Accordion, Anchor, NavLink, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { Money } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { currentMonth, formatDate, formatDecimal, formatInstant, monthWindow } from '../../format';
import { useSession } from '../../hooks/session';
import { useUserItemsByMonth, useUserNameHistory, useUsers } from '../../hooks/users';

/** A customer's users; for the chosen one, its name history and items month by month. */
export function UserPanel({
  customer,
  user,
  onUser,
}: {
  customer: string;
  user: string | null;
  onUser: (ref: string | null) => void;
}) {
  const users = useUsers(customer);
  return (
    <Section title="Users">
      <QueryState
        query={users}
        label="users"
        isEmpty={(data) => data.users.length === 0}
        empty="This customer has no users in the change log."
      >
        {(data) => (
          <ScrollArea.Autosize mah={220}>
            <nav aria-label="Users">
              {data.users.map((u) => (
                <NavLink
                  key={u.ref}
                  label={u.name}
                  description={u.deletedAt ? 'deleted' : undefined}
                  active={u.ref === user}
                  variant="filled"
                  onClick={() => onUser(u.ref)}
                  component="button"
                />
              ))}
            </nav>
          </ScrollArea.Autosize>
        )}
      </QueryState>
      {user ? <UserDetail user={user} /> : null}
    </Section>
  );
}

function UserDetail({ user }: { user: string }) {
  const history = useUserNameHistory(user);
  const { tenant } = useSession();
  // The last 12 months: the periods a person asks "who used what" about.
  const months = useUserItemsByMonth(user, monthWindow(currentMonth(tenant.timeZone), 11));
  return (
    <Stack mt="md">
      <QueryState query={history} label="the user's name history">
        {(data) => <NameHistory names={data.names} zone={tenant.timeZone} label="User name history" />}
      </QueryState>
      <QueryState
        query={months}
        label="the user's items"
        isEmpty={(data) => data.months.length === 0}
        empty="No items for this user in the months shown: nothing was billed for them yet."
      >
        {(data) => (
          <Accordion multiple defaultValue={data.months.slice(-1).map((m) => m.month)}>
            {data.months.map((month) => (
              <Accordion.Item key={month.month} value={month.month}>
                <Accordion.Control>
                  {month.month}: <Money amount={month.total} /> ({month.items.length} items)
                </Accordion.Control>
                <Accordion.Panel>
                  <Table fz="sm" aria-label={`Items of ${month.month}`}>
                    <Table.Tbody>
                      {month.items.map((item) => (
                        <Table.Tr key={item.itemId}>
                          <Table.Td>
                            <Anchor component={Link} to={`/items/${item.itemId}`}>
                              {item.elementName}
                            </Anchor>{' '}
                            ({item.sku ?? 'unmapped'})
                          </Table.Td>
                          <Table.Td>
                            {formatDate(item.activeFrom)} – {formatDate(item.activeTo)}
                          </Table.Td>
                          <Table.Td>× {formatDecimal(item.quantity)}</Table.Td>
                          <Table.Td style={{ textAlign: 'right' }}>
                            <Money amount={item.amount} />
                            {item.billable ? '' : ` not billed (${item.ruleName ?? 'rule'})`}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )}
      </QueryState>
    </Stack>
  );
}

export function NameHistory({
  names,
  zone,
  label,
}: {
  names: { name: string; validFrom: string; actor: string }[];
  zone: string;
  label: string;
}) {
  if (names.length <= 1) return <Text size="sm">Never renamed.</Text>;
  return (
    <Table fz="sm" aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>From</Table.Th>
          <Table.Th>Changed by</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {names.map((entry) => (
          <Table.Tr key={`${entry.validFrom}-${entry.name}`}>
            <Table.Td>{entry.name}</Table.Td>
            <Table.Td>{formatInstant(entry.validFrom, { timeZone: zone })}</Table.Td>
            <Table.Td>{entry.actor}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
