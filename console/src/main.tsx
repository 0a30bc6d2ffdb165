import '@mantine/core/styles.css';
import './styles.css';
import { Center, Loader, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { whenSignedOut } from './api/client';
import { ErrorNotice } from './components/QueryState';
import { SessionContext, sessionKey, useSessionQuery } from './hooks/session';
import { SignInPage } from './pages/sign-in/SignInPage';
import { router } from './routes';
import { theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

function App() {
  const session = useSessionQuery();
  const client = useQueryClient();
  // Any 401 (session ended, token revoked) returns to the sign-in page.
  useEffect(() => whenSignedOut(() => client.setQueryData(sessionKey, null)), [client]);
  if (session.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading Monthend" />
      </Center>
    );
  }
  if (session.isError) return <ErrorNotice error={session.error} what="your session" />;
  if (!session.data) return <SignInPage />;
  return (
    <SessionContext.Provider value={session.data}>
      <RouterProvider router={router} />
    </SessionContext.Provider>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <MantineProvider theme={theme}>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
