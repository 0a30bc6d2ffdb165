import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, must } from '../api/client';
import type { components } from '../api/schema';

export type TotalsRow = components['schemas']['TotalsRow'];
export type Level = 'customer' | 'invoice_to' | 'reseller';

export function useTotals(period: string, level: Level) {
  return useQuery({
    queryKey: ['periods', period, 'totals', level],
    queryFn: () =>
      must(api.GET('/v1/periods/{period}/totals', { params: { path: { period }, query: { level } } })),
  });
}

export function useServiceSummary(period: string) {
  return useQuery({
    queryKey: ['periods', period, 'service-summary'],
    queryFn: () => must(api.GET('/v1/periods/{period}/service-summary', { params: { path: { period } } })),
  });
}

export interface ItemFilters {
  customer?: string;
  sku?: string;
  vendor?: string;
  billable?: 'true' | 'false';
}

/** One keyset page of items: `after` is the last id of the previous page. */
export function useItems(period: string, filters: ItemFilters, after: number, limit = 200) {
  return useQuery({
    queryKey: ['periods', period, 'items', filters, after, limit],
    queryFn: () =>
      must(
        api.GET('/v1/periods/{period}/items', {
          params: { path: { period }, query: { ...filters, after, limit } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useComparison(period: string) {
  return useQuery({
    queryKey: ['periods', period, 'comparison'],
    queryFn: () => must(api.GET('/v1/periods/{period}/comparison', { params: { path: { period } } })),
  });
}

export type GridSort = 'id' | 'amount' | '-amount' | 'customer' | '-customer';
export interface GridQuery extends ItemFilters {
  q?: string;
  sort?: GridSort;
  cursor?: string;
}

/** One page of the Service Detail grid: filtered, searched, sorted and keyset-paged by the API. */
export function useServiceDetail(period: string, query: GridQuery, limit = 200) {
  return useQuery({
    queryKey: ['periods', period, 'service-detail', query, limit],
    queryFn: () =>
      must(
        api.GET('/v1/periods/{period}/service-detail', {
          params: { path: { period }, query: { ...query, limit } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useExplanation(id: number) {
  return useQuery({
    queryKey: ['items', id, 'explanation'],
    queryFn: () => must(api.GET('/v1/items/{id}/explanation', { params: { path: { id } } })),
  });
}
