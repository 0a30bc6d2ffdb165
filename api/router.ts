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
          : [
              {
                field: issue.path.length > 0 ? issue.path.join('.') : fieldOf(result.target),
                reason: issue.message,
              },
            ],
      );
      return problem(c, 400, 'Invalid request', {
        detail: errors.map((e) => `${e.field}: ${e.reason}`).join('; '),
        errors,
      });
    },
  });
}

// A whole-body issue (no path) is about the body, whatever Hono calls its target.
const fieldOf = (target: string) => (target === 'json' || target === 'form' ? 'body' : target);

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

/** 415, for every operation with a body (added in app.ts): which media types it accepts. */
export const unsupportedMediaType = (accepted: string[]) =>
  problemResponse(`The body is not ${accepted.join(' or ')}: the problem lists the accepted types`);

// Years 1000-9999, months 01-12, days 01-31; the refinement below removes the days a month lacks.
const DATE_PATTERN = /^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const security: Record<string, string[]>[] = [{ bearer: [] }, { basic: [] }];

/** A local date, strictly YYYY-MM-DD, and a real one: no month 00, no 30 February. */
export const LocalDateSchema = z
  .string()
  .regex(DATE_PATTERN, { message: 'a date as YYYY-MM-DD', abort: true })
  .refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    'not a calendar date',
  )
  .openapi({ example: '2026-01-31', format: 'date', pattern: DATE_PATTERN.source });

/**
 * The largest id a JSON number carries exactly (2^53 - 1), below PostgreSQL's bigint: zod's int()
 * enforces it but does not document it, so id schemas state it as their maximum.
 */
export const MAX_ID = Number.MAX_SAFE_INTEGER;
/** Revisions are PostgreSQL integers. */
export const MAX_INT32 = 2_147_483_647;

/** A numeric id in the path (`/{id}`): a positive integer, else a 400 naming `id`. */
export const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, maximum: MAX_ID }),
});

/**
 * A PATCH body must change something: no body or `{}` is a 400 naming `body`, before anything is
 * stamped with the caller's name.
 */
export function nonEmptyPatch<T extends z.ZodObject>(schema: T) {
  return schema
    .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
      message: 'send at least one field to change',
      // An unknown field is the one error to report, not also "nothing to change".
      when: (payload) => payload.issues.length === 0,
    })
    .openapi({ minProperties: 1 });
}

/** A JSON response of a route, for the OpenAPI document. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
