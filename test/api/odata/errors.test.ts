import { describe, expect, it } from 'vitest';
import { admin, api, get } from './feed.js';

describe('errors', () => {
  /** The OData JSON error body, its request id taken from the answer's header. */
  const odataError = (
    response: { headers: Headers },
    code: string,
    message: string,
    errors: { field: string; reason: string }[] = [],
  ) => ({
    error: {
      code,
      message,
      ...(errors.length === 1 ? { target: errors[0]?.field } : {}),
      ...(errors.length > 0
        ? { details: errors.map((e) => ({ code, message: e.reason, target: e.field })) }
        : {}),
      innererror: { requestId: response.headers.get('x-request-id') },
    },
  });

  it('answers a bad $filter with a 400 OData error naming the option and the position', async () => {
    const response = await get(`/odata/Items?$filter=${encodeURIComponent('amount gt')}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('odata-version')).toBe('4.0');
    expect(response.headers.get('content-type')).toBe('application/json');
    const reason = 'expected a field or a value, found the end of $filter at position 9';
    expect(response.json).toEqual(
      odataError(response, 'BadRequest', `$filter: ${reason}`, [{ field: '$filter', reason }]),
    );
    const unknown = await get(`/odata/Items?$filter=${encodeURIComponent("amount gt 1 and price eq 'x'")}`);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.target).toBe('$filter');
    expect(unknown.json.error.details[0].message).toMatch(
      /^unknown field 'price' \(known: id, periodId, .*\) at position 16$/,
    );
  });

  it('rejects unknown fields in $select and $orderby, bad options, tokens, sets and keys', async () => {
    const select = await get('/odata/Items?$select=id,nope');
    expect(select.status).toBe(400);
    expect(select.headers.get('content-type')).toBe('application/json');
    expect(select.json.error).toMatchObject({ code: 'BadRequest', target: '$select' });
    expect(select.json.error.details[0].message).toMatch(/^unknown field 'nope' \(known: id, /);
    const orderby = await get('/odata/Items?$orderby=amount sideways');
    const sideways = "expected 'field asc' or 'field desc', got 'amount sideways'";
    expect(orderby.json).toEqual(
      odataError(orderby, 'BadRequest', `$orderby: ${sideways}`, [{ field: '$orderby', reason: sideways }]),
    );
    expect((await get('/odata/Items?$top=-1')).json.error.target).toBe('$top');
    // $expand itself is supported (expand.test.ts); an unknown navigation is refused by name.
    const expand = await get('/odata/Items?$expand=Customers');
    expect(expand.status).toBe(400);
    expect(expand.json.error).toMatchObject({ code: 'BadRequest', target: '$expand' });
    const token = await get('/odata/Items?$skiptoken=bm9wZQ');
    const refused = 'not a token of this query: follow @odata.nextLink as given';
    expect(token.json).toEqual(
      odataError(token, 'BadRequest', `$skiptoken: ${refused}`, [{ field: '$skiptoken', reason: refused }]),
    );
    const set = await get('/odata/Invoices');
    expect(set.status).toBe(404);
    expect(set.headers.get('content-type')).toBe('application/json');
    expect(set.json).toEqual(odataError(set, 'NotFound', "no entity set 'Invoices'"));
    // A key segment is not served: an unknown path, answered as an OData error too.
    const key = await get('/odata/Items(abc)');
    expect(key.status).toBe(404);
    expect(key.json).toEqual(odataError(key, 'NotFound', "no entity set 'Items(abc)'"));
    const deeper = await get('/odata/Items/1/amount');
    expect(deeper.status).toBe(404);
    expect(deeper.json).toEqual(odataError(deeper, 'NotFound', 'no route for GET /odata/Items/1/amount'));
  });

  it('answers the guards in front of the feed (bad text, unknown methods) as OData errors too', async () => {
    const nul = await get('/odata/Items?$skiptoken=%00');
    expect(nul.status).toBe(400);
    expect(nul.headers.get('content-type')).toBe('application/json');
    expect(nul.json).toEqual(
      odataError(nul, 'BadRequest', '$skiptoken: contains a NUL character', [
        { field: '$skiptoken', reason: 'contains a NUL character' },
      ]),
    );
    const post = await api.call('POST', '/odata/Items', admin, {});
    expect(post.status).toBe(405);
    expect(post.headers.get('content-type')).toBe('application/json');
    expect(post.json.error.code).toBe('MethodNotAllowed');
  });

  it('documents the OData error format for every /odata error answer in the OpenAPI document', async () => {
    const document = (await api.call('GET', '/openapi.json')).json;
    const odata = Object.entries(document.paths).filter(([path]) => path.startsWith('/odata'));
    expect(odata.map(([path]) => path)).toEqual([
      '/odata',
      '/odata/$metadata',
      '/odata/{entitySet}/$count',
      '/odata/{entitySet}',
    ]);
    for (const [, operations] of odata) {
      const { responses } = (operations as { get: { responses: Record<string, { content: object }> } }).get;
      for (const status of ['400', '401', '403', '404'])
        expect(responses[status]?.content).toEqual({
          'application/json': { schema: { $ref: '#/components/schemas/ODataError' } },
        });
    }
  });

  it('keeps problem+json on /v1', async () => {
    const response = await get('/v1/periods/abc');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json).toMatchObject({ title: 'Invalid request', errors: [{ field: 'period' }] });
  });
});
