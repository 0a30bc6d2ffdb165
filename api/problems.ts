import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An RFC 9457 problem: every error the API answers has this shape. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; reason: string }[];
  requestId?: string;
}

/** A domain error that already knows which HTTP problem it is. */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    detail?: string,
    readonly errors?: Problem['errors'],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
) {
  const body: Problem = {
    type: 'about:blank',
    title,
    status,
    ...extra,
    requestId: c.get('requestId'),
  };
  return c.body(JSON.stringify(body), status, { ...headers, 'content-type': 'application/problem+json' });
}

export const notFound = (what: string) => new ProblemError(404, 'Not Found', what);
export const invalid = (field: string, reason: string) =>
  new ProblemError(400, 'Invalid request', `${field}: ${reason}`, [{ field, reason }]);
