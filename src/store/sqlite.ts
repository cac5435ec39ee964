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
import {
  DEFAULT_MAX_EVENT_BYTES,
  planAppend,
  recordedEvent,
  sequencePosition,
  serializeForAppend,
  type SerializedEvent,
} from './append-rules.js';
import { StoreUnavailableError, StreamNotFoundError } from './errors.js';
import { createGroupCommit, type GroupCommitStats, type Outcome } from './group-commit.js';
import { createSubscriptionHub } from './log-subscription.js';
import { createOwnWrites } from './sqlite-own-writes.js';
import type { AppendResult, EventStore, ExpectedRevision, RecordedEvent } from './port.js';
import { LAST_REVISION, NO_LIMIT, openEventDatabase, prepareEventStatements, type EventRow } from './sqlite-schema.js';

export interface SqliteEventStoreOptions {
  /** The database file, e.g. `${DATA_DIR}/events.db`; its directory is created if missing. */
  readonly file: string;
  readonly maxEventBytes?: number;
  /** Most appends per transaction. 1 turns group commit off (one transaction per append). */
  readonly maxBatch?: number;
  /** WAL pages between two checkpoints; see DEFAULT_WAL_AUTOCHECKPOINT_PAGES. */
  readonly walAutocheckpointPages?: number;
}

export interface SqliteEventStore extends EventStore {
  /** How well group commit batches: fewer transactions than appends means it does. */
  stats(): GroupCommitStats;
}

interface AppendRequest {
  readonly stream: string;
  readonly events: readonly SerializedEvent[];
  readonly expected: ExpectedRevision;
}

const DEFAULT_MAX_BATCH = 256;

const toRecorded = (row: EventRow): RecordedEvent => recordedEvent({ ...row, streamName: row.stream }, row.position);

const limitOf = (maxCount: number | undefined): number =>
  maxCount === undefined || maxCount === Infinity ? NO_LIMIT : Math.max(0, Math.floor(maxCount));

export const openSqliteEventStore = (options: SqliteEventStoreOptions): SqliteEventStore => {
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const db = openEventDatabase(options.file, options.walAutocheckpointPages);
  const sql = prepareEventStatements(db);
  let closed = false;

  const ensureOpen = () => {
    if (closed) throw new StoreUnavailableError(`the event store ${options.file} is closed`);
  };

  const ownWrites = createOwnWrites(db);
  /** Streams written by the batch being committed, at their new last revision. */
  const batchWrites = new Map<string, bigint>();
  const lookup = {
    // Within a write transaction (after ownWrites.look()) what this connection wrote is exact.
    currentRevision: (stream: string) =>
      batchWrites.get(stream) ?? ownWrites.revision(stream) ?? sql.currentRevision.get(stream)?.revision ?? undefined,
    placementOf: (id: string) => {
      const row = sql.placementOf.get(id);
      return row && { streamName: row.stream, revision: row.revision, position: sequencePosition(row.position) };
    },
  };

  // Checks run before any write, so a refused append writes nothing.
  const write = ({ stream, events, expected }: AppendRequest): { result: AppendResult; wrote: boolean } => {
    const plan = planAppend(stream, events, expected, lookup);
    if (plan.kind === 'retried') return { result: plan.result, wrote: false };
    let revision = plan.firstRevision - 1n;
    let position = 0n;
    for (const event of events) {
      revision += 1n;
      const written = sql.insert.run(event.id, stream, revision, event.type, event.data, event.metadata);
      position = BigInt(written.lastInsertRowid);
    }
    return { result: { nextRevision: revision, position: sequencePosition(position) }, wrote: true };
  };
  // Several events run as a nested transaction (a SAVEPOINT), which undoes a half-written append
  // if SQLite fails midway; one event is one INSERT, which SQLite undoes on its own when it fails.
  const writeAll = db.transaction(write);
  const appendOne = (request: AppendRequest) => (request.events.length === 1 ? write(request) : writeAll(request));

  // Requests are decided in arrival order inside one transaction: a later append to the same
  // stream sees the earlier one's events.
  const runBatch = db.transaction((requests: readonly AppendRequest[]): Outcome<AppendResult>[] => {
    ownWrites.look();
    return requests.map((request) => {
      try {
        const { result, wrote } = appendOne(request);
        if (wrote) batchWrites.set(request.stream, result.nextRevision);
        return { ok: true, value: result };
      } catch (error) {
        const reported = error instanceof Database.SqliteError ? new StoreUnavailableError(error.message, error) : error;
        return { ok: false, error: reported };
      }
    });
  });
  const commitBatch = (requests: readonly AppendRequest[]): Outcome<AppendResult>[] => {
    try {
      const outcomes = runBatch(requests);
      // Only now, committed, do the streams written end where these appends left them.
      for (const [stream, revision] of batchWrites) ownWrites.written(stream, revision);
      return outcomes;
    } finally {
      batchWrites.clear();
    }
  };

  const hub = createSubscriptionHub((after, limit) => {
    ensureOpen();
    return sql.logAfter.all(after === 'start' ? 0n : after.commit, limit).map(toRecorded);
  });

  const writer = createGroupCommit<AppendRequest, AppendResult>({
    maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
    commitBatch,
    afterCommit: hub.committed,
  });

  return {
    async appendToStream(stream, events, { expectedRevision }) {
      ensureOpen();
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

    knownRevision(stream) {
      ensureOpen();
      return ownWrites.revision(stream);
    },

    async readAll({ from = 'start', maxCount } = {}) {
      ensureOpen();
      return sql.logFrom.all(from === 'start' ? 0n : from.commit, limitOf(maxCount)).map(toRecorded);
    },

    subscribeToAll: (subscribeOptions) => hub.subscribe(subscribeOptions),

    async close() {
      if (closed) return;
      closed = true;
      // Appends already accepted are committed and acknowledged before the file is let go.
      writer.drain();
      hub.closed();
      db.close();
    },

    stats: () => writer.stats(),
  };
};
