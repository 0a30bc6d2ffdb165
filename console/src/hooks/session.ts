import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { ApiError, api, must, setCsrfToken } from '../api/client';
import type { components } from '../api/schema';
import { type Ability, can } from '../permissions';

export type Session = components['schemas']['Session'];

export const sessionKey = ['session'] as const;

/** Who is signed in; a 401 means nobody (the sign-in page shows), any other failure is an error. */
export function useSessionQuery() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async () => {
      try {
        const session = await must(api.GET('/v1/session'));
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.problem.status === 401) return null;
        throw error;
      }
    },
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Exchanges the pasted token for the session cookie; the token is sent once and kept nowhere. */
export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (token: string) =>
      must(api.POST('/v1/session', { headers: { authorization: `Bearer ${token.trim()}` } })),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      forgetAllButSession(client);
      client.setQueryData(sessionKey, session);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await api.DELETE('/v1/session');
    },
    onSettled: () => {
      setCsrfToken(null);
      forgetAllButSession(client);
      client.setQueryData(sessionKey, null);
    },
  });
}

/** Drops every cached answer of the previous session; the session query itself stays observed. */
function forgetAllButSession(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session: pages render only inside the signed-in shell, so it is always there. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}

export function useCan(ability: Ability): boolean {
  return can(useSession().role, ability);
}
