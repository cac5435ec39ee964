/**
 * The event store port. Adapters: SQLite (embedded default), in-memory (tests),
 * EventStoreDB (production clusters). One conformance suite (test/store) binds them all
 * to the semantics written here.
 */
import type { LogEndGuard } from './log-end.js';

/** Sentinels for optimistic concurrency, alongside an exact bigint revision. */
export const NO_STREAM = 'no_stream' as const;
export const STREAM_EXISTS = 'stream_exists' as const;
export const ANY = 'any' as const;
export type ExpectedRevision = bigint | typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY;

/**
 * A position in the global log. Monotonic, not contiguous. EventStoreDB has two numbers;
 * stores with a single sequence set both to it. Compare with `comparePositions`.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const comparePositions = (a: Position, b: Position): number =>
  a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0;

/** JSON-serialisable values, as events are stored. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface EventToAppend {
  /** A UUID, derived deterministically from the command so that a retry writes nothing new. */
  readonly id: string;
  readonly type: string;
  readonly data: Json;
  readonly metadata: Json;
}

export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Json;
  readonly metadata: Json;
  readonly streamName: string;
  /** 0-based position of the event in its stream. */
  readonly revision: bigint;
  readonly position: Position;
  /**
   * `data` with its personal fields opened, set by a store that holds their keys
   * (src/store/personal/store.ts) on an event that has sealed ones. `data` stays the stored form:
   * what hash chains and anchors are computed over.
   */
  readonly opened?: Json;
}

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the last event written: pass it as `expectedRevision` for the next append. */
  readonly nextRevision: bigint;
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive start revision; default the first (forwards) or last (backwards) event. */
  readonly from?: bigint;
  readonly direction?: Direction;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Inclusive start; default the start of the log. */
  readonly from?: Position | 'start';
  /** Most events returned (of those matching `filter`, when it is given). */
  readonly maxCount?: number;
  /** Only the events it matches; a store may find them without reading the others (the SQLite store, for a few streams). */
  readonly filter?: SubscriptionFilter;
}

export interface SubscriptionFilter {
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface SubscribeOptions {
  /** Exclusive: delivery starts with the first event after this position. Default: the start. */
  readonly from?: Position | 'start';
  readonly filter?: SubscriptionFilter;
}

/** What a subscription yields, in order: events, and once the history is read, `caughtUp`. */
export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  | { readonly kind: 'caughtUp'; readonly position: Position | undefined };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  /** Stops delivery; a pending iteration ends. Idempotent. */
  unsubscribe(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends atomically. Throws RevisionConflictError when `expectedRevision` does not hold,
   * EventTooLargeError for an event over the store's limit. Appending events whose ids are
   * already the stream's events at that place (a retried command) writes nothing and returns
   * the original result.
   */
  appendToStream(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Whether the stream has events, without reading them or throwing: what a reader that expects
   * most streams it asks for not to exist yet (an import) asks before readStream, sparing a
   * StreamNotFoundError each. Optional; without it, read.
   */
  hasStream?(stream: string): Promise<boolean>;
  /**
   * The stream's last revision as far as this store object knows without a read: every append
   * made through it counts, but another process's append may go unnoticed for a while (until the
   * object's next write, for SQLite). `undefined`: read to know. Optional; a caller that keeps
   * state folded from a stream uses it to skip re-reading the tail, and so must read before it
   * refuses anything on the strength of that state. An append at a stale revision is refused
   * with a RevisionConflictError, as always.
   */
  knownRevision?(stream: string): bigint | undefined;
  /**
   * For an embedded store whose subscriptions wake on its own commits: `listener` runs after each of
   * its commits (returns the unsubscribe), and `committedElsewhere` wakes its subscriptions for what
   * another connection to the same file committed (a projection thread reading the log).
   */
  onCommitted?(listener: () => void): () => void;
  committedElsewhere?(): void;
  /**
   * For a store with a write-ahead log: copies what the log holds into the database file, so that
   * another thread can spare the writer its checkpoints. `passive` (the default) never holds up
   * writers; `truncate` holds them off briefly to empty the WAL (src/store/wal-policy.ts). Returns
   * the WAL's pages and how many of them are now in the database file.
   */
  checkpoint?(mode?: 'passive' | 'truncate'): { readonly walPages: number; readonly checkpointed: number; readonly busy?: boolean };
  /**
   * For a store that keeps its log's end outside the log (SQLite's log-end.json): whether the log
   * is shorter than it was, and accepting that it is. EventStoreDB vouches for its own durability.
   */
  readonly logEnd?: LogEndGuard;
  /** For a store that commits appends in groups: how many appends and how many commits (each one fsync) so far. */
  stats?(): { readonly appends: number; readonly transactions: number };
  /**
   * The `metadata.recordedAt` of the log's last event that carries one (an ISO instant), read from
   * the log; undefined for a log without one. The server holds its clock to it (src/runtime/
   * log-clock.ts), so that no event is recorded earlier than the last one already in the log, after
   * a restart with the clock set back included. Optional for test doubles; every adapter has it.
   */
  lastRecordedAt?(): Promise<string | undefined>;
  /** The global log in order, forwards. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The position of the log's last event matching `filter` (undefined for a log without one),
   * read from the end: what "the head of the log" is for a projection, without reading the log
   * up to it. Optional for test doubles; every adapter has it.
   */
  lastPosition?(filter?: SubscriptionFilter): Promise<Position | undefined>;
  /** Catch up from `from`, emit `caughtUp`, then deliver live events. At-least-once. */
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Flushes and releases resources; later calls fail with StoreUnavailableError. */
  close(): Promise<void>;
}

export const matchesFilter = (event: Pick<RecordedEvent, 'streamName' | 'type'>, filter?: SubscriptionFilter): boolean => {
  if (!filter) return true;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamName.startsWith(prefix))) return false;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  return true;
};
