import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ApiError, api, must } from '../api/client';
import type { components } from '../api/schema';

export type Period = components['schemas']['Period'];
export type CloseProgress = NonNullable<components['schemas']['CloseProgress']>;

/** Stages during which a run is working: the console polls until it settles. */
const RUNNING = new Set(['opening', 'generating', 'locking', 'exporting']);
export const isRunning = (stage: string | undefined) => stage !== undefined && RUNNING.has(stage);
const POLL_MS = 1500;

export function usePeriods() {
  return useQuery({
    queryKey: ['periods'],
    queryFn: () => must(api.GET('/v1/periods')),
    refetchInterval: (query) =>
      query.state.data?.periods.some((period) => period.status === 'generating') ? POLL_MS : false,
  });
}

export function usePeriod(period: string) {
  return useQuery({
    queryKey: ['periods', period],
    queryFn: () => must(api.GET('/v1/periods/{period}', { params: { path: { period } } })),
    // A close just started opens its period a moment later: a 404 is retried for a few seconds.
    retry: (count, error) => error instanceof ApiError && error.problem.status === 404 && count < 8,
    retryDelay: 1000,
    refetchInterval: (query) => {
      const data = query.state.data;
      return isRunning(data?.progress?.stage) || data?.period.status === 'generating' ? POLL_MS : false;
    },
  });
}

/**
 * The period's figures (totals, comparison, views) were read at some stage of its run: when the run
 * moves on (generated, reprocessed, a new revision), they are read again, without a reload.
 */
export function useFiguresFollowRun(period: string, state: string | undefined): void {
  const client = useQueryClient();
  const seen = useRef(state);
  useEffect(() => {
    if (seen.current === state) return;
    seen.current = state;
    client.invalidateQueries({
      predicate: (query) =>
        query.queryKey[0] === 'periods' && query.queryKey[1] === period && query.queryKey.length > 2,
    });
  }, [client, period, state]);
}

export type PeriodAction = 'close' | 'approve' | 'reject' | 'reprocess' | 'reopen';

/** One decision or run control on a period; every period view refreshes after it. */
export function usePeriodAction(period: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, text }: { action: PeriodAction; text?: string }) => {
      const params = { params: { path: { period } } };
      switch (action) {
        case 'close':
          return must(api.POST('/v1/periods/{period}/close', { ...params, body: {} }));
        case 'approve':
          return must(
            api.POST('/v1/periods/{period}/approve', { ...params, body: text ? { note: text } : {} }),
          );
        case 'reject':
          return must(api.POST('/v1/periods/{period}/reject', { ...params, body: { reason: text ?? '' } }));
        case 'reprocess':
          return must(
            api.POST('/v1/periods/{period}/reprocess', { ...params, body: text ? { reason: text } : {} }),
          );
        case 'reopen': {
          const started = await must(
            api.POST('/v1/periods/{period}/reopen', { ...params, body: { reason: text ?? '' } }),
          );
          await newRevisionOpened(period);
          return started;
        }
      }
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['periods'] }),
  });
}

/**
 * The new revision's row is written by its run's first activity, a moment after the API accepts the
 * reopen: until then the period reads as the approved revision, which the page would never poll again.
 */
async function newRevisionOpened(period: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const { data } = await api.GET('/v1/periods/{period}', { params: { path: { period } } });
    const status = data?.period?.status;
    if (status !== undefined && status !== 'approved' && status !== 'exported') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The run's id in Temporal, as workflows/client.ts names it. */
export function closeWorkflowId(tenantId: string, periodEnd: string, revision: number): string {
  return revision === 1 ? `close:${tenantId}:${periodEnd}` : `close:${tenantId}:${periodEnd}:r${revision}`;
}
