/**
 * The projection thread: the projection runner on connections of its own (the log read through
 * its own event-store connection, the read models written through its own), so that applying
 * events and writing read models never takes the request thread's time. A batch and its
 * checkpoint are still one transaction of this thread's read-model connection. The request thread
 * rings it after each commit of its store (`committed`) and asks it what it would ask a runner.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Temporal } from 'temporal-polyfill';
import { manualClock, systemClock } from '../../runtime/clock.js';
import { atStart } from '../../runtime/storage-failure.js';
import { readOnlyRulesets } from '../../ruleset/registry.js';
import { rulesetOf } from '../../domain/records.js';
import { checkpointPeriodically, storeCheckpoint } from '../../store/checkpoint-timer.js';
import { checkpointWal } from '../../store/wal-policy.js';
import { eventStoreFromConfig } from '../../store/from-config.js';
import { masterKeyFromThread, openPersonalData } from '../../store/personal/from-config.js';
import { KEY_STORE_FILE } from '../../store/personal/key-store.js';
import { caseCounts, dashboardFigures, ensureDashboardIndexes } from '../dashboard-queries.js';
import { allProjections, createProjectionRunner, openReadModelDb, readModelFile } from '../index.js';
import { yieldCpuByThread } from './priority.js';
import type { FromThread, ProjectionThreadData, RunnerCall, ToThread } from './protocol.js';

const data = workerData as ProjectionThreadData;
const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);

/**
 * Intake first when the CPU is short: on a machine whose cores the requests keep busy, this thread
 * then takes the time the request thread leaves (while it waits on an fsync or for requests), and
 * catches up in it (docs/performance.md, "The projection thread's priority"); a load the cores
 * cannot carry for long would show as the projections' lag on /metrics.
 */
if (data.yieldSteps) {
  const outcome = yieldCpuByThread(data.yieldSteps);
  post({
    notice: outcome.lowered
      ? {
          level: 'info',
          message: `the projection thread runs at nice ${outcome.to}, the request thread at ${outcome.from}: requests come first when the CPU is short`,
        }
      : { level: 'warn', message: `the projection thread runs at the request thread's priority: ${outcome.reason}` },
  });
}

// A file that cannot be opened fails the thread with the file named (storage-failure.ts): the server's start says so in one line.
const openLog = () => eventStoreFromConfig({ DATA_DIR: data.dataDir, EVENTSTORE_CONNECTION_STRING: data.eventStoreConnectionString });
const { store: log } = data.eventStoreConnectionString ? openLog() : atStart(join(data.dataDir, 'events.db'), 'event-log', openLog);
const personalData =
  data.masterKey === undefined
    ? undefined
    : atStart(join(data.dataDir, KEY_STORE_FILE), 'keys', () => openPersonalData({ DATA_DIR: data.dataDir }, masterKeyFromThread(data.masterKey!)));
const store = personalData ? personalData.open(log) : log;
const rulesets = readOnlyRulesets(store, rulesetOf(data.rulesetFiles));
const db = atStart(readModelFile(data.dataDir), 'read-model', () => openReadModelDb(readModelFile(data.dataDir)));
const manual = data.manualClockAt === undefined ? undefined : manualClock(Temporal.Instant.from(data.manualClockAt));
/**
 * Live, a batch is a few hundred events and writes every case it touched: few are held back
 * (a rebuild, reading large batches, holds many more). The cases kept between batches save
 * restoring a case worked on again (read its row, parse it, resolve the machine): a case only
 * just opened is not kept, so the default room holds the cases being worked on.
 */
const SERVER_CASE_MEMORY = { heldCases: 2_000 };
const search = { phoneKey: data.phoneDigestKey === undefined ? undefined : Buffer.from(data.phoneDigestKey, 'hex') };
const runner = atStart(readModelFile(data.dataDir), 'read-model', () =>
  createProjectionRunner({ store, db, projections: allProjections(SERVER_CASE_MEMORY, search), rulesets, clock: manual ?? systemClock }),
);
runner.onApplied((applied) => {
  // The dashboard's figures are read on other connections, which may not write: its indexes are made here,
  // after the first batch of a new or rebuilt `cases` table (a check of the schema otherwise).
  ensureDashboardIndexes(db);
  post({ applied });
});
runner.onHealth((health) => post({ health }));
post({ health: runner.health() });

// The server's store leaves the log file's checkpoints to this thread; the read models' are this thread's own.
// Both WALs are kept within their bound (src/store/wal-policy.ts).
const checkpoints = checkpointPeriodically([storeCheckpoint(store), (mode) => checkpointWal(db, mode)], data.checkpointEveryMs);
checkpoints?.unref();

const call = async (request: RunnerCall) => {
  switch (request.op) {
    case 'start':
      return atStart(readModelFile(data.dataDir), 'read-model', () => runner.start());
    case 'rebuild':
      return runner.rebuild(request.name);
    case 'status':
      return runner.status();
    case 'waitUntilCaughtUp':
      return runner.waitUntilCaughtUp();
    case 'waitForPosition':
      return runner.waitForPosition(request.position);
    case 'caseCounts':
      return caseCounts(db, request.now);
    case 'dashboardFigures':
      return dashboardFigures(db, request.q);
    case 'stop':
      clearInterval(checkpoints);
      await runner.stop();
      await store.close();
      personalData?.keys.close();
      db.close();
      return undefined;
  }
};

port.on('message', (message: ToThread) => {
  if (message.op === 'committed') return store.committedElsewhere?.();
  if (message.op === 'clock') return manual?.set(Temporal.Instant.from(message.now));
  const { id } = message;
  call(message).then(
    (value) => post(value === undefined ? { id, ok: true } : { id, ok: true, value }),
    (error: unknown) => post({ id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
