/**
 * The embedded, durable adapter: one SQLite file, one writer connection, group commit.
 *
 * Why the global log has no gaps a subscriber could skip: positions are the table's
 * AUTOINCREMENT row ids, assigned inside the write transaction, and SQLite runs one write
 * transaction at a time (this store even funnels all appends through one connection and
 * commits batches strictly one after another). A transaction that rolls back never becomes
 * visible, so every reader sees the log as a prefix ordered by position, and an event with a
 * lower position can never appear after one with a higher position was read.
 */
import Database from 'better-sqlite3';
import { DEFAULT_MAX_EVENT_BYTES, planAppend, recordedEvent, sequencePosition, serializeForAppend, type SerializedEvent } from './append-rules.js';
import { StoreUnavailableError, StreamNotFoundError } from './errors.js';
import { createGroupCommit, type GroupCommitStats, type Outcome } from './group-commit.js';
import { checkpointWal } from './wal-policy.js';
import { firstRecordedAt, RECORDED_AT_LOOKBACK } from './last-recorded-at.js';
import { logEndFileOf } from './log-end.js';
import { createSubscriptionHub } from './log-subscription.js';
import { createLogEndKeeper, type LogEndKeeper } from './sqlite-log-end.js';
import { createOwnWrites } from './sqlite-own-writes.js';
import { matchesFilter, type AppendResult, type EventStore, type ExpectedRevision, type RecordedEvent } from './port.js';
import { readFiltered, type ReadPage } from './filtered-read.js';
import { fewStreamRanges } from './sqlite-stream-ranges.js';
import { createStreamIds } from './sqlite-stream-ids.js';
import { LAST_REVISION, NO_LIMIT, openEventDatabase, prepareEventStatements, type EventRow } from './sqlite-schema.js';

export interface SqliteEventStoreOptions {
  /** The database file, e.g. `${DATA_DIR}/events.db`; its directory is created if missing. */
  readonly file: string;
  readonly maxEventBytes?: number;
  /** Most appends per transaction. 1 turns group commit off (one transaction per append). */
  readonly maxBatch?: number;
  /** WAL pages between two checkpoints; see DEFAULT_WAL_AUTOCHECKPOINT_PAGES. */
  readonly walAutocheckpointPages?: number;
  /** Where the log's end is anchored, outside the log (log-end.ts); default `log-end.json` beside the file. */
  readonly logEndFile?: string;
  /** The most of the file this connection caches, in KiB (openEventDatabase); SQLite's build default when absent. */
  readonly pageCacheKib?: number;
}

export interface SqliteEventStore extends EventStore {
  /** How well group commit batches: fewer transactions than appends means it does. */
  stats(): GroupCommitStats;
  readonly logEnd: LogEndKeeper;
}

interface AppendRequest {
  readonly stream: string;
  readonly events: readonly SerializedEvent[];
  readonly expected: ExpectedRevision;
}

interface Written {
  readonly result: AppendResult;
  readonly wrote: boolean;
  /** The id the append gave its stream, when it began the stream. */
  readonly newStream?: bigint | undefined;
}

const DEFAULT_MAX_BATCH = 256;

const toRecorded = (row: EventRow): RecordedEvent => recordedEvent({ ...row, streamName: row.stream }, row.position);

const BACKWARDS_PAGE = 500;

const limitOf = (maxCount: number | undefined): number => (maxCount === undefined || maxCount === Infinity ? NO_LIMIT : Math.max(0, Math.floor(maxCount)));

