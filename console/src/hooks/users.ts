import { useQuery } from '@tanstack/react-query';
import { api, must } from '../api/client';

export function useUsers(customer: string | null) {
  return useQuery({
    queryKey: ['users', customer],
    queryFn: () =>
      must(api.GET('/v1/users', { params: { query: { customer: customer ?? '', limit: 1000 } } })),
    enabled: customer !== null,
  });
}

export function useUserNameHistory(ref: string | null) {
  return useQuery({
    queryKey: ['users', ref, 'name-history'],
    queryFn: () => must(api.GET('/v1/users/{ref}/name-history', { params: { path: { ref: ref ?? '' } } })),
    enabled: ref !== null,
  });
}

/** "What is used and by whom": a user's items, month by month. */
export function useUserItemsByMonth(ref: string | null, months: { from: string; to: string }) {
  return useQuery({
    queryKey: ['users', ref, 'items-by-month', months],
    queryFn: () =>
      must(
        api.GET('/v1/users/{ref}/items-by-month', { params: { path: { ref: ref ?? '' }, query: months } }),
      ),
    enabled: ref !== null,
  });
}
