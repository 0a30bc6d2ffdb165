import { mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import { createApp } from '../../api/app.js';
import { ensureConsoleBuilt } from '../../cli/console-build.js';
import type { Connection } from '../../db/connection.js';
import { apiForTests } from './api.js';
import { freshDatabase } from './database.js';
import { temporalForTests } from './temporal.js';

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = path.resolve('docs/console');

/** The real API with the built console on a free port, over the test file's database and Temporal. */
/**
 * What every console test starts from: a database of its own, the run's Temporal, the API, the
 * console served over HTTP, and Chromium. Call it at the top level of a browser test file.
 */
export async function consoleUnderTest() {
  const database = await freshDatabase();
  const temporal = await temporalForTests(database);
  const api = apiForTests(database, temporal);
  const url = await consoleServer(database, temporal);
  const browser = await launchChromium();
  return { database, sql: database.sql, temporal, api, url, browser };
}

export async function consoleServer(
  database: Connection,
  temporal: Awaited<ReturnType<typeof temporalForTests>>,
): Promise<string> {
  ensureConsoleBuilt();
  const app = createApp({
    db: database.db,
    sql: database.sql,
    temporal: temporal.client,
    closes: temporal.closes,
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Debian's Chromium, headless, with nothing that reaches out to the network. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  afterAll(() => browser.close());
  return browser;
}

/** A fresh browser profile: axe is injected past the console's CSP, downloads are kept. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    bypassCSP: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  // The page's own errors belong in the test's output: they are usually the reason a wait times out.
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error('[page console]', message.text());
  });
  if (process.env.MONTHEND_BROWSER_DEBUG) {
    page.on('response', (response) =>
      console.error('[page]', response.status(), response.request().method(), response.url()),
    );
    page.on('requestfailed', (request) =>
      console.error('[page failed]', request.method(), request.url(), request.failure()?.errorText),
    );
  }
  return page;
}

export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('navigation', { name: 'Pages' })
    .waitFor({ timeout: 15_000 })
    .catch(async (error) => {
      await page.screenshot({ path: path.join(process.env.TMPDIR ?? '/tmp', 'monthend-sign-in.png') });
      throw error;
    });
}

/** axe-core over the page as it is now: no serious or critical violation allowed. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  let violations = await axeViolations(page);
  // A page still fading in a transition on a loaded machine can fail colour contrast for a moment:
  // scan once more after it settles. A real violation is there both times.
  if (violations.length > 0) {
    await page.waitForTimeout(1_000);
    violations = await axeViolations(page);
  }
  expect(violations.join('\n'), `accessibility of ${what}`).toBe('');
}

async function axeViolations(page: Page): Promise<string[]> {
  // A string, evaluated in the page: the test project's types know nothing of the DOM.
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

export async function screenshots(): Promise<string[]> {
  return (await readdir(screenshotDir)).filter((file) => file.endsWith('.png')).sort();
}

/** Runs the steps; on a failure, keeps a screenshot of the page as it was in the temp directory. */
export async function steps(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const file = path.join(process.env.TMPDIR ?? '/tmp', `monthend-${name}-failure.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.error(`[browser] ${name} failed: screenshot in ${file}`);
    throw error;
  }
}
