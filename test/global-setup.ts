import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../runtime/postgres.js';
import { startTemporal } from '../runtime/temporal-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string;
    temporalAddress: string;
    workflowBundleCode: string;
  }
}

/**
 * One PostgreSQL and one Temporal dev server for the whole run, and the workflow bundle built once.
 * Each test file then takes a fresh database and its own task queue on these.
 */
export default async function setup(project: TestProject) {
  const scratch = await mkdtemp(path.join(tmpdir(), 'monthend-test-'));
  // As root, PostgreSQL runs as the 'postgres' user, which must be able to reach its data directory.
  await chmod(scratch, 0o755);
  const started = await Promise.allSettled([
    startPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort() }),
    startTemporal(),
    bundleWorkflowCode({
      workflowsPath: path.resolve('workflows/index.ts'),
      logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
    }),
  ] as const);
  const [postgresStart, temporalStart, bundleBuild] = started;
  if (
    postgresStart.status === 'rejected' ||
    temporalStart.status === 'rejected' ||
    bundleBuild.status === 'rejected'
  ) {
    // Stop whatever did start, so a failed setup leaves no server behind.
    if (postgresStart.status === 'fulfilled') await postgresStart.value.stop();
    if (temporalStart.status === 'fulfilled') await temporalStart.value.stop();
    const failure = started.find((result) => result.status === 'rejected');
    throw failure?.status === 'rejected' ? failure.reason : new Error('test setup failed');
  }
  const [postgres, temporal, bundle] = [postgresStart.value, temporalStart.value, bundleBuild.value];
  project.provide('postgresServerUrl', postgres.url);
  project.provide('temporalAddress', temporal.address);
  project.provide('workflowBundleCode', bundle.code);
  return async () => {
    await temporal.stop();
    await postgres.stop();
    await rm(scratch, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
