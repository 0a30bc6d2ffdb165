import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';

type Role = 'admin' | 'finance' | 'operator' | 'customer';

export function useTokens(enabled: boolean) {
  return useQuery({ queryKey: ['tokens'], queryFn: () => must(api.GET('/v1/tokens')), enabled });
}

/** The new token's secret is in this answer only: the page shows it once and keeps it nowhere. */
export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; role: Role; customer?: string }) =>
      must(api.POST('/v1/tokens', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tokens'] }),
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => {
      const { error, response } = await api.DELETE('/v1/tokens/{id}', { params: { path: { id } } });
      if (error || !response.ok) throw new Error(`revoking token ${id} failed (${response.status})`);
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['tokens'] }),
  });
}
