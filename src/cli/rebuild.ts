import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { systemClock } from '../runtime/clock.js';
import { openRulesetRegistry } from '../ruleset/registry.js';
import { keepDataDirPrivate } from '../runtime/private-data-dir.js';
import { acquireWriterLock } from '../app/writer-lock.js';
import { atStart } from '../runtime/storage-failure.js';
import { readConfig } from '../config.js';
import { allProjections, createProjectionRunner, openReadModelDb, phoneDigestKey, readModelFile, REBUILD_BATCH_SIZE } from '../projections/index.js';
import { pendingAfter } from '../projections/log-scan.js';
import { loadRuleset } from '../ruleset/load.js';
import { eventStoreFromConfig } from '../store/from-config.js';
import { openPersonalData } from '../store/personal/from-config.js';
import { KEY_STORE_FILE } from '../store/personal/key-store.js';
import { checkLogEndAtStart, LOG_LOSS_ACCEPTED } from '../app/log-end-at-start.js';
import { operator } from './operator.js';

const names = () => allProjections().map((p) => p.name);
const usage = () => `usage: npm run rebuild -- [projection ...]
Drops the named projections (default: all of ${names().join(', ')}) in $DATA_DIR/read-models.db and
replays them from the start of the event log. Stop the server first: it writes the same tables.`;

export interface RebuildOutput {
  log(line: string): void;
  error(line: string): void;
  /** Where the progress bar is drawn; none when absent. */
  progress?: NodeJS.WritableStream;
}

/** Rebuilds projections from position 0. Exit codes: 0 rebuilt, 1 failed, 2 bad arguments or configuration. */
export const rebuildCommand = async (argv: string[], env: NodeJS.ProcessEnv, out: RebuildOutput): Promise<number> => {
  let chosen: string[];
  let config;
  try {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      out.log(usage());
      return 0;
    }
    const unknown = positionals.filter((name) => !names().includes(name));
    if (unknown.length > 0) throw new Error(`no projection named ${unknown.join(', ')}`);
    chosen = positionals.length > 0 ? [...new Set(positionals)] : names();
    config = readConfig(env);
  } catch (error) {
    out.error(`${(error as Error).message}\n${usage()}`);
    return 2;
  }

  // Whatever stops the rebuild is one line; one that stops it at start names the file, what is wrong and what to do.
  const opened: Array<() => unknown> = [];
  try {
    atStart(config.DATA_DIR, 'data-dir', () => keepDataDirPrivate(config.DATA_DIR));
    // A read-model file that is not a database, or of another format, is set aside here: this rebuild makes it anew.
    const lock = acquireWriterLock(config.DATA_DIR);
    opened.push(() => lock.release());
    if (lock.setAside) {
      const { file, to, reason } = lock.setAside;
      out.log(`${file} ${reason}: set aside as ${to}; every read model is rebuilt`);
      // Every read model went with it, not only the ones asked for.
      chosen = names();
    }
    const openLog = () => eventStoreFromConfig(config);
    const { store: log, description } = config.EVENTSTORE_CONNECTION_STRING ? openLog() : atStart(join(config.DATA_DIR, 'events.db'), 'event-log', openLog);
    opened.push(() => log.close());
    // The search projection digests owners' phones: it reads them opened, as the server's projection thread does.
    const personalData = atStart(join(config.DATA_DIR, KEY_STORE_FILE), 'keys', () => openPersonalData(config));
    opened.push(() => personalData.keys.close());
    const store = personalData.open(log);
    const db = atStart(readModelFile(config.DATA_DIR), 'read-model', () => openReadModelDb(readModelFile(config.DATA_DIR)));
    opened.push(() => db.close());
    // As at a server's start: a log shorter than its anchor is refused, or its loss recorded (docs/operations.md).
    const logEnd = await checkLogEndAtStart({ store, acceptLossAt: config.ACCEPT_LOG_LOSS, clock: systemClock, actor: operator(), readModels: db });
    if (logEnd.kind === 'accepted') {
      const { loss, eventPosition } = logEnd;
      out.log(
        `accepted the loss of positions ${loss.lost.from}-${loss.lost.to} (${loss.eventsLost} events), recorded as ${LOG_LOSS_ACCEPTED} at position ${eventPosition}; unset ACCEPT_LOG_LOSS`,
      );
    }
    // Those not chosen here are rebuilt at the server's next start.
    const others = logEnd.rebuilt.filter((name) => !chosen.includes(name));
    if (others.length > 0) out.log(`${others.join(', ')} will be rebuilt at the server's next start: they applied events the log no longer holds`);
    const rulesets = await openRulesetRegistry(store, await loadRuleset(config.RULES_DIR));
    const projections = allProjections(undefined, { phoneKey: phoneDigestKey(config) }).filter((p) => chosen.includes(p.name));
    const runner = createProjectionRunner({ store, db, projections, rulesets, clock: systemClock, batchSize: REBUILD_BATCH_SIZE });
    out.log(`rebuilding ${chosen.join(', ')} from ${description}`);
    const { count: total, last: head } = await pendingAfter(store, null);
    const bar = out.progress
      ? new cliProgress.SingleBar(
          { format: '{bar} {percentage}% | {value}/{total} events | {speed} events/s | eta {eta}s', stream: out.progress },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    bar?.start(total, 0, { speed: 0 });
    const applied = new Map(chosen.map((name) => [name, 0]));
    const started = performance.now();
    runner.onApplied(({ projection, events }) => {
      applied.set(projection, applied.get(projection)! + events);
      const done = Math.min(...applied.values());
      bar?.update(done, { speed: Math.round(done / ((performance.now() - started) / 1000)) });
    });
    for (const name of chosen) await runner.rebuild(name);
    await runner.start();
    try {
      if (head) await runner.waitForPosition(head);
    } finally {
      await runner.stop();
      bar?.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    out.log(`rebuilt ${chosen.join(', ')}: ${total} events in ${seconds.toFixed(1)} s, ${Math.round(total / Math.max(seconds, 1e-3))} events/s`);
    return 0;
  } catch (error) {
    out.error(`rebuild failed: ${(error as Error).message}`);
    return 1;
  } finally {
    // The read models first, the log, then the lock last.
    for (const close of opened.reverse()) await close();
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await rebuildCommand(process.argv.slice(2), process.env, {
    log: (line) => console.log(line),
    error: (line) => console.error(line),
    progress: process.stderr,
  });
}
