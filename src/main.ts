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
import { acquireWriterLock } from './app/writer-lock.js';
import { keepDataDirPrivate } from './runtime/private-data-dir.js';
import { readConfig } from './config.js';
import { loadRuleset } from './ruleset/load.js';
import { createDeadlineWatcher } from './app/deadline-watcher.js';
import { openReadModelDb, phoneDigestKey, readModelFile } from './projections/index.js';
import { projectionThread } from './projections/thread/runner-proxy.js';
import { searchReaderThread } from './projections/search/reader-thread.js';
import { eventStoreFromConfig } from './store/from-config.js';
import { checkLogEndAtStart, LOG_LOSS_ACCEPTED } from './app/log-end-at-start.js';
import { operator } from './cli/directory.js';

applyHeapPolicy();
const config = readConfig(process.env);
const logger = privateLogger(config.LOG_LEVEL);
try {
  keepDataDirPrivate(config.DATA_DIR);
} catch (error) {
  logger.fatal({ err: error }, `cannot start: DATA_DIR ${config.DATA_DIR} cannot be made private to this user`);
  process.exit(1);
}

// This process writes DATA_DIR's read models: a rebuild or a second server on it is refused until it stops.
let writerLock;
try {
  writerLock = acquireWriterLock(config.DATA_DIR);
} catch (error) {
  logger.fatal({ err: error }, 'cannot start');
  process.exit(1);
}
const ruleset = await loadRuleset(config.RULES_DIR);
// The projection thread checkpoints the log file: a checkpoint copies pages and fsyncs, too long a stop for intake.
const { store, description } = eventStoreFromConfig(config, { checkpointedElsewhere: true });
const manual = config.CLOCK === 'manual' ? manualClock(config.CLOCK_START ? Temporal.Instant.from(config.CLOCK_START) : systemClock.now()) : undefined;
const clock = manual ?? systemClock;
// Read models live beside the event file and can always be rebuilt from the log (npm run rebuild).
// A thread of their own writes them, so that intake never waits for them; this connection reads them.
const readModels = openReadModelDb(readModelFile(config.DATA_DIR));
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
const rulesets = await openRulesetRegistry(store, ruleset);
const tokens = openTokenStore(join(config.DATA_DIR, 'access.db'), { clock });
bootstrapAdmin(tokens, config.ADMIN_TOKEN);
const staff = await openStaffDirectory({ store, clock });

// Owners' phones are kept there as keyed digests only; the thread writes them, requests look them up.
const phoneKey = phoneDigestKey(config);
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
logger.info({ port: config.PORT, store: description, rulesetVersion: ruleset.version, clock: config.CLOCK }, 'serving');
