import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';
import type { components, paths } from '../api/schema';

export type Customer = components['schemas']['Customer'];
export type CustomerPatch = NonNullable<
  paths['/v1/customers/{ref}']['patch']['requestBody']
>['content']['application/json'];

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

/** Renames, moves or re-tags a customer from now on; the tree and its name histories refetch. */
export function useUpdateCustomer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ ref, patch }: { ref: string; patch: CustomerPatch }) =>
      must(api.PATCH('/v1/customers/{ref}', { params: { path: { ref } }, body: patch })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['customers'] }),
  });
}
