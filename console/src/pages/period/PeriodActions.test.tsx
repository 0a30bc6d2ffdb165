import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Session, SessionContext } from '../../hooks/session';
import { PeriodActions } from './PeriodActions';

const session = (role: Session['role']): Session => ({
  tenant: { id: 't', name: 'T', currency: 'EUR', currencyMinorUnits: 2, timeZone: 'UTC' },
  role,
  name: `${role}@t`,
  customer: null,
  expiresAt: null,
  csrfToken: 'csrf',
});

function renderActions(role: Session['role'], status: string, stage?: string) {
  return render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient()}>
        <SessionContext.Provider value={session(role)}>
          <PeriodActions period="2026-01-31" status={status} stage={stage} />
        </SessionContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

const buttons = () => screen.queryAllByRole('button').map((button) => button.textContent);

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
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
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    renderActions('finance', 'awaiting_approval', 'awaiting_approval');
    fireEvent.click(screen.getByRole('button', { name: 'Reject' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(await within(dialog).findByText('a reason is required')).toBeTruthy();
    expect(fetch).not.toHaveBeenCalled();
  });
});
