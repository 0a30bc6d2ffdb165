import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { AppEnv } from './context.js';
import { problem } from './problems.js';

const require = (await import('node:module')).createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built console lives: `console/dist`, unless MONTHEND_CONSOLE_DIR says otherwise. */
export const consoleDist = path.resolve(
  process.env.MONTHEND_CONSOLE_DIR ?? path.join(here, '../console/dist'),
);

// Paths the API owns: the console's fallback never answers for them, so an unknown API path stays a 404 problem.
const API_PREFIXES = ['/v1', '/odata', '/health', '/docs', '/openapi.json'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// Mantine sets inline styles; every script is a same-origin file, so none runs inline.
const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * `/docs` (Scalar's API reference, its script served from the installed package: no CDN) and the
 * console's built assets at `/`, with the SPA fallback to index.html for client routes.
 */
export function serveConsole(app: OpenAPIHono<AppEnv>): void {
  const scalarScript = require.resolve('@scalar/api-reference/browser/standalone.js');
  app.get('/docs/scalar.js', async (c) =>
    c.body(await readFile(scalarScript), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    }),
  );
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      cdn: '/docs/scalar.js',
      pageTitle: 'Monthend API',
      withDefaultFonts: false,
      hideClientButton: true,
      authentication: { preferredSecurityScheme: 'bearer' },
    }),
  );

  app.get('*', async (c, next) => {
    const url = c.req.path;
    // The API's own paths are never the console's: routes registered later, else the API's 404 problem.
    if (API_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))) return next();
    const file = path.resolve(consoleDist, `.${decodeURIComponent(url)}`);
    const inside = file.startsWith(`${consoleDist}${path.sep}`);
    if (inside && path.extname(file) !== '' && existsSync(file)) {
      const immutable = url.startsWith('/assets/');
      return c.body(await readFile(file), 200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      });
    }
    if (path.extname(url) !== '' && !url.endsWith('.html')) {
      return problem(c, 404, 'Not Found', { detail: `no file ${url}` });
    }
    return c.html(await indexHtml(), 200, {
      'cache-control': 'no-cache',
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
    });
  });
}

async function indexHtml(): Promise<string> {
  const index = path.join(consoleDist, 'index.html');
  if (!existsSync(index)) {
    return (
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Monthend</title></head><body>' +
      '<main><h1>Monthend</h1><p>The console is not built: run <code>npm run console:build</code> ' +
      '(<code>npm start</code> builds it for you).</p><p><a href="/docs">API reference</a></p></main></body></html>'
    );
  }
  const html = await readFile(index, 'utf8');
  // The Temporal UI's address is only known at run time: handed to the console in a meta tag.
  const temporalUi = process.env.MONTHEND_TEMPORAL_UI_URL ?? '';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  return html.replace(
    '<meta name="monthend-config" content="">',
    `<meta name="monthend-config" content="${escapeAttr(JSON.stringify({ temporalUi, namespace }))}">`,
  );
}

function escapeAttr(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}
