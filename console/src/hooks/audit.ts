import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, must } from '../api/client';

/** One page of the audit log, newest first; `before` is the previous page's `next`. */
export function useAudit(enabled: boolean, before?: number) {
  return useQuery({
    queryKey: ['audit', before],
    queryFn: () =>
      must(api.GET('/v1/audit', { params: { query: { limit: 50, ...(before ? { before } : {}) } } })),
    enabled,
    placeholderData: keepPreviousData,
  });
}
