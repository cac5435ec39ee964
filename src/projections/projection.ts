import type Database from 'better-sqlite3';
import type { CaseType, DomainEvent } from '../domain/events/envelope.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
import type { Position } from '../store/port.js';

/** A case event as projections see it: the domain event (metadata checked, data upcast) and where it sits in the log. */
export interface ProjectedEvent extends DomainEvent {
  readonly caseType: CaseType;
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

/**
 * A read model built from the case events. The runner calls `apply` for each event of a batch,
 * then `endBatch`, all inside one transaction that also writes the checkpoint; when that
 * transaction rolls back (or `apply` throws) it calls `discardBatch`, so in-memory state never
 * runs ahead of the tables. Handlers must be idempotent: delivery is at-least-once.
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
  endBatch?(db: Database.Database, ctx: ProjectionContext): void;
  discardBatch?(): void;
  /** Ruleset versions the stored rows refer to, asked once when the projection starts consuming. */
  storedRulesetVersions?(db: Database.Database): Iterable<string>;
}

export interface AppliedSummary {
  readonly projection: string;
  /** Properties of the cases the batch touched. */
  readonly properties: Set<string>;
  readonly cases: Array<{ readonly caseType: CaseType; readonly caseId: string }>;
  readonly events: number;
  readonly checkpoint: Position;
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
  readonly caughtUp: boolean;
  readonly running: boolean;
  /** Why the projection stopped: the batch that failed was rolled back. */
  readonly error: string | null;
}
