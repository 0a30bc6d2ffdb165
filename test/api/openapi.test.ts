import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document generated from the routes', async () => {
    const app = createApp({} as never);
    const response = await app.request('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      info: unknown;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(document.components.securitySchemes)).toEqual(['bearer', 'basic', 'cookie']);
    // The validator is not vacuous: the same document without its info object fails.
    const { info: _info, ...broken } = document;
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('serves Scalar’s API reference from the installed package, needing no network', async () => {
    const app = createApp({} as never);
    const response = await app.request('/docs');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<script src="/docs/scalar.js"></script>');
    expect(html).toContain('/openapi.json');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const script = await app.request('/docs/scalar.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
  });

  it('leaves unknown API paths to the API and every other path to the console', async () => {
    const app = createApp({} as never);
    const api = await app.request('/health/nope/more');
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
    const client = await app.request('/periods/2026-01-31');
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(client.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    expect((await app.request('/..%2fpackage.json')).status).not.toBe(200);
  });
});
