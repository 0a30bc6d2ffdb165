import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Session, SessionContext } from '../../hooks/session';
import { PeriodActions } from './PeriodActions';

// The typed client takes fetch when its module loads: stub it before any import runs. Each call
// waits until the test answers it, so a test can change the page while the call is under way.
const calls = vi.hoisted(() => {
  const pending: { url: string; body: unknown; answer: (response: Response) => void }[] = [];
  globalThis.fetch = (async (request: Request) => {
    const body = await request.json();
    return new Promise<Response>((answer) => pending.push({ url: request.url, body, answer }));
  }) as typeof fetch;
  return pending;
});

const session = (role: Session['role']): Session => ({
  tenant: { id: 't', name: 'T', currency: 'EUR', currencyMinorUnits: 2, timeZone: 'UTC' },
  role,
  name: `${role}@t`,
  customer: null,
  expiresAt: null,
  csrfToken: 'csrf',
});

function actions(role: Session['role'], status: string, stage?: string, client = new QueryClient()) {
  return (
    <MantineProvider>
      <QueryClientProvider client={client}>
        <SessionContext.Provider value={session(role)}>
          <PeriodActions period="2026-01-31" status={status} stage={stage} />
        </SessionContext.Provider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

function renderActions(role: Session['role'], status: string, stage?: string) {
  return render(actions(role, status, stage));
}

const buttons = () => screen.queryAllByRole('button').map((button) => button.textContent);

afterEach(() => {
  cleanup();
  calls.length = 0;
});

describe('PeriodActions', () => {
  it('offers each role only the actions the API allows it, for the period as it stands', () => {
    renderActions('finance', 'awaiting_approval', 'awaiting_approval');
    expect(buttons()).toEqual(['Approve', 'Reject']);
    cleanup();
    renderActions('operator', 'awaiting_approval', 'awaiting_approval');
    expect(buttons()).toEqual(['Reprocess']);
    cleanup();
    renderActions('admin', 'exported', 'exported');
    expect(buttons()).toEqual(['Reopen']);
    cleanup();
    renderActions('customer', 'awaiting_approval', 'awaiting_approval');
    expect(buttons()).toEqual([]);
    cleanup();
    renderActions('finance', 'generating', 'generating');
    expect(buttons()).toEqual([]);
  });

  it('asks for a reason before rejecting, without calling the API', async () => {
    renderActions('finance', 'awaiting_approval', 'awaiting_approval');
    fireEvent.click(screen.getByRole('button', { name: 'Reject' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(await within(dialog).findByText('a reason is required')).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it('does not bring the dialog back when the period returns to a stage with buttons', async () => {
    const client = new QueryClient();
    const view = render(actions('finance', 'awaiting_approval', 'awaiting_approval', client));
    fireEvent.click(screen.getByRole('button', { name: 'Reject' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Reason' }), {
      target: { value: 'Northwind support is free' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.body).toEqual({ reason: 'Northwind support is free' });
    // The page refreshes while the call is under way: rejected, finance has no button left.
    view.rerender(actions('finance', 'awaiting_approval', 'rejected', client));
    expect(screen.queryByRole('dialog')).toBeNull();
    await act(async () => calls[0]?.answer(Response.json({ progress: { stage: 'rejected' } })));
    // Reprocessed by an operator: awaiting approval again, with the buttons and no stale dialog.
    view.rerender(actions('finance', 'awaiting_approval', 'awaiting_approval', client));
    expect(screen.getByRole('button', { name: 'Reject' })).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
