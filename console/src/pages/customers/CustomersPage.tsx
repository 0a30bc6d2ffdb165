import { Badge, Button, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { formatDate } from '../../format';
import { type Customer, useCustomerNameHistory, useCustomers } from '../../hooks/customers';
import { useCan, useSession } from '../../hooks/session';
import { CustomerEditor } from './CustomerEditor';
import { NameHistory, UserPanel } from './UserPanel';

/** The customer tree with relationships, reseller modes and tags; a customer's users and history. */
export function CustomersPage() {
  const customers = useCustomers();
  const [search, setSearch] = useSearchParams();
  const selected = search.get('customer');
  const select = (key: 'customer' | 'user', value: string | null) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key === 'customer') next.delete('user');
    setSearch(next);
  };
  return (
    <Stack>
      <Title order={2}>Customers and users</Title>
      <QueryState
        query={customers}
        label="customers"
        isEmpty={(data) => data.customers.length === 0}
        empty="Customers appear when the change log records them (POST /v1/changes with customer.created)."
      >
        {(data) => {
          const list = data.customers as Customer[];
          const current = list.find((c) => c.ref === selected);
          return (
            // Rows keep their own height beside a tall panel.
            <SimpleGrid cols={{ base: 1, lg: 2 }} style={{ alignItems: 'start' }}>
              <Table highlightOnHover aria-label="Customer tree">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Customer</Table.Th>
                    <Table.Th>Relationship</Table.Th>
                    <Table.Th>Tags</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((customer) => (
                    <Table.Tr key={customer.ref} bg={customer.ref === selected ? 'indigo.0' : undefined}>
                      <Table.Td style={{ paddingLeft: `${0.6 + customer.depth * 1.4}rem` }}>
                        <Button
                          variant="subtle"
                          size="compact-sm"
                          onClick={() => select('customer', customer.ref)}
                          aria-pressed={customer.ref === selected}
                        >
                          {customer.name}
                        </Button>
                        {customer.deletedAt ? ' (departed)' : ''}
                      </Table.Td>
                      <Table.Td>
                        {customer.parent ? `${customer.relationship} ${customer.parent}` : 'top level'}
                        {customer.resellerBilling === 'on_behalf' ? ', bills on behalf' : ''}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {customer.tags.map((tag) => (
                            <Badge key={tag} variant="outline" color="dark" size="sm">
                              {tag}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {current ? (
                <CustomerPanel
                  key={current.ref}
                  customer={current}
                  customers={list}
                  user={search.get('user')}
                  onUser={(ref) => select('user', ref)}
                />
              ) : (
                <Text c="dimmed">
                  Choose a customer to see its users and name history, and (admin) to edit it.
                </Text>
              )}
            </SimpleGrid>
          );
        }}
      </QueryState>
    </Stack>
  );
}

function CustomerPanel({
  customer,
  customers,
  user,
  onUser,
}: {
  customer: Customer;
  customers: Customer[];
  user: string | null;
  onUser: (ref: string | null) => void;
}) {
  const history = useCustomerNameHistory(customer.ref);
  const canEdit = useCan('writeCustomers');
  const { tenant } = useSession();
  return (
    <Stack>
      <Section
        title={
          <>
            {customer.name} ({customer.ref})
          </>
        }
      >
        <Text size="sm">
          {`Since ${formatDate(customer.createdAt.slice(0, 10))}, invoiced to ${customer.invoiceTo ?? 'itself'}, `}
          {`reseller billing ${customer.resellerBilling.replace('_', ' ')}.`}
        </Text>
        {canEdit ? <CustomerEditor customer={customer} customers={customers} /> : null}
        <QueryState query={history} label="name history">
          {(data) => <NameHistory names={data.names} zone={tenant.timeZone} label="Customer name history" />}
        </QueryState>
      </Section>
      <UserPanel customer={customer.ref} user={user} onUser={onUser} />
    </Stack>
  );
}
