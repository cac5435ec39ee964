import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { buildApp } from './api/app.js';
import { privateLogger } from './api/log-privacy.js';
import { bootstrapAdmin, openTokenStore } from './api/auth/tokens.js';
import { caseService } from './app/case-service.js';
import { applyHeapPolicy } from './app/heap-policy.js';
import { openStaffDirectory } from './app/staff-directory.js';
import { manualClock, systemClock } from './runtime/clock.js';
import { openRulesetRegistry } from './ruleset/registry.js';
import { acquireWriterLock, WriterLockHeldError } from './app/writer-lock.js';
import { keepDataDirPrivate } from './runtime/private-data-dir.js';
import { atStart, findStorageFailure } from './runtime/storage-failure.js';
import { readConfig } from './config.js';
import { loadRuleset } from './ruleset/load.js';
import { createDeadlineWatcher } from './app/deadline-watcher.js';
import { openReadModelDb, PHONE_KEY_FILE, phoneDigestKey, readModelFile } from './projections/index.js';
import { projectionThread } from './projections/thread/runner-proxy.js';
import { searchReaderThread } from './projections/search/reader-thread.js';
import { eventStoreFromConfig } from './store/from-config.js';

applyHeapPolicy();
const config = readConfig(process.env);
const logger = privateLogger(config.LOG_LEVEL);

/**
 * Whatever stops the start ends in one line and exit code 1: for a file (docs/operations.md,
 * "Start-up failures and the single writer") the file, what is wrong with it and what to do.
 * Storage errors are named where the file is opened (atStart); this catches them wherever they
 * surface, a thread's included, until the server is serving.
 */
const cannotStart = (error: unknown) => {
  const failure = findStorageFailure(error);
  if (failure) logger.fatal({ file: failure.file, code: failure.code, fix: failure.fix }, `cannot start: ${failure.message}`);
  else if (error instanceof WriterLockHeldError) logger.fatal({ dataDir: error.dataDir, holder: error.holder }, `cannot start: ${error.message}`);
  else logger.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
};
process.on('uncaughtException', cannotStart);

atStart(config.DATA_DIR, 'data-dir', () => keepDataDirPrivate(config.DATA_DIR));

// This process writes DATA_DIR's read models: a rebuild or a second server on it is refused until it stops.
// A read-model file that is not a database, or of another format, is set aside here and rebuilt from the log.
const writerLock = acquireWriterLock(config.DATA_DIR);
if (writerLock.setAside) {
  const { file, to, reason } = writerLock.setAside;
  logger.warn({ file, setAsideAs: to }, `${file} ${reason}: set aside as ${to}; the read models are rebuilt from the event log`);
}
const ruleset = await loadRuleset(config.RULES_DIR);
// The projection thread checkpoints the log file: a checkpoint copies pages and fsyncs, too long a stop for intake.
// The embedded log's file is named when it fails; EventStoreDB's errors say what they are about.
const onLog = <T>(step: () => T): T => (config.EVENTSTORE_CONNECTION_STRING ? step() : atStart(join(config.DATA_DIR, 'events.db'), 'event-log', step));
const { store, description } = onLog(() => eventStoreFromConfig(config, { checkpointedElsewhere: true }));
const rulesets = await onLog(() => openRulesetRegistry(store, ruleset));
const manual = config.CLOCK === 'manual' ? manualClock(config.CLOCK_START ? Temporal.Instant.from(config.CLOCK_START) : systemClock.now()) : undefined;
const clock = manual ?? systemClock;
const tokens = atStart(join(config.DATA_DIR, 'access.db'), 'access', () => {
  const opened = openTokenStore(join(config.DATA_DIR, 'access.db'), { clock });
  bootstrapAdmin(opened, config.ADMIN_TOKEN);
  return opened;
});
const staff = await openStaffDirectory({ store, clock });

// Read models live beside the event file and can always be rebuilt from the log (npm run rebuild).
// A thread of their own writes them, so that intake never waits for them; this connection reads them.
const readModels = atStart(readModelFile(config.DATA_DIR), 'read-model', () => openReadModelDb(readModelFile(config.DATA_DIR)));
// Owners' phones are kept there as keyed digests only; the thread writes them, requests look them up.
const phoneKey = atStart(join(config.DATA_DIR, PHONE_KEY_FILE), 'phone-key', () => phoneDigestKey(config));
const runner = projectionThread({
  store,
  data: {
    dataDir: config.DATA_DIR,
    eventStoreConnectionString: config.EVENTSTORE_CONNECTION_STRING,
    rulesetFiles: ruleset.files,
    manualClockAt: manual?.now().toString(),
    yieldSteps: config.PROJECTION_THREAD_NICE,
    phoneDigestKey: phoneKey.toString('hex'),
  },
  manualClock: manual,
  onNotice: ({ level, message }) => logger[level]({ component: 'projections' }, message),
});
await runner.start();
// Searches and queues read on a thread of their own: a search scanning many rows holds no request, intake's included.
const searchReader = searchReaderThread(readModelFile(config.DATA_DIR));
const watcher = createDeadlineWatcher({
  readModels,
  cases: caseService({ store, rulesets, clock, staff }),
  rulesets,
  clock,
  projections: runner,
  logger: logger.child({ component: 'deadline-watcher' }),
});

const app = await buildApp({
  store,
  rulesets,
  tokens,
  staff,
  clock,
  ...(manual ? { manualClock: manual } : {}),
  logger,
  bodyLimit: config.BODY_LIMIT,
  dashboardStream: { caps: { perToken: config.STREAMS_PER_TOKEN, total: config.STREAMS_TOTAL } },
  timeouts: {
    requestMs: config.REQUEST_TIMEOUT_SECONDS * 1000,
    headersMs: config.HEADERS_TIMEOUT_SECONDS * 1000,
    idleMs: config.IDLE_TIMEOUT_SECONDS * 1000,
  },
  rateLimits: { authFailuresPerMinute: config.AUTH_FAILURES_PER_MINUTE, heavyPerMinute: config.HEAVY_REQUESTS_PER_MINUTE },
  readModels,
  phoneDigestKey: phoneKey,
  searchReader,
  projections: runner,
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'draining in-flight requests');
  try {
    await watcher.stop();
    await app.close();
    await searchReader.close();
    await runner.stop();
    await store.close();
    readModels.close();
    writerLock.release();
    tokens.close();
    logger.info('stopped cleanly');
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'unclean stop');
    process.exit(1);
  }
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

await app.listen({ port: config.PORT, host: config.HOST });
watcher.start();
process.off('uncaughtException', cannotStart);
logger.info({ port: config.PORT, store: description, rulesetVersion: ruleset.version, clock: config.CLOCK }, 'serving');
