/**
 * The log's end, kept outside the log: `log-end.json` beside `events.db`.
 *
 * The log alone cannot know it is shorter than it was. A lost or truncated `events.db-wal`, or the
 * file replaced by an older copy, leaves a smaller log that reads as whole: every hash chain still
 * links, and every position still follows the one before. The anchor remembers where the log
 * ended at its last durable commit, so that such a log is noticed and the positions lost named.
 *
 * It is written only after the commit it describes is durable (and only by the writer), so a crash
 * between the two leaves it behind the log, which is normal and heals at the next commit; it can be
 * ahead of the log only if committed events were lost since.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';

export const LOG_END_FORMAT = 'event-log-end/1' as const;

export interface LogEnd {
  readonly format: typeof LOG_END_FORMAT;
  /** The global position of the last committed event. */
  readonly position: string;
  /** Events in the log up to and with it. */
  readonly events: number;
  readonly eventId: string;
  /** SHA-256 of the last event as stored (see rowHash): its chain hash is in its metadata, so this covers it. */
  readonly hash: string;
  /** The last event's recordedAt, when it carries one. */
  readonly recordedAt: string | null;
}

const logEndSchema = z.strictObject({
  format: z.literal(LOG_END_FORMAT),
  position: z.string().regex(/^\d+$/),
  events: z.number().int().nonnegative(),
  eventId: z.string(),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  recordedAt: z.string().nullable(),
});

/** An event as the SQLite log stores it: data and metadata as the JSON text written. */
export interface StoredEventRow {
  readonly position: bigint;
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** The digest of one stored event, every field of it: an event replaced at the same position digests otherwise. */
export const rowHash = (row: StoredEventRow): string =>
  `sha256:${createHash('sha256')
    .update(`${row.position}\t${row.stream}\t${row.revision}\t${row.id}\t${row.type}\t${row.data}\t${row.metadata}`)
    .digest('hex')}`;

const recordedAtOf = (metadata: string): string | null => {
  try {
    const value = (JSON.parse(metadata) as { recordedAt?: unknown } | null)?.recordedAt;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
};

export const logEndOf = (row: StoredEventRow, events: number): LogEnd => ({
  format: LOG_END_FORMAT,
  position: String(row.position),
  events,
  eventId: row.id,
  hash: rowHash(row),
  recordedAt: recordedAtOf(row.metadata),
});

/**
 * `${DATA_DIR}/log-end.json` for `${DATA_DIR}/events.db`; a log under another name has an anchor
 * named after it (`x.db` → `x.db.log-end.json`), so that logs sharing a directory never share one.
 */
export const logEndFileOf = (eventsFile: string): string => {
  const name = basename(eventsFile);
  return join(dirname(eventsFile), name === 'events.db' ? 'log-end.json' : `${name}.log-end.json`);
};

/** The anchor, or undefined when there is none yet (a new data directory, or one from before anchors). */
export const readLogEnd = (file: string): LogEnd | undefined => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed;
  try {
    parsed = logEndSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) throw new Error(`${file} is not a log-end anchor (${LOG_END_FORMAT}); restore it from the backup, or move it away to start without it`);
  return parsed.data as LogEnd;
};

const contentOf = (end: LogEnd) => `${JSON.stringify(end, null, 2)}\n`;
/** A name of the writing process's own: two writers of one file never write into each other's. */
const temporaryOf = (file: string, pid = process.pid) => `${file}.${pid}.tmp`;

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes what writers killed mid-write left (`log-end.json.<pid>.tmp` of a process gone). */
export const removeStaleTemporaries = (file: string): void => {
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length, -'.tmp'.length)) : Number.NaN;
    if (Number.isInteger(pid) && pid > 0 && !isRunning(pid)) rmSync(temporaryOf(file, pid), { force: true });
  }
};

/**
 * Replaces the anchor atomically: the new content is fsynced under a name of its own, then renamed
 * over the old one. The directory is not fsynced: after a power loss the rename may be undone,
 * which leaves the anchor behind the log, never ahead of it nor torn.
 */
export const writeLogEnd = (file: string, end: LogEnd): void => {
  const temporary = temporaryOf(file);
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, contentOf(end));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
};

/** writeLogEnd off the event loop (the fsync on libuv's threads), for the writer's commits. */
export const writeLogEndAsync = async (file: string, end: LogEnd): Promise<void> => {
  const temporary = temporaryOf(file);
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(contentOf(end));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
};

/** How the log stands against its anchor. */
export type LogEndCheck =
  /** No anchor yet: nothing to compare (it is written at the next commit). `logEnd`: the last position the log holds (0: empty). */
  | { readonly status: 'unanchored'; readonly logEnd: bigint }
  /** The log holds the anchored event, unchanged, and as many events up to it; it may have grown since. */
  | { readonly status: 'intact'; readonly anchor: LogEnd; readonly logEnd: bigint }
  | {
      readonly status: 'lost';
      readonly anchor: LogEnd;
      readonly logEnd: bigint;
      /** Why: the log ends before the anchor, its event at the anchor's position differs, or events before it are gone. */
      readonly reason: 'shorter' | 'replaced' | 'events_missing';
      /** The positions lost, first to last: after the log's end up to the anchor's when shorter, else the anchor's own. */
      readonly lost: { readonly from: string; readonly to: string };
      /** Events the anchor counted up to its position that the log no longer holds. */
      readonly eventsLost: number;
    };

/** What a store that anchors its log's end offers (EventStore.logEnd). */
export interface LogEndGuard {
  /** Where the anchor is kept. */
  readonly file: string;
  /** Compares the log as it is now with the anchor. Reads only. */
  check(): LogEndCheck;
  /**
   * Accepts the loss the anchor names (`position` must be the anchor's, so that an option left set
   * cannot accept a later loss): positions up to it are never handed out again, and appends are
   * allowed. The anchor itself stays until reset(), so that a crash before the loss is recorded
   * leaves it to be accepted again.
   */
  acceptLoss(position: bigint): Extract<LogEndCheck, { status: 'lost' }>;
  /** Anchors the log's current end, whatever the anchor said. */
  reset(): Promise<void>;
}

/** One line naming what was lost, why it may have happened, and the fix. */
export const describeLogLoss = (check: Extract<LogEndCheck, { status: 'lost' }>, anchorFile: string): string => {
  const { anchor, logEnd, lost, eventsLost } = check;
  const what =
    check.reason === 'shorter'
      ? `the event log ends at position ${logEnd}, but ${anchorFile} recorded it ending at ${anchor.position} (${anchor.events} events): positions ${lost.from}-${lost.to} (${eventsLost} events) are lost`
      : check.reason === 'replaced'
        ? `the event at position ${anchor.position} is not the one ${anchorFile} recorded (${anchor.eventId}, ${anchor.hash}): the log was replaced up to there`
        : `the event log holds ${anchor.events - eventsLost} events up to position ${anchor.position}, but ${anchorFile} recorded ${anchor.events}: ${eventsLost} events are lost`;
  return `${what}; the cause is events.db-wal lost or truncated, or events.db replaced by an older copy. Fix: restore events.db and events.db-wal from the backup; or, to go on without the lost events, start once with ACCEPT_LOG_LOSS=${anchor.position} (recorded in the log as a LogLossAccepted event)`;
};
