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
    expect(Object.keys(document.components.securitySchemes)).toEqual(['bearer', 'basic']);
    // The validator is not vacuous: the same document without its info object fails.
    const { info: _info, ...broken } = document;
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('serves a docs page that needs no network', async () => {
    const response = await createApp({} as never).request('/docs');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("fetch('/openapi.json')");
    expect(html).not.toMatch(/https?:\/\//);
  });
});
