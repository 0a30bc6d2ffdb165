import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import { ProblemError, problem } from './problems.js';

/**
 * Guards every route at the edge, before authentication and handlers: text PostgreSQL cannot store
 * (NUL, invalid UTF-8, lone surrogates) and methods a known path does not have, so no route has to
 * remember either.
 */

// PostgreSQL text and jsonb refuse U+0000; a lone surrogate has no UTF-8 form at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point.
const INVALID_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function invalidText(field: string, reason: string): ProblemError {
  return new ProblemError(400, 'Invalid request', `${field}: ${reason}`, [{ field, reason }]);
}

function checkText(field: string, value: string) {
  const bad = INVALID_TEXT.exec(value);
  if (!bad) return;
  throw invalidText(field, bad[0] === '\u0000' ? 'contains a NUL character' : 'contains a lone surrogate');
}

function decode(field: string, encoded: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? encoded.replaceAll('+', ' ') : encoded);
  } catch {
    throw invalidText(field, 'not valid UTF-8 percent-encoding');
  }
}

/** Every string and key of a parsed JSON value, with its path as the validators name fields. */
function checkJson(path: string[], value: unknown) {
  if (typeof value === 'string') {
    checkText(path.join('.') || 'body', value);
  } else if (Array.isArray(value)) {
    for (const [index, element] of value.entries()) checkJson([...path, String(index)], element);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, element] of Object.entries(value)) {
      checkText([...path, key].join('.'), key);
      checkJson([...path, key], element);
    }
  }
}

function checkUrl(rawUrl: string) {
  const url = new URL(rawUrl);
  const segments = url.pathname.split('/');
  for (const segment of segments) checkText('path', decode('path', segment, false));
  for (const pair of url.search.slice(1).split('&')) {
    if (pair === '') continue;
    const [rawName = '', ...rest] = pair.split('=');
    const name = decode('query', rawName, true);
    checkText('query', name);
    checkText(name, decode(name, rest.join('='), true));
  }
}

/**
 * 400 for NUL bytes, invalid UTF-8 and lone surrogates in the path, the query, the headers and a
 * JSON or NDJSON body. The parsed JSON is left in Hono's body cache, so validators parse it once.
 */
export function rejectInvalidText(maxBodyBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    checkUrl(c.req.url);
    c.req.raw.headers.forEach((value, name) => {
      checkText(`header ${name}`, value);
    });
    const contentType = c.req.header('content-type') ?? '';
    if (c.req.raw.body !== null && /json/i.test(contentType)) {
      // Read at most the API's largest body (a change batch), never the whole of a larger one.
      const bytes = await readAtMost(c.req.raw, maxBodyBytes);
      if (bytes === undefined) {
        return problem(c, 413, 'Payload Too Large', {
          detail: `a request body may be at most ${maxBodyBytes} bytes`,
        });
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw invalidText('body', 'not valid UTF-8');
      }
      checkText('body', text);
      // The stream is spent: later readers (the body limit, a handler's text()) get the same bytes.
      c.req.raw = new Request(c.req.raw, { body: bytes });
      if (/ndjson/i.test(contentType)) {
        text.split('\n').forEach((line, index) => {
          const parsed = parseOrUndefined(line);
          if (parsed !== undefined) checkJson([`line ${index + 1}`], parsed);
        });
      } else {
        const parsed = parseOrUndefined(text);
        // Malformed JSON is the validator's to report, with its own message.
        if (parsed !== undefined) {
          checkJson([], parsed);
          c.req.bodyCache.json = Promise.resolve(parsed);
        }
      }
    }
    await next();
  };
}

async function readAtMost(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function parseOrUndefined(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * 405 with `Allow` for a method a known path does not have (TRACE, OPTIONS and the rest), read
 * from the routes the OpenAPI document lists plus the few plain ones; before authentication.
 */
export function rejectUnknownMethods(
  app: OpenAPIHono<AppEnv>,
  plainRoutes: { method: string; path: string }[],
): MiddlewareHandler<AppEnv> {
  let table: { method: string; fixed: boolean; pattern: RegExp }[] | undefined;
  const routes = () => {
    table ??= [
      ...app.openAPIRegistry.definitions.flatMap((definition) =>
        definition.type === 'route'
          ? [{ method: definition.route.method.toUpperCase(), path: definition.route.path }]
          : [],
      ),
      ...plainRoutes,
    ].map(({ method, path }) => ({
      method,
      fixed: !path.includes('{'),
      pattern: new RegExp(
        `^${path
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}/?$`,
      ),
    }));
    return table;
  };
  return async (c: Context<AppEnv>, next) => {
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    const candidates = routes().filter((route) => route.pattern.test(c.req.path));
    // A fixed path (/v1/rules/preview) is its own resource: the templated one beside it
    // (/v1/rules/{id}) does not lend it methods, as the OpenAPI document reads.
    const fixed = candidates.filter((route) => route.fixed);
    const matching = fixed.length > 0 ? fixed : candidates;
    if (matching.length > 0 && !matching.some((route) => route.method === method)) {
      const allow = [...new Set(matching.map((route) => route.method))]
        .sort((a, b) => METHODS.indexOf(a as never) - METHODS.indexOf(b as never))
        .join(', ');
      return problem(
        c,
        405,
        'Method Not Allowed',
        { detail: `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}` },
        { allow },
      );
    }
    await next();
  };
}
