import { Alert, Button, Card, Center, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { useSignIn } from '../../hooks/session';

/** Paste a token once: it is exchanged for a session cookie and kept nowhere in the browser. */
export function SignInPage() {
  const [token, setToken] = useState('');
  const signIn = useSignIn();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) signIn.mutate(token);
  };
  const error = signIn.error instanceof ApiError ? signIn.error.problem : undefined;
  return (
    <Center mih="100vh" component="main">
      <Card withBorder shadow="sm" w={440} padding="lg">
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h3">
              Sign in to Monthend
            </Title>
            <Text size="sm" c="dimmed">
              Paste the token you were given (from <code>npm run token</code> or an admin). It is exchanged
              for a session and not stored in this browser.
            </Text>
            <PasswordInput
              label="API token"
              placeholder="mt_…"
              value={token}
              onChange={(event) => setToken(event.currentTarget.value)}
              autoFocus
              required
              autoComplete="off"
            />
            {error ? (
              <Alert color="red" role="alert" title="Not signed in">
                {error.status === 401
                  ? 'This token is unknown or revoked.'
                  : `${error.title}: ${error.detail ?? ''}`}
              </Alert>
            ) : null}
            <Button type="submit" loading={signIn.isPending}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
