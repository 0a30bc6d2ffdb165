import { STATUS_CODES } from 'node:http';
import { z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.js';
import type { Problem } from '../problems.js';

/**
 * Errors under /odata in the OData JSON error format (OData JSON 4.01, section 21), which Power
 * Query and OData clients show to the user; /v1 keeps problem+json. Same status and headers.
 */

const Detail = z.object({ code: z.string(), message: z.string(), target: z.string().optional() });

export const ODataErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      target: z.string().optional(),
      details: z.array(Detail).optional(),
      innererror: z.object({ requestId: z.string().optional() }).optional(),
    }),
  })
  .openapi('ODataError');

export type ODataError = z.infer<typeof ODataErrorSchema>;

const odataErrorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ODataErrorSchema } },
});

/** The error answers of every /odata route, for the OpenAPI document. */
export const odataErrorResponses = {
  400: odataErrorResponse('A query option is not valid: target names it, details list every reason'),
  401: odataErrorResponse('No token, or an unknown or revoked one (with a Basic challenge)'),
  403: odataErrorResponse("The token's role may not do this"),
  404: odataErrorResponse('No such entity set or path'),
} as const;

/** `Not Found` → `NotFound`: a stable code a client can switch on. */
const codeOf = (status: number) => (STATUS_CODES[status] ?? `Error${status}`).replace(/[^A-Za-z]/g, '');

export function odataError(problem: Problem): ODataError {
  const code = codeOf(problem.status);
  const errors = problem.errors ?? [];
  const [only] = errors;
  return {
    error: {
      code,
      message: problem.detail ?? problem.title,
      ...(only && errors.length === 1 ? { target: only.field } : {}),
      ...(errors.length > 0
        ? { details: errors.map((e) => ({ code, message: e.reason, target: e.field })) }
        : {}),
      ...(problem.requestId ? { innererror: { requestId: problem.requestId } } : {}),
    },
  };
}

/**
 * Rewrites every problem answered below it: thrown errors, schema failures (the router's hook),
 * auth failures and unknown routes all become problems first, so one place converts them all.
 */
export const odataErrors = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.res.headers.get('content-type')?.startsWith('application/problem+json')) return;
  const { status } = c.res;
  const problem = (await c.res.json()) as Problem;
  const headers = new Headers(c.res.headers);
  headers.set('content-type', 'application/json');
  headers.delete('content-length');
  // Cleared first: Hono would otherwise merge the problem's headers into the new answer.
  c.res = undefined;
  c.res = new Response(JSON.stringify(odataError(problem)), { status, headers });
});
