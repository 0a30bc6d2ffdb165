import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';
import { problem } from './problems.js';

/**
 * A router whose request schemas validate at the edge and document the route at once: a request
 * that fails its schema gets a 400 problem listing every field and reason, before any handler runs.
 */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      // An unknown key is reported under its own name, so the caller sees which field to drop.
      const errors = result.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), reason: 'unknown field' }))
          : [{ field: issue.path.length > 0 ? issue.path.join('.') : result.target, reason: issue.message }],
      );
      return problem(c, 400, 'Invalid request', {
        detail: errors.map((e) => `${e.field}: ${e.reason}`).join('; '),
        errors,
      });
    },
  });
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .openapi('Problem');

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The error answers every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: problemResponse('The request does not match its schema: every field and reason is listed'),
  401: problemResponse('No token, or an unknown or revoked one'),
  403: problemResponse("The token's role may not do this"),
  404: problemResponse('Not found in the caller’s tenant (or customer scope)'),
} as const;

export const security: Record<string, string[]>[] = [{ bearer: [] }, { basic: [] }];

/** A local date, strictly YYYY-MM-DD. */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    'not a calendar date',
  )
  .openapi({ example: '2026-01-31' });

/** A numeric id in the path (`/{id}`): a positive integer, else a 400 naming `id`. */
export const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' } }),
});
