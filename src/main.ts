import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { buildApp } from './api/app.js';
import { privateLogger } from './api/log-privacy.js';
import { bootstrapAdmin, openTokenStore } from './api/auth/tokens.js';
import { caseService } from './app/case-service.js';
import { applyHeapPolicy } from './app/heap-policy.js';
import { openStaffDirectory } from './app/staff-directory.js';
import { manualClock, systemClock } from './runtime/clock.js';
import { behindLogMessage, caughtUpMessage, clockHeldToLog, manualStartOf, manualStartRefusal } from './runtime/log-clock.js';
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
import { heavyThreads } from './api/heavy/threads.js';
import { eventStoreFromConfig } from './store/from-config.js';
import { openPersonalData } from './store/personal/from-config.js';
import { KEY_STORE_FILE } from './store/personal/key-store.js';
import { causeOf, reportingOutages } from './store/outages.js';
import { readModelHealth } from './app/read-model-health.js';
import { checkLogEndAtStart, LOG_LOSS_ACCEPTED } from './app/log-end-at-start.js';
import { operator } from './cli/operator.js';
import { maxOldSpaceFlagMb } from './runtime/heap-flags.js';

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
const configured = onLog(() => eventStoreFromConfig(config, { checkpointedElsewhere: true }));
// Owners' and visitors' names and phones are stored sealed, each record under its own data key (docs/security.md).
const personalData = atStart(join(config.DATA_DIR, KEY_STORE_FILE), 'keys', () => openPersonalData(config));
const description = configured.description;
// An outage of the store (a full disk, a lost connection) is logged as it begins, with its cause, and as it ends: not once a request.
const storeLog = logger.child({ component: 'event-store' });
const store = personalData.open(
  reportingOutages(
    configured.store,
    {
      began: (outage) => {
        const cause = causeOf(outage.error);
        storeLog.error(
          { code: outage.error.code, unavailable: outage.kind, cause: cause.code, error: cause.message },
          `event store unavailable for ${outage.kind}: ${cause.code ? `${cause.code}: ` : ''}${cause.message}; they answer 503 until it works again`,
        );
      },
      ended: (outage, at) =>
        storeLog.info(
          { unavailable: outage.kind, failedCalls: outage.failures, unavailableSeconds: (at - outage.since) / 1000 },
          `event store ${outage.kind} work again after ${outage.failures} failed call${outage.failures === 1 ? '' : 's'}`,
        ),
    },
    () => systemClock.now().epochMilliseconds,
  ),
);
// Time only moves forward: no event is recorded earlier than the log's last one (docs/domain.md).
const lastRecordedAt = await store.lastRecordedAt?.();
const manualStart = config.CLOCK_START ? Temporal.Instant.from(config.CLOCK_START) : manualStartOf(systemClock.now(), lastRecordedAt);
const refusal = config.CLOCK === 'manual' ? manualStartRefusal(manualStart, lastRecordedAt) : undefined;
if (refusal) {
  logger.fatal(refusal);
  await store.close();
  writerLock.release();
  process.exit(1);
}
const manual = config.CLOCK === 'manual' ? manualClock(manualStart) : undefined;
const clockLogger = logger.child({ component: 'clock' });
const clock = clockHeldToLog(manual ?? systemClock, lastRecordedAt, {
  toleranceMs: config.CLOCK_SKEW_TOLERANCE_SECONDS * 1000,
  onBehind: (state) => clockLogger.warn({ clock: state }, behindLogMessage(state)),
  onCaughtUp: (state) => clockLogger.info({ clock: state }, caughtUpMessage(state)),
});
// A system clock found behind the log at start is said at once, not at the first request.
clock.now();
// Read models live beside the event file and can always be rebuilt from the log (npm run rebuild).
// A thread of their own writes them, so that intake never waits for them; this connection reads them.
const readModels = atStart(readModelFile(config.DATA_DIR), 'read-model', () => openReadModelDb(readModelFile(config.DATA_DIR)));
// Before anything is written: a log shorter than its anchor is refused, or its loss recorded (docs/operations.md).
let logEndAtStart;
try {
  logEndAtStart = await checkLogEndAtStart({ store, acceptLossAt: config.ACCEPT_LOG_LOSS, clock, actor: operator(), readModels });
} catch (error) {
  logger.fatal(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}
if (logEndAtStart.kind === 'accepted') {
  const { loss, eventPosition } = logEndAtStart;
  logger.warn(
    { lostFrom: loss.lost.from, lostTo: loss.lost.to, eventsLost: loss.eventsLost, eventPosition: String(eventPosition) },
    `accepted the loss of positions ${loss.lost.from}-${loss.lost.to} (${loss.eventsLost} events), recorded as ${LOG_LOSS_ACCEPTED} at position ${eventPosition}; unset ACCEPT_LOG_LOSS`,
  );
}
if (logEndAtStart.kind === 'in_step' && logEndAtStart.ignoredAcceptance)
  logger.warn('ACCEPT_LOG_LOSS is set, but the log lost nothing: it is ignored; unset it');
if (logEndAtStart.rebuilt.length > 0) {
  const { rebuilt } = logEndAtStart;
  const why = logEndAtStart.kind === 'accepted' ? 'the log lost events they applied' : "their checkpoints are past the log's end";
  logger.warn({ projections: rebuilt }, `rebuilding read models ${rebuilt.join(', ')} from the start of the log: ${why}`);
}
const rulesets = await onLog(() => openRulesetRegistry(store, ruleset));
const tokens = atStart(join(config.DATA_DIR, 'access.db'), 'access', () => {
  const opened = openTokenStore(join(config.DATA_DIR, 'access.db'), { clock });
  bootstrapAdmin(opened, config.ADMIN_TOKEN);
  return opened;
});
const staff = await openStaffDirectory({ store, clock });

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
    masterKey: { hex: personalData.master.key.toString('hex'), source: personalData.master.source },
  },
  manualClock: manual,
  onNotice: ({ level, message }) => logger[level]({ component: 'projections' }, message),
});
await runner.start();
// One judge of the read models for the API and the deadline watcher: failing or behind, and its log lines once a streak.
const readModel = readModelHealth({
  projections: runner,
  maxLagSeconds: config.READ_MODEL_MAX_LAG_SECONDS,
  waitMs: config.READ_MODEL_WAIT_SECONDS * 1000,
  logger: logger.child({ component: 'read-models' }),
  now: () => clock.now().epochMilliseconds,
});
// Searches and queues read on a thread of their own: a search scanning many rows holds no request, intake's included.
const searchReader = searchReaderThread(readModelFile(config.DATA_DIR), { yieldSteps: config.SEARCH_THREAD_NICE });
// A heap flag given to node overrides the heap each heavy-work thread asks for: said once, at start.
const heapFlagMb = maxOldSpaceFlagMb(process.execArgv, process.env.NODE_OPTIONS);
if (heapFlagMb !== undefined && heapFlagMb !== config.HEAVY_THREAD_HEAP_MB) {
  logger.warn(
    { maxOldSpaceSizeMb: heapFlagMb, HEAVY_THREAD_HEAP_MB: config.HEAVY_THREAD_HEAP_MB },
    `node was given --max-old-space-size=${heapFlagMb} (NODE_OPTIONS or its command line), which applies to every thread and takes precedence over HEAVY_THREAD_HEAP_MB=${config.HEAVY_THREAD_HEAP_MB}: each heavy-work thread may use ${heapFlagMb} MB; remove the flag, or set HEAVY_THREAD_HEAP_MB to it`,
  );
}
// Reports that fold the log, verify, anchors and imports run on threads of their own, a bounded number (docs/operations.md).
const heavyWork = heavyThreads({
  threads: config.HEAVY_THREADS,
  queue: config.HEAVY_QUEUE,
  heapMb: config.HEAVY_THREAD_HEAP_MB,
  data: {
    dataDir: config.DATA_DIR,
    eventStoreConnectionString: config.EVENTSTORE_CONNECTION_STRING,
    rulesetFiles: ruleset.files,
    readModels: true,
    manualClock: manual !== undefined,
    yieldSteps: config.PROJECTION_THREAD_NICE,
    masterKey: { hex: personalData.master.key.toString('hex'), source: personalData.master.source },
  },
  store,
  clock,
  onNotice: ({ level, message }) => logger[level]({ component: 'heavy-work' }, message),
});
const watcher = createDeadlineWatcher({
  readModels,
  cases: caseService({ store, rulesets, clock, staff }),
  rulesets,
  clock,
  projections: runner,
  readModel,
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
  heavyWork,
  projections: runner,
  readModelHealth: readModel,
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
    readModel.close();
    await runner.stop();
    await store.close();
    readModels.close();
    writerLock.release();
    tokens.close();
    personalData.keys.close();
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
