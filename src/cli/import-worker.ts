/**
 * The import thread (import-thread.ts): reads on its own connection to the store, seals with its
 * own connection to the key store, and appends through the thread that started it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Temporal } from 'temporal-polyfill';
import { importSummaryInParts } from '../audit/import/stream-import.js';
import { readInParts } from '../audit/import/stream-rows.js';
import { deserializeError, serializeError } from '../api/heavy/errors.js';
import { readOnlyRulesets } from '../ruleset/registry.js';
import { loadRuleset } from '../ruleset/load.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { openConfiguredStore } from '../store/open-configured.js';
import { masterKeyFromThread, openPersonalData } from '../store/personal/from-config.js';
import type { AppendResult, EventStore } from '../store/port.js';
import type { AppendCall, FromImportThread, ImportThreadData, ToImportThread } from './import-thread.js';
import { IMPORT_PAGE_CACHE_KIB } from './import-page-caches.js';

/** Data keys made ahead at once by the import: unused ones at its end seal nothing. */
const IMPORT_KEY_BATCH = 4_096;

const data = workerData as ImportThreadData;
const port = parentPort!;
const post = (message: FromImportThread) => port.postMessage(message);

const appends = new Map<number, { resolve(result: AppendResult): void; reject(error: Error): void }>();
let nextCall = 1;

port.on('message', (message: ToImportThread) => {
  const waiting = appends.get(message.call);
  appends.delete(message.call);
  if (message.ok) waiting?.resolve(message.result);
  else waiting?.reject(deserializeError(message.error));
});

/**
 * Appends go to the parent in messages of many: it submits a message's appends together, and its
 * group commit writes them in one transaction, where a message each would reach it one by one and
 * commit a few at a time. A message leaves once it holds SEND_EVERY appends, or when this thread's
 * turn ends: the records of a window are decided in one turn, and the parent should be writing the
 * first of them while the last are decided, not wait for the whole window.
 */
const SEND_EVERY = 128;
let outgoing: AppendCall[] = [];
const flush = () => {
  if (outgoing.length === 0) return;
  const calls = outgoing;
  outgoing = [];
  post({ op: 'append', calls });
};

/** The store as the import sees it: reads here, appends by the thread that owns the log's writer. */
const appendingThroughParent = (store: EventStore): EventStore => ({
  ...store,
  appendToStream: (stream, events, options) =>
    new Promise((resolve, reject) => {
      const call = nextCall++;
      appends.set(call, { resolve, reject });
      if (outgoing.length === 0) setImmediate(flush);
      outgoing.push({ call, stream, events: [...events], expectedRevision: options.expectedRevision });
      if (outgoing.length >= SEND_EVERY) flush();
    }),
});

/** Never earlier than the parent's clock when it started the thread (it holds its clock to the log). */
const clockFrom = (started: Temporal.Instant): Clock => ({
  now: () => {
    const now = systemClock.now();
    return Temporal.Instant.compare(now, started) > 0 ? now : started;
  },
});

const run = async () => {
  const { store: log } = await openConfiguredStore(
    { DATA_DIR: data.dataDir, EVENTSTORE_CONNECTION_STRING: data.eventStoreConnectionString },
    { pageCacheKib: IMPORT_PAGE_CACHE_KIB.reader },
  );
  // Keys for 4,096 records a transaction: 20,000 records take 5 fsyncs of keys.db instead of 79.
  const personalData = openPersonalData({ DATA_DIR: data.dataDir }, masterKeyFromThread(data.masterKey), {
    keyBatch: IMPORT_KEY_BATCH,
    keyPageCacheKib: IMPORT_PAGE_CACHE_KIB.keys,
  });
  try {
    const ruleset = await loadRuleset(data.rulesDir);
    if (ruleset.version !== data.rulesetVersion)
      throw new Error(`the rules in ${data.rulesDir} changed while the import started (${data.rulesetVersion}, now ${ruleset.version}): run it again`);
    const store = personalData.open(log);
    const deps = { store: appendingThroughParent(store), rulesets: readOnlyRulesets(store, ruleset), clock: clockFrom(Temporal.Instant.from(data.startedAt)) };
    const file = await readInParts(data.file, data.read);
    if (!file) throw new Error(`${data.file} cannot be read in parts`);
    return await importSummaryInParts(deps, file, {
      ...data.options,
      onProgress: (progress) => post({ op: 'progress', progress }),
      onFault: (fault, { row, caseRef }) => post({ op: 'fault', row, caseRef, error: serializeError(fault) }),
    });
  } finally {
    await log.close();
    personalData.keys.close();
  }
};

run().then(
  (report) => post({ op: 'done', report }),
  (error: unknown) => post({ op: 'failed', error: serializeError(error) }),
);
