import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';

export function useSkus() {
  return useQuery({ queryKey: ['skus'], queryFn: () => must(api.GET('/v1/skus')) });
}

export function useMappings(enabled: boolean) {
  return useQuery({ queryKey: ['sku-mappings'], queryFn: () => must(api.GET('/v1/sku-mappings')), enabled });
}

export function useUnmapped(enabled: boolean) {
  return useQuery({
    queryKey: ['unmapped-elements'],
    queryFn: () => must(api.GET('/v1/unmapped-elements')),
    enabled,
  });
}

export function useVendorDiscounts(enabled: boolean) {
  return useQuery({
    queryKey: ['vendor-discounts'],
    queryFn: () => must(api.GET('/v1/vendor-discounts')),
    enabled,
  });
}

type Kind = 'plan' | 'instance' | 'application' | 'domain' | 'usage';

/** Maps a service (or one product of it) to a SKU: the unmapped list shrinks by what it covers. */
export function useCreateMapping() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { kind: Kind; service: string; product: string | null; skuCode: string }) =>
      must(api.POST('/v1/sku-mappings', { body })),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['sku-mappings'] });
      client.invalidateQueries({ queryKey: ['unmapped-elements'] });
    },
  });
}
