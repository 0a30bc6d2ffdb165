// Replays every recorded close history (test/workflows/histories/, `npm run histories:record`)
// against the workflow code as it is now: a change that would break a close already under way
// fails here with a non-determinism error, before it reaches production (docs/period-close.md).
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { installTemporalLogging } from '../../runtime/logging.js';

installTemporalLogging();

// The SDK's historyFromJSON fails here ("type must be a Type"): the lockfile gives @temporalio/common
// and @temporalio/proto two copies of protobufjs 8. Parse with the copy @temporalio/proto uses.
const fromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
const { fromJson } = fromProto('protobufjs/ext/protojson');
const { patchProtobufRoot } = fromProto('@temporalio/proto/lib/patch-protobuf-root');
const historyType = patchProtobufRoot(fromProto('@temporalio/proto')).lookupType(
  'temporal.api.history.v1.History',
);
const historyFromJSON = (json: unknown): History =>
  fromJson(historyType, json, { ignoreUnknownFields: true });
const directory = new URL('./histories/', import.meta.url);
const files = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();

describe('recorded close histories replay on the current workflow code', () => {
  it('has a history of every shape of close', () => {
    const shapes = new Set(files.map((name) => name.replace(/(\.run\d+)?\.json$/, '')));
    expect([...shapes].sort()).toEqual([
      'happy-path',
      'preview-then-close',
      'reject-reprocess-approve',
      'reminders-continue-as-new',
      'reopen',
      'rule-reach-reprocess',
    ]);
  });

  it.each(files)('%s', async (name) => {
    const history = historyFromJSON(JSON.parse(await readFile(new URL(name, directory), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: { code: inject('workflowBundleCode') } }, history, name);
  });
});
