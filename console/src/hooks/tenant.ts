import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';

export type PeriodMode = 'calendar' | 'fixed_day' | 'days_before_end';

export function useTenant() {
  return useQuery({ queryKey: ['tenant'], queryFn: () => must(api.GET('/v1/tenant')) });
}

/** The next periods a period mode would cut, from where the change would take effect. */
export function usePeriodPreview(mode: PeriodMode, day: number | null) {
  return useQuery({
    queryKey: ['tenant', 'period-preview', mode, day],
    queryFn: () =>
      must(
        api.GET('/v1/tenant/period-preview', {
          params: { query: { mode, ...(day !== null ? { day } : {}), count: 4 } },
        }),
      ),
    retry: false,
  });
}

export function useSetPeriodMode() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (period: { mode: PeriodMode; day?: number }) =>
      must(api.PATCH('/v1/tenant', { body: { period } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenant'] }),
  });
}
