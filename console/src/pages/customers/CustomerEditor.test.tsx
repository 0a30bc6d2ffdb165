import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Customer } from '../../hooks/customers';
import { CustomerEditor, patchOf } from './CustomerEditor';

// The typed client takes fetch when its module loads: stub it before any import runs.
const answers = vi.hoisted(() => {
  const calls: { method: string; url: string; body: unknown }[] = [];
  let next: () => Response = () => new Response('{}', { status: 500 });
  globalThis.fetch = (async (request: Request) => {
    calls.push({ method: request.method, url: request.url, body: await request.clone().json() });
    return next();
  }) as typeof fetch;
  return { calls, answer: (response: () => Response) => (next = response) };
});

const customer = (ref: string, fields: Partial<Customer> = {}): Customer => ({
  ref,
  name: `${ref} name`,
  parent: null,
  relationship: 'direct',
  resellerBilling: 'aggregate',
  tags: [],
  createdAt: '2026-01-05T08:00:00Z',
  deletedAt: null,
  depth: 0,
  invoiceTo: ref,
  ...fields,
});
const reseller = customer('res', { resellerBilling: 'on_behalf' });
const end = customer('end', { parent: 'res', relationship: 'via', depth: 1, tags: ['eu'] });

function renderEditor(edited: Customer) {
  return render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient()}>
        <CustomerEditor customer={edited} customers={[reseller, end]} />
      </QueryClientProvider>
    </MantineProvider>,
  );
}

afterEach(() => {
  cleanup();
  answers.calls.length = 0;
});

describe('patchOf', () => {
  it('sends only what changed', () => {
    const draft = {
      name: 'end name',
      parent: 'res',
      relationship: 'via',
      resellerBilling: 'aggregate',
    } as const;
    expect(patchOf(end, { ...draft, tags: 'eu' })).toEqual({});
    expect(patchOf(end, { ...draft, name: ' End Ltd ', tags: ' eu , vip,' })).toEqual({
      name: ' End Ltd ',
      tags: ['eu', 'vip'],
    });
    expect(patchOf(end, { ...draft, parent: null, relationship: 'direct', tags: 'eu' })).toEqual({
      parent: null,
      relationship: 'direct',
    });
  });
});

describe('CustomerEditor', () => {
  it('shows the API’s reason under the field it concerns, having sent only the changed field', async () => {
    answers.answer(() =>
      Response.json(
        {
          title: 'Bad Request',
          status: 400,
          detail: 'the request is invalid',
          errors: [{ field: 'name', reason: 'a name must not be empty' }],
        },
        { status: 400, headers: { 'content-type': 'application/problem+json' } },
      ),
    );
    renderEditor(end);
    const save = screen.getByRole('button', { name: 'Save customer' });
    expect(save.hasAttribute('disabled')).toBe(true);
    fireEvent.change(screen.getByRole('textbox', { name: 'Name' }), { target: { value: '  ' } });
    fireEvent.click(save);
    expect(await screen.findByText('a name must not be empty')).toBeTruthy();
    expect(answers.calls).toEqual([
      { method: 'PATCH', url: expect.stringMatching(/\/v1\/customers\/end$/), body: { name: '  ' } },
    ]);
    expect(screen.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a refusal that names no field of the form above the form', async () => {
    answers.answer(() =>
      Response.json(
        { title: 'Forbidden', status: 403, detail: 'the finance role may not PATCH /v1/customers/:ref' },
        { status: 403, headers: { 'content-type': 'application/problem+json' } },
      ),
    );
    renderEditor(end);
    fireEvent.change(screen.getByRole('textbox', { name: 'Tags' }), { target: { value: 'eu, vip' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save customer' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Forbidden: the finance role may not PATCH /v1/customers/:ref',
    );
    expect(answers.calls.map((call) => call.body)).toEqual([{ tags: ['eu', 'vip'] }]);
  });
});
