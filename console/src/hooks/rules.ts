import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';
import type { components } from '../api/schema';

export type Rule = components['schemas']['Rule'];
export type RulePreview = components['schemas']['RulePreview'];
export const CRITERIA = [
  'customer',
  'customerPattern',
  'customerTag',
  'userPattern',
  'sku',
  'vendor',
  'service',
  'kind',
] as const;
export type Criterion = (typeof CRITERIA)[number];
type Kind = 'plan' | 'instance' | 'application' | 'domain' | 'usage';

/** A rule as the form holds it: empty strings are unset criteria and open ends. */
export interface RuleDraft {
  name: string;
  from: string;
  to: string;
  criteria: Record<Criterion, string>;
}

export function draftBody(draft: RuleDraft) {
  const criteria: Partial<Record<Criterion, string>> = {};
  for (const key of CRITERIA) if (draft.criteria[key].trim()) criteria[key] = draft.criteria[key].trim();
  return {
    name: draft.name.trim(),
    from: draft.from || null,
    to: draft.to || null,
    criteria: criteria as Partial<Record<Exclude<Criterion, 'kind'>, string>> & { kind?: Kind },
  };
}

export function useRules() {
  return useQuery({ queryKey: ['rules'], queryFn: () => must(api.GET('/v1/rules')) });
}

export function useRulePreview() {
  return useMutation({
    mutationFn: ({ draft, id }: { draft: RuleDraft; id?: number }) =>
      must(api.POST('/v1/rules/preview', { body: { rule: draftBody(draft), ...(id ? { id } : {}) } })),
  });
}

/** Creates or edits a rule; with `reprocess` the API re-applies rules to the periods it touches. */
export function useSaveRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ draft, id, reprocess }: { draft: RuleDraft; id?: number; reprocess: boolean }) => {
      const query = { reprocess: reprocess ? ('true' as const) : ('false' as const) };
      const body = draftBody(draft);
      if (id === undefined) return must(api.POST('/v1/rules', { params: { query }, body }));
      // An edit names every criterion: a cleared one is sent as null, which removes it.
      const criteria = Object.fromEntries(CRITERIA.map((key) => [key, body.criteria[key] ?? null]));
      return must(
        api.PATCH('/v1/rules/{id}', { params: { path: { id }, query }, body: { ...body, criteria } }),
      );
    },
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['rules'] });
      client.invalidateQueries({ queryKey: ['periods'] });
    },
  });
}

export function useEndRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, on, reprocess }: { id: number; on: string; reprocess: boolean }) =>
      must(
        api.POST('/v1/rules/{id}/end', {
          params: { path: { id }, query: { reprocess: reprocess ? 'true' : 'false' } },
          body: { on },
        }),
      ),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['rules'] });
      client.invalidateQueries({ queryKey: ['periods'] });
    },
  });
}
