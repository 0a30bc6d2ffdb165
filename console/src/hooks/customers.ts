import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';
import type { components } from '../api/schema';

export type Customer = components['schemas']['Customer'];

export function useCustomers() {
  return useQuery({ queryKey: ['customers'], queryFn: () => must(api.GET('/v1/customers')) });
}

export function useCustomerNameHistory(ref: string | null) {
  return useQuery({
    queryKey: ['customers', ref, 'name-history'],
    queryFn: () =>
      must(api.GET('/v1/customers/{ref}/name-history', { params: { path: { ref: ref ?? '' } } })),
    enabled: ref !== null,
  });
}

export function useUpdateCustomer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ ref, tags }: { ref: string; tags: string[] }) =>
      must(api.PATCH('/v1/customers/{ref}', { params: { path: { ref } }, body: { tags } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['customers'] }),
  });
}
