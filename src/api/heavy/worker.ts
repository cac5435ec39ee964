/**
 * A heavy-work thread (threads.ts): runs one job at a time on connections of its own — the log
 * read through its own event-store connection, the read models through a read-only one — so that
 * folding the log or reading an import file never takes the request thread's time. It writes
 * nothing itself: an import's cases are appended by the server's store, which it asks case by case.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { Temporal } from 'temporal-polyfill';
import { rulesetOf } from '../../domain/records.js';
import { readModelFile } from '../../projections/read-model-db.js';
import { yieldCpuByThread } from '../../projections/thread/priority.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import { readOnlyRulesets } from '../../ruleset/registry.js';
import { eventStoreFromConfig } from '../../store/from-config.js';
import { masterKeyFromThread, openPersonalData } from '../../store/personal/from-config.js';
import type { AppendResult, EventStore } from '../../store/port.js';
import { deserializeError, serializeError } from './errors.js';
import { runJob, type HeavyJob } from './jobs.js';
import type { HeavyNotice, JobProgress } from './notice.js';
import type { FromThread, HeavyThreadData, ToThread } from './protocol.js';

const data = workerData as HeavyThreadData;
const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);

// Requests first when the CPU is short, as the projection thread does.
if (data.yieldSteps) {
  const outcome = yieldCpuByThread(data.yieldSteps);
  if (!outcome.lowered) post({ op: 'notice', level: 'warn', message: `a heavy-work thread runs at the request thread's priority: ${outcome.reason}` });
}

const { store: log } = eventStoreFromConfig({ DATA_DIR: data.dataDir, EVENTSTORE_CONNECTION_STRING: data.eventStoreConnectionString });
// Imports seal owners' names and phones here, before the server appends them (docs/security.md).
const personalData = data.masterKey === undefined ? undefined : openPersonalData({ DATA_DIR: data.dataDir }, masterKeyFromThread(data.masterKey));
const store = personalData ? personalData.open(log) : log;
const rulesets = readOnlyRulesets(store, rulesetOf(data.rulesetFiles));
// Opened on first use: the projection thread may not have created the file yet when the server starts.
let db: Database.Database | undefined;
const readModels = () => {
  if (!data.readModels) return undefined;
  if (!db) {
    db = new Database(readModelFile(data.dataDir), { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  }
  return db;
};

/** The job's clock: never earlier than the server's when it sent the job; a manual clock stands still at it. */
const clockAt = (sent: string): Clock => {
  const at = Temporal.Instant.from(sent);
  if (data.manualClock) return { now: () => at };
  return {
    now: () => {
      const now = systemClock.now();
      return Temporal.Instant.compare(now, at) > 0 ? now : at;
    },
  };
};

/** An import's bytes, gathered as they come: its rows are grouped by case across the whole file. */
const inputs = new Map<number, { chunks: Uint8Array[]; end(): void; fail(): void }>();
const inputOf = (id: number) =>
  new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    inputs.set(id, {
      chunks,
      end: () => resolve(Buffer.concat(chunks.splice(0))),
      fail: () => reject(new Error('the body did not arrive whole')),
    });
  }).finally(() => inputs.delete(id));

/** The store an import writes through: reads on this thread's connection, appends by the server's store. */
const appends = new Map<number, { resolve(result: AppendResult): void; reject(error: Error): void }>();
let nextCall = 1;
const appendingThroughServer = (id: number): EventStore =>
  new Proxy(store, {
    get(target, key) {
      if (key === 'appendToStream') {
        const append: EventStore['appendToStream'] = (stream, events, options) =>
          new Promise((resolve, reject) => {
            const call = nextCall++;
            appends.set(call, { resolve, reject });
            post({ op: 'append', id, call, stream, events, expectedRevision: options.expectedRevision });
          });
        return append;
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

const run = async (id: number, job: HeavyJob, now: string) => {
  const input = job.kind === 'import' ? await inputOf(id) : undefined;
  const deps = {
    store: job.kind === 'import' ? appendingThroughServer(id) : store,
    rulesets,
    clock: clockAt(now),
    readModels: readModels(),
    onNotice: (notice: HeavyNotice) => post({ op: 'notice', ...notice }),
    onProgress: (progress: JobProgress) => post({ op: 'progress', id, progress }),
  };
  return runJob(deps, job, input);
};

port.on('message', (message: ToThread) => {
  switch (message.op) {
    case 'job': {
      const { id } = message;
      const failed = (error: unknown) => post({ op: 'done', id, ok: false, error: serializeError(error) });
      run(id, message.job, message.now).then((value) => {
        // An answer that cannot cross (it should not happen: answers are JSON) fails the job, not the thread.
        try {
          post({ op: 'done', id, ok: true, value });
        } catch (error) {
          failed(error);
        }
      }, failed);
      return;
    }
    case 'input':
      inputs.get(message.id)?.chunks.push(message.chunk);
      return;
    case 'inputEnd':
      inputs.get(message.id)?.end();
      return;
    case 'inputFailed':
      inputs.get(message.id)?.fail();
      return;
    case 'appended': {
      const waiting = appends.get(message.call);
      appends.delete(message.call);
      if (message.ok) waiting?.resolve(message.result);
      else waiting?.reject(deserializeError(message.error));
      return;
    }
  }
});
