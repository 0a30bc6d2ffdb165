import { Context } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import {
  consoleUnderTest,
  expectAccessible,
  newPage,
  screenshot,
  signIn,
  steps,
} from '../support/browser.js';
import { seedConsoleTenant } from './seed.js';

const { database, sql, temporal, api, url, browser } = await consoleUnderTest();
const tenant = await seedConsoleTenant(sql, api);

/**
 * Shards that wait for the test's permission before computing, so a close stays under way while the
 * page is read; the waiting shard heartbeats, as the real one does while its SQL runs.
 */
const gate = { permits: 0, waiting: [] as (() => void)[] };
function permit(shards: number): void {
  gate.permits += shards;
  while (gate.permits > 0 && gate.waiting.length > 0) {
    gate.permits -= 1;
    gate.waiting.shift()?.();
  }
}
async function permitted(): Promise<void> {
  if (gate.permits > 0) {
    gate.permits -= 1;
    return;
  }
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat(), 2_000);
  await new Promise<void>((resolve) => gate.waiting.push(resolve));
  clearInterval(beat);
}
const real = createActivities(database);
const gated = {
  ...real,
  // Two items a shard: December's five items make several shards, so progress has steps to show.
  preparePeriod: (input: { periodId: number; itemsPerShard: number }) =>
    real.preparePeriod({ ...input, itemsPerShard: 2 }),
  computeShard: async (input: Parameters<typeof real.computeShard>[0]) => {
    await permitted();
    return real.computeShard(input);
  },
};

const progressOf = async () =>
  (await api.call('GET', '/v1/periods/2025-12-31', tenant.tokens.operator)).json.progress as {
    stage: string;
    shardsDone: number;
    shardsTotal: number;
  } | null;

describe('a close under way in the console', () => {
  it('shows an operator the live progress of the close it started, shard by shard', async () => {
    const page = await newPage(browser);
    page.setDefaultTimeout(20_000);
    await steps(page, 'progress', () =>
      temporal.withWorker(
        database,
        async () => {
          try {
            await underWay();
          } finally {
            // A failed step must not leave shards waiting: the worker's shutdown waits for them.
            permit(1_000);
          }
        },
        { activities: gated },
      ),
    );
    async function underWay() {
      await signIn(page, url, tenant.tokens.operator);
      await page.getByLabel('Close the period holding').fill('2025-12-31');
      await page.getByRole('button', { name: 'Start close' }).click();
      await page.getByRole('heading', { name: 'Period 1–31 Dec 2025' }).waitFor();

      await expect
        .poll(progressOf, { timeout: 30_000 })
        .toMatchObject({ stage: 'generating', shardsDone: 0 });
      const total = (await progressOf())?.shardsTotal ?? 0;
      expect(total).toBeGreaterThan(1);
      const status = page.getByText(/^generating: \d+ of \d+ shards$/);
      await expect.poll(() => status.textContent()).toBe(`generating: 0 of ${total} shards`);
      await page
        .getByText('The close is computing this period: its totals appear here when it finishes.')
        .waitFor();
      await expectAccessible(page, 'a close under way');

      permit(1);
      await expect.poll(() => status.textContent()).toBe(`generating: 1 of ${total} shards`);
      expect(await progressOf()).toMatchObject({
        stage: 'generating',
        shardsDone: 1,
        shardsTotal: total,
      });
      expect(
        await page.getByRole('progressbar', { name: 'Shards computed' }).getAttribute('aria-valuenow'),
      ).toBe(String(Math.round(100 / total)));
      await screenshot(page, '20-close-progress');

      // The rest of the shards: the page turns to the totals by itself, with no reload.
      permit(total);
      await page.getByText('awaiting approval').first().waitFor({ timeout: 30_000 });
      await expect.poll(() => status.count()).toBe(0);
      await expect
        .poll(() => page.getByRole('columnheader', { name: 'Period total' }).textContent())
        .toBe('€174.00');
      expect(await progressOf()).toMatchObject({
        stage: 'awaiting_approval',
        shardsDone: total,
        shardsTotal: total,
      });
    }
    expect(
      await sql`select revision, status from periods where tenant_id = ${tenant.id} and end_date = '2025-12-31'`,
    ).toEqual([{ revision: 1, status: 'awaiting_approval' }]);
  }, 180_000);
});
