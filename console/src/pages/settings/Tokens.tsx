import { Alert, Button, Code, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { formatInstant } from '../../format';
import { useSession } from '../../hooks/session';
import { useCreateToken, useRevokeToken, useTokens } from '../../hooks/tokens';

type Role = 'admin' | 'finance' | 'operator' | 'customer';

/** Tokens: create (the secret is shown once, here), list and revoke. */
export function Tokens() {
  const tokens = useTokens(true);
  const revoke = useRevokeToken();
  const { tenant } = useSession();
  return (
    <Section title="Tokens">
      <CreateToken />
      <QueryState query={tokens} label="tokens">
        {(data) => (
          <Table fz="sm" aria-label="Tokens" mt="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.tokens.map((token) => (
                <Table.Tr key={token.id}>
                  <Table.Td>{token.name}</Table.Td>
                  <Table.Td>
                    {token.role}
                    {token.customer ? ` (${token.customer})` : ''}
                  </Table.Td>
                  <Table.Td>
                    {formatInstant(token.createdAt, tenant)} by {token.createdBy}
                  </Table.Td>
                  <Table.Td>
                    {token.revokedAt ? (
                      `revoked ${formatInstant(token.revokedAt, tenant)}`
                    ) : (
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => revoke.mutate(token.id)}
                        loading={revoke.isPending && revoke.variables === token.id}
                      >
                        Revoke {token.name}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Section>
  );
}

function CreateToken() {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('finance');
  const [customer, setCustomer] = useState('');
  const create = useCreateToken();
  const error = create.error instanceof ApiError ? create.error : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, role, ...(role === 'customer' ? { customer } : {}) });
  };
  return (
    <Stack gap="xs" mt="xs">
      <form onSubmit={submit} aria-label="Create a token">
        <Group align="flex-start">
          <TextInput
            label="Token name"
            description="who it is for"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error?.reasonFor('name')}
          />
          <Select
            label="Role"
            description="what it may do"
            data={['admin', 'finance', 'operator', 'customer']}
            value={role}
            onChange={(value) => value && setRole(value as Role)}
            allowDeselect={false}
          />
          {role === 'customer' ? (
            <TextInput
              label="Customer ref"
              description="the customer it sees"
              value={customer}
              onChange={(e) => setCustomer(e.currentTarget.value)}
              error={error?.reasonFor('customer')}
            />
          ) : null}
          <Button type="submit" mt={42} loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </form>
      {create.data ? (
        <Alert color="teal" title="Copy this token now: it is shown once" role="status">
          <Code>{create.data.secret}</Code>
          <Text size="xs">Monthend keeps only its hash; nobody can show it again.</Text>
        </Alert>
      ) : null}
    </Stack>
  );
}
