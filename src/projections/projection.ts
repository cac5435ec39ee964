import type Database from 'better-sqlite3';
import type { DomainEvent } from '../domain/events/envelope.js';
import type { RecordType } from '../domain/records.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
import type { Position } from '../store/port.js';

/** A case event as projections see it: the domain event (metadata checked, data upcast) and where it sits in the log. */
export interface ProjectedEvent extends DomainEvent {
  readonly caseType: RecordType;
  readonly streamName: string;
  /** 0-based revision of the event in its case stream. */
  readonly revision: bigint;
  readonly position: Position;
}

/** What a projection may use while applying a batch: everything synchronous, loaded before the transaction. */
export interface ProjectionContext {
  /** A ruleset the runner loaded for this batch; throws for a version it was not asked to load. */
  ruleset(version: string): Ruleset;
}

/** How a batch ends. */
export interface BatchEnd {
  /**
   * True while the consumer catches up with the log, before its subscription reaches the head:
   * a projection that applies in memory may then hold back cases it expects more events for, so
   * a case whose events lie a few batches apart is written once rather than once a batch. Once
   * caught up, every batch writes everything it applied.
   */
  readonly catchingUp: boolean;
}

export interface CaseRef {
  readonly caseType: RecordType;
  readonly caseId: string;
}

/** What `endBatch` of a projection that applies in memory wrote, and what it still holds back. */
export interface BatchWritten {
  readonly cases: ReadonlyArray<CaseRef & { readonly propertyId: string }>;
  /** The position of the earliest event applied and not yet written; null when none is held back. */
  readonly heldFrom: Position | null;
}

/**
 * A read model built from the case events. The runner calls `apply` for each event of a batch,
 * then `endBatch`, all inside one transaction that also writes the checkpoint; when that
 * transaction rolls back (or `apply` throws) it calls `discardBatch`, so in-memory state never
 * runs ahead of the tables. The checkpoint never passes an event held back (BatchWritten), so a
 * restart redelivers it. Handlers must be idempotent: delivery is at-least-once.
 */
export interface Projection {
  readonly name: string;
  /** Bump it when the tables or their meaning change: the runner tears down and replays from the start. */
  readonly version: number;
  setup(db: Database.Database): void;
  teardown(db: Database.Database): void;
  apply(db: Database.Database, event: ProjectedEvent, ctx: ProjectionContext): void;
  /**
   * True when `apply` only folds the event into memory (it may read the tables, never write them)
   * and `endBatch` writes: the runner then applies each event as it arrives, outside the
   * transaction, and a batch holds the cases it touched instead of its events.
   */
  readonly appliesInMemory?: boolean;
  /** Writes the batch; a projection that applies in memory says what it wrote and what it holds back. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a projection that writes as it applies returns nothing at all.
  endBatch?(db: Database.Database, ctx: ProjectionContext, end: BatchEnd): BatchWritten | void;
  /** Forgets everything applied and not written, and anything read from tables since rolled back. */
  discardBatch?(): void;
  /** Ruleset versions the stored rows refer to, asked once when the projection starts consuming. */
  storedRulesetVersions?(db: Database.Database): Iterable<string>;
}

export interface AppliedSummary {
  readonly projection: string;
  /** Properties of the cases the batch wrote. */
  readonly properties: Set<string>;
  /** The cases whose rows the batch wrote. */
  readonly cases: CaseRef[];
  /** Events the batch applied. */
  readonly events: number;
  /** The checkpoint after the batch: it lags the events applied while cases are held back. */
  readonly checkpoint: Position | null;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** The last log position whose effect is in the read model; null before the first. */
  readonly checkpoint: Position | null;
  /** Case events in the store after the checkpoint, counted up to LAG_COUNT_LIMIT (then `lagCapped`). */
  readonly lagEvents: number;
  readonly lagCapped: boolean;
  /** 0 when nothing is pending; else clock.now() minus recordedAt of the last processed event (or of the first pending one). */
  readonly lagSeconds: number;
  /** How long the oldest case event not yet applied has been in the log, in seconds (clock.now() minus its recordedAt); 0 when none. */
  readonly waitingSeconds: number;
  readonly caughtUp: boolean;
  readonly running: boolean;
  /** While the projection fails: why its last batch failed (that batch was rolled back, and is retried); null once a batch succeeds. */
  readonly error: string | null;
  /** True from a failed batch until a batch (or its catching up) succeeds again. */
  readonly failing: boolean;
  /** Failed attempts in a row; 0 when not failing. */
  readonly consecutiveFailures: number;
  /** The code of the last failure (SQLITE_FULL, …), kept after the projection heals; null when it never failed. */
  readonly lastErrorCode: string | null;
}

/**
 * Whether a projection is failing, as it is kept without reading the log: asked on every request
 * that reads the read models, so it costs nothing.
 */
export interface ProjectionHealth {
  readonly name: string;
  readonly failing: boolean;
  /** Failed attempts in a row; 0 when not failing. */
  readonly consecutiveFailures: number;
  /** Failed attempts since the runner started. */
  readonly failures: number;
  /** The last failure, kept after the projection heals. */
  readonly lastError: { readonly code: string | null; readonly message: string; readonly at: number } | null;
  /** When the failing streak began (clock epoch ms); null when not failing. */
  readonly failingSince: number | null;
  /** How long the runner waits before its next attempt, while failing. */
  readonly retryInMs: number | null;
  /** The projection has read the log to its head since it (re)started. */
  readonly caughtUp: boolean;
}
