import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { takeAnchor } from '../audit/anchor.js';
import { readConfig } from '../config.js';
import { systemClock } from '../runtime/clock.js';
import { logEndOf, writeLogEnd, type StoredEventRow } from '../store/log-end.js';
import { openSqliteEventStore } from '../store/sqlite.js';

const usage = () => `usage: npm run backup -- <directory>
Copies the event log ($DATA_DIR/events.db), the access database ($DATA_DIR/access.db) and the wrapped
data keys of the personal data ($DATA_DIR/keys.db; never the master key) into a new directory with SQLite's online backup, safely while the server runs, and writes beside them the
backup's own log-end.json and anchor.json (a digest of the whole log, to check a restore against).
The read models are not copied: a server builds them from the log at start.`;

/**
 * The files of a DATA_DIR a backup holds: the log, the tokens and their revocations, and the data
 * keys of the log's personal data, wrapped by the master key, which a backup never holds (docs/security.md).
 */
// keys.db after events.db: a data key is durable before any event sealed with it, so the copy of the keys holds every key the copy of the log uses.
const DATABASES = ['events.db', 'access.db', 'keys.db'] as const;

export interface BackupOutput {
  log(line: string): void;
  error(line: string): void;
}

export interface BackupSummary {
  readonly directory: string;
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  readonly events: number;
  readonly lastPosition: string | null;
  readonly digest: string;
}

/**
 * Copies one SQLite database through the online backup API: a consistent snapshot of the committed
 * state, WAL included, page by page, while writers go on (never a file copy of a live WAL database,
 * which can tear between the file and its WAL).
 */
const copyDatabase = async (from: string, to: string) => {
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await source.backup(to);
  } finally {
    source.close();
  }
  chmodSync(to, 0o600);
};

/** A copy as one file in rollback-journal form: what a restore puts back, with no WAL beside it to lose. */
const withoutWal = (file: string) => {
  const copy = new Database(file);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
};

/** The copied log's end, as the store keeps it (log-end.json), so a restore of this backup starts without a loss. */
const anchorTheCopy = (eventsFile: string, directory: string) => {
  const db = new Database(eventsFile, { readonly: true });
  try {
    const last = db.prepare<[], StoredEventRow>('SELECT * FROM log ORDER BY position DESC LIMIT 1').get();
    const count = Number(db.prepare<[], bigint>('SELECT count(*) FROM events').pluck().get() ?? 0n);
    if (last) writeLogEnd(join(directory, 'log-end.json'), logEndOf(last, count));
    return last === undefined ? null : String(last.position);
  } finally {
    db.close();
  }
};

/** Takes a backup of `dataDir` into `directory`, which must not exist or be empty. */
export const takeBackup = async (dataDir: string, directory: string): Promise<BackupSummary> => {
  if (existsSync(directory) && readdirSync(directory).length > 0) throw new Error(`${directory} is not empty: a backup goes into a new directory`);
  if (!existsSync(join(dataDir, 'events.db'))) throw new Error(`${join(dataDir, 'events.db')} does not exist: DATA_DIR names no event log`);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);
  for (const name of DATABASES) if (existsSync(join(dataDir, name))) await copyDatabase(join(dataDir, name), join(directory, name));
  const lastPosition = anchorTheCopy(join(directory, 'events.db'), directory);
  // The digest of the whole copied log: a restore that verifies against it holds exactly this log.
  const store = openSqliteEventStore({ file: join(directory, 'events.db') });
  let anchor;
  try {
    anchor = await takeAnchor(store, systemClock.now().toString());
  } finally {
    await store.close();
  }
  writeFileSync(join(directory, 'anchor.json'), `${JSON.stringify(anchor, null, 2)}\n`, { mode: 0o600 });
  // Last: reading the copy as a store opened it in WAL mode.
  for (const name of DATABASES) if (existsSync(join(directory, name))) withoutWal(join(directory, name));
  const files = readdirSync(directory)
    .sort()
    .map((name) => ({ name, bytes: statSync(join(directory, name)).size }));
  return { directory, files, events: anchor.events, lastPosition, digest: anchor.digest };
};

/** Exit codes: 0 backed up, 1 failed, 2 bad arguments or configuration. */
export const backupCommand = async (argv: string[], env: NodeJS.ProcessEnv, out: BackupOutput): Promise<number> => {
  let directory: string;
  let dataDir: string;
  try {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      out.log(usage());
      return 0;
    }
    if (positionals.length !== 1) throw new Error('name one directory to back up into');
    directory = resolve(positionals[0]!);
    const config = readConfig(env);
    if (config.EVENTSTORE_CONNECTION_STRING)
      throw new Error("the event store is EventStoreDB: back it up with its own tools (docs/operations.md); this copies the SQLite store's files");
    dataDir = config.DATA_DIR;
  } catch (error) {
    out.error(`${(error as Error).message}\n${usage()}`);
    return 2;
  }
  try {
    const summary = await takeBackup(dataDir, directory);
    out.log(`backed up ${dataDir} into ${summary.directory}: ${summary.events} events, the last at position ${summary.lastPosition ?? '—'}`);
    for (const file of summary.files) out.log(`  ${file.name}  ${file.bytes} bytes`);
    out.log(`check a restore with: DATA_DIR=<restored> npm run audit -- verify --anchor ${join(summary.directory, 'anchor.json')}`);
    return 0;
  } catch (error) {
    out.error(`backup failed: ${(error as Error).message}`);
    return 1;
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await backupCommand(process.argv.slice(2), process.env, { log: console.log, error: console.error });
}