export const openSqliteEventStore = (options: SqliteEventStoreOptions): SqliteEventStore => {
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const db = openEventDatabase(options.file, options.walAutocheckpointPages, options.pageCacheKib);
  const sql = prepareEventStatements(db);
  let closed = false;

  const ensureOpen = () => {
    if (closed) throw new StoreUnavailableError(`the event store ${options.file} is closed`);
  };

  let logEnd: LogEndKeeper;
  try {
    logEnd = createLogEndKeeper(db, options.logEndFile ?? logEndFileOf(options.file));
  } catch (error) {
    db.close();
    throw error;
  }
  const ownWrites = createOwnWrites(db);
  /** Streams written by the batch being committed, at their new last revision. */
  const batchWrites = new Map<string, bigint>();
  const streamIds = createStreamIds(sql);
  const lookup = {
    // Within a write transaction (after ownWrites.look()) what this connection wrote is exact.
    currentRevision: (stream: string) => {
      const known = batchWrites.get(stream) ?? ownWrites.revision(stream);
      if (known !== undefined) return known;
      const id = streamIds.find(stream);
      return id === undefined ? undefined : (sql.currentRevision.get(id)?.revision ?? undefined);
    },
    placementOf: (id: string) => {
      const row = sql.placementOf.get(id);
      return row && { streamName: row.stream, revision: row.revision, position: sequencePosition(row.position) };
    },
  };

  // Checks run before any write, so a refused append writes nothing.
  const write = ({ stream, events, expected }: AppendRequest, known: bigint | undefined): Written => {
    const plan = planAppend(stream, events, expected, lookup);
    if (plan.kind === 'retried') return { result: plan.result, wrote: false };
    const streamId = known ?? sql.addStream.get(stream)!;
    let revision = plan.firstRevision - 1n;
    let position = 0n;
    for (const event of events) {
      revision += 1n;
      const written = sql.insert.run(event.id, streamId, revision, event.type, event.data, event.metadata);
      position = BigInt(written.lastInsertRowid);
    }
    return { result: { nextRevision: revision, position: sequencePosition(position) }, wrote: true, newStream: known === undefined ? streamId : undefined };
  };
  // Several events, or the first of a new stream, run as a nested transaction (a SAVEPOINT), which
  // undoes a half-written append if SQLite fails midway; one event of a known stream is one INSERT,
  // which SQLite undoes on its own when it fails.
  const writeAll = db.transaction(write);
  const appendOne = (request: AppendRequest): Written => {
    const known = streamIds.find(request.stream);
    return request.events.length === 1 && known !== undefined ? write(request, known) : writeAll(request, known);
  };

  // Requests are decided in arrival order inside one transaction: a later append to the same
  // stream sees the earlier one's events.
  const runBatch = db.transaction((requests: readonly AppendRequest[]): Outcome<AppendResult>[] => {
    ownWrites.look();
    logEnd.beforeBatch();
    let written = 0;
    const outcomes = requests.map((request): Outcome<AppendResult> => {
      try {
        const { result, wrote, newStream } = appendOne(request);
        if (wrote) {
          batchWrites.set(request.stream, result.nextRevision);
          written += request.events.length;
        }
        if (newStream !== undefined) streamIds.added(request.stream, newStream);
        return { ok: true, value: result };
      } catch (error) {
        const reported = error instanceof Database.SqliteError ? new StoreUnavailableError(error.message, error) : error;
        return { ok: false, error: reported };
      }
    });
    logEnd.afterBatch(written);
    return outcomes;
  });
  const commitBatch = (requests: readonly AppendRequest[]): Outcome<AppendResult>[] => {
    try {
      // IMMEDIATE: the write lock is taken when the transaction begins, waiting (busy_timeout) while
      // another thread's checkpoint holds it (wal-policy.ts); a transaction that read first and then
      // found the lock taken would fail with SQLITE_BUSY instead of waiting.
      const outcomes = runBatch.immediate(requests);
      // Only now, committed, do the streams written end where these appends left them.
      for (const [stream, revision] of batchWrites) ownWrites.written(stream, revision);
      streamIds.committed();
      // The commit is durable (synchronous=FULL): only now may the anchor say the log ends there.
      logEnd.committed();
      return outcomes;
    } finally {
      batchWrites.clear();
      streamIds.rolledBack();
      logEnd.rolledBack();
    }
  };

  const hub = createSubscriptionHub((after, limit) => {
    ensureOpen();
    return sql.logAfter.all(after === 'start' ? 0n : after.commit, limit).map(toRecorded);
  });

  const commitListeners = new Set<() => void>();
  const writer = createGroupCommit<AppendRequest, AppendResult>({
    maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
    commitBatch,
    afterCommit: () => {
      hub.committed();
      for (const listener of commitListeners) listener();
    },
  });

  return {
    async appendToStream(stream, events, { expectedRevision }) {
      ensureOpen();
      // The log lost events its anchor names: nothing is added until the loss is accepted (or the files restored).
      if (logEnd.refusal !== undefined) throw new StoreUnavailableError(logEnd.refusal);
      return writer.submit({ stream, events: serializeForAppend(stream, events, maxEventBytes), expected: expectedRevision });
    },

    async readStream(stream, { from, direction = 'forwards', maxCount } = {}) {
      ensureOpen();
      const rows =
        direction === 'forwards'
          ? sql.streamForwards.all(stream, from ?? 0n, limitOf(maxCount))
          : sql.streamBackwards.all(stream, from ?? LAST_REVISION, limitOf(maxCount));
      if (rows.length === 0 && sql.streamExists.get(stream) === undefined) throw new StreamNotFoundError(stream);
      return rows.map(toRecorded);
    },

    async hasStream(stream) {
      ensureOpen();
      return sql.streamExists.get(stream) !== undefined;
    },

    knownRevision(stream) {
      ensureOpen();
      return ownWrites.revision(stream);
    },

    async readAll({ from = 'start', maxCount, filter } = {}) {
      ensureOpen();
      const start = from === 'start' ? 0n : from.commit;
      if (filter === undefined) return sql.logFrom.all(start, limitOf(maxCount)).map(toRecorded);
      // The streams' ids and their events read in one snapshot: a stream opened in between is not half seen.
      const few = db.transaction(() => {
        const ranges = fewStreamRanges(sql, filter);
        // Every event of those streams matches the prefixes: only a filter by type needs more than maxCount of each.
        const limit = filter.eventTypes ? NO_LIMIT : limitOf(maxCount);
        return ranges?.flatMap(([from, to]) => sql.logOfStreamsBetween.all(from, to, start, limit)).sort((x, y) => (x.position < y.position ? -1 : 1));
      })();
      if (few)
        return few
          .map(toRecorded)
          .filter((event) => matchesFilter(event, filter))
          .slice(0, maxCount === undefined ? undefined : Math.max(0, Math.floor(maxCount)));
      const page: ReadPage = (at, count) => sql.logFrom.all(at === 'start' ? 0n : at.commit, count).map(toRecorded);
      return readFiltered(page, from, maxCount ?? Infinity, filter);
    },

    async lastPosition(filter) {
      ensureOpen();
      for (let before = LAST_REVISION; ; ) {
        const rows = sql.logBackwards.all(before, BACKWARDS_PAGE);
        const found = rows.find((row) => matchesFilter({ streamName: row.stream, type: row.type }, filter));
        if (found) return sequencePosition(found.position);
        if (rows.length < BACKWARDS_PAGE) return undefined;
        before = rows.at(-1)!.position - 1n;
      }
    },

    async lastRecordedAt() {
      ensureOpen();
      return firstRecordedAt(sql.lastMetadata.all(RECORDED_AT_LOOKBACK).map((metadata) => JSON.parse(metadata)));
    },

    subscribeToAll: (subscribeOptions) => hub.subscribe(subscribeOptions),

    onCommitted(listener) {
      commitListeners.add(listener);
      return () => void commitListeners.delete(listener);
    },

    committedElsewhere: () => hub.committed(),

    checkpoint(mode = 'passive') {
      ensureOpen();
      return checkpointWal(db, mode);
    },

    async close() {
      if (closed) return;
      closed = true;
      // Appends already accepted are committed and acknowledged before the file is let go.
      writer.drain();
      hub.closed();
      db.close();
      await logEnd.flushed();
    },

    stats: () => writer.stats(),
    logEnd,
  };
};
