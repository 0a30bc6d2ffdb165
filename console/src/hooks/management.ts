import { useQuery } from '@tanstack/react-query';
import { api, must } from '../api/client';

export interface MonthRange {
  from: string;
  to: string;
}

export function useManagement(range: MonthRange) {
  return useQuery({
    queryKey: ['management', range],
    queryFn: () => must(api.GET('/v1/management', { params: { query: range } })),
  });
}

export function useTrends(range: MonthRange) {
  return useQuery({
    queryKey: ['management', 'trends', range],
    queryFn: () => must(api.GET('/v1/management/trends', { params: { query: range } })),
  });
}
