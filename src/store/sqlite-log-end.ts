import type Database from 'better-sqlite3';
import {
  describeLogLoss,
  logEndOf,
  readLogEnd,
  removeStaleTemporaries,
  rowHash,
  writeLogEnd,
  writeLogEndAsync,
  type LogEnd,
  type LogEndCheck,
  type LogEndGuard,
  type StoredEventRow,
} from './log-end.js';

/** The SQLite store's anchor keeper: the guard, and the hooks its commits call. */
export interface LogEndKeeper extends LogEndGuard {
  /** Why appends are refused: the log lost events the anchor names, and no one has accepted it yet. */
  readonly refusal: string | undefined;
  /** In the write transaction, before its appends. */
  beforeBatch(): void;
  /** In the write transaction, after its appends: `written` events were inserted. */
  afterBatch(written: number): void;
  /** Once the transaction is committed (durable): the anchor is written (see enqueue). */
  committed(): void;
  rolledBack(): void;
  /** Resolves once the anchor holds the last commit's end (for closing). */
  flushed(): Promise<void>;
}

export const createLogEndKeeper = (db: Database.Database, file: string): LogEndKeeper => {
  const sql = {
    last: db.prepare<[], StoredEventRow>('SELECT * FROM log ORDER BY position DESC LIMIT 1'),
    at: db.prepare<[bigint], StoredEventRow>('SELECT * FROM log WHERE position = ?'),
    end: db.prepare<[], bigint | null>('SELECT max(position) FROM events').pluck(),
    countUpTo: db.prepare<[bigint], bigint>('SELECT count(*) FROM events WHERE position <= ?').pluck(),
    raiseSequence: db.prepare<[bigint]>("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'events'"),
    addSequence: db.prepare<[bigint]>("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)"),
  };
  /** The log's end as of this connection's last write transaction, with the events up to it. */
  let known: { position: bigint; events: number } | undefined;
  let pending: LogEnd | undefined;

  const check = (): LogEndCheck => {
    const anchor = readLogEnd(file);
    const logEnd = sql.end.get() ?? 0n;
    if (!anchor) return { status: 'unanchored', logEnd };
    const position = BigInt(anchor.position);
    const lost = (reason: 'shorter' | 'replaced' | 'events_missing', events: number): LogEndCheck => ({
      status: 'lost',
      anchor,
      logEnd,
      reason,
      lost: reason === 'shorter' ? { from: String(logEnd + 1n), to: anchor.position } : { from: anchor.position, to: anchor.position },
      eventsLost: Math.max(0, anchor.events - events),
    });
    if (logEnd < position) return lost('shorter', Number(sql.countUpTo.get(logEnd)));
    const events = Number(sql.countUpTo.get(position));
    const row = sql.at.get(position);
    if (row === undefined || rowHash(row) !== anchor.hash) return lost('replaced', events);
    if (events !== anchor.events) return lost(events < anchor.events ? 'events_missing' : 'replaced', events);
    return { status: 'intact', anchor, logEnd };
  };

  removeStaleTemporaries(file);
  const opened = check();
  let refusal = opened.status === 'lost' ? describeLogLoss(opened, file) : undefined;

  let failedWrite = false;
  const warn = (error: unknown) => {
    // The commit is durable and acknowledged regardless; an anchor left behind only notices less.
    if (!failedWrite) process.emitWarning(`the log-end anchor ${file} could not be written: ${(error as Error).message}`);
    failedWrite = true;
  };
  // One write at a time, of the latest end: commits do not wait for the anchor (its fsync would
  // double theirs), so it trails the log by the write in flight (docs/operations.md).
  let latest: LogEnd | undefined;
  let writing: Promise<void> | undefined;
  const flush = async () => {
    while (latest !== undefined) {
      const end = latest;
      latest = undefined;
      try {
        await writeLogEndAsync(file, end);
        failedWrite = false;
      } catch (error) {
        warn(error);
      }
    }
    writing = undefined;
  };
  const enqueue = (end: LogEnd) => {
    latest = end;
    writing ??= flush();
  };

  return {
    file,
    check,
    get refusal() {
      return refusal;
    },
    acceptLoss(position) {
      const found = check();
      if (found.status !== 'lost') throw new Error(`the event log has lost nothing its anchor ${file} knows of: there is no loss to accept`);
      if (found.anchor.position !== String(position)) {
        throw new Error(`the anchor ${file} ends at position ${found.anchor.position}, not ${position}: accept exactly the loss it names`);
      }
      // Positions once handed out are never handed out again: a lost position names its lost event for good.
      db.transaction(() => {
        if (sql.raiseSequence.run(position).changes === 0) sql.addSequence.run(position);
      }).immediate();
      known = undefined;
      refusal = undefined;
      return found;
    },
    async reset() {
      await writing;
      const row = sql.last.get();
      if (row) writeLogEnd(file, logEndOf(row, Number(sql.countUpTo.get(row.position))));
    },
    beforeBatch() {
      const end = sql.end.get() ?? 0n;
      // Another connection committed since (or this is the first batch): count once, then keep count.
      if (known?.position !== end) known = { position: end, events: Number(sql.countUpTo.get(end)) };
    },
    afterBatch(written) {
      if (written === 0 || known === undefined) return;
      pending = logEndOf(sql.last.get()!, known.events + written);
    },
    committed() {
      const end = pending;
      pending = undefined;
      if (end === undefined) return;
      known = { position: BigInt(end.position), events: end.events };
      if (refusal === undefined) enqueue(end);
    },
    rolledBack() {
      pending = undefined;
    },
    flushed: async () => {
      await writing;
    },
  };
};
