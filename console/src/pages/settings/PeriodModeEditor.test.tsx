import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Session, SessionContext } from '../../hooks/session';
import { PeriodModeEditor } from './PeriodModeEditor';

// The typed client takes fetch when its module loads: stub it before any import runs.
const requests = vi.hoisted(() => {
  const seen: { method: string; url: URL; body: unknown }[] = [];
  globalThis.fetch = (async (request: Request) => {
    const url = new URL(request.url);
    seen.push({ method: request.method, url, body: request.method === 'GET' ? null : await request.json() });
    const answer =
      request.method === 'GET'
        ? {
            effectiveFrom: '2026-02-01',
            periods: [{ startDate: '2026-02-01', endDate: '2026-02-28', days: 28 }],
          }
        : {};
    return Response.json(answer);
  }) as typeof fetch;
  return seen;
});

const admin: Session = {
  tenant: { id: 't', name: 'T', currency: 'EUR', currencyMinorUnits: 2, timeZone: 'UTC' },
  role: 'admin',
  name: 'admin@t',
  customer: null,
  expiresAt: null,
  csrfToken: 'csrf',
};

function renderEditor(current: 'fixed_day' | 'days_before_end', day: number) {
  return render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient()}>
        <SessionContext.Provider value={admin}>
          <PeriodModeEditor current={current} day={day} />
        </SessionContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

afterEach(() => {
  cleanup();
  requests.length = 0;
});

describe('PeriodModeEditor', () => {
  it('previews and saves days_before_end 0 (the month’s last day), not a period without its day', async () => {
    renderEditor('days_before_end', 0);
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]?.url.pathname).toBe('/v1/tenant/period-preview');
    expect(Object.fromEntries(requests[0]?.url.searchParams ?? [])).toEqual({
      mode: 'days_before_end',
      day: '0',
      count: '4',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save period mode' }));
    await screen.findByRole('status');
    expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { period: { mode: 'days_before_end', day: 0 } },
    ]);
  });

  it('keeps a fixed day past 28 (billing.md allows 1..31): the input does not clamp it', async () => {
    renderEditor('fixed_day', 31);
    const day = screen.getByRole('textbox', { name: 'Day of the month' });
    fireEvent.focus(day);
    fireEvent.blur(day);
    expect((day as HTMLInputElement).value).toBe('31');
    fireEvent.click(screen.getByRole('button', { name: 'Save period mode' }));
    await screen.findByRole('status');
    expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { period: { mode: 'fixed_day', day: 31 } },
    ]);
  });
});
