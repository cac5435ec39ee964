import type Database from 'better-sqlite3';
import { toDomainEvent } from '../store/domain-event.js';
import { recordTypes, type RecordType } from '../domain/records.js';
import { comparePositions, type EventStore, type Position, type RecordedEvent, type SubscriptionMessage } from '../store/port.js';
import type { CheckpointTable } from './checkpoints.js';
import { CASE_EVENTS } from './log-scan.js';
import type { AppliedSummary, BatchWritten, ProjectedEvent, Projection, ProjectionContext } from './projection.js';

const caseTypeOf = (streamName: string): RecordType => {
  const caseType = recordTypes.find((type) => streamName.startsWith(`${type}-`));
  if (!caseType) throw new Error(`${streamName} is not a case stream`);
  return caseType;
};

export const projectedEvent = (recorded: RecordedEvent): ProjectedEvent => {
  const caseType = caseTypeOf(recorded.streamName);
  // Written out, not spread: V8 spreads objects slowly, and a rebuild does this for every event.
  const { id, type, data, metadata } = toDomainEvent(caseType, recorded);
  return { id, type, data, metadata, caseType, streamName: recorded.streamName, revision: recorded.revision, position: recorded.position };
};

/** What a consumer reports back to the runner. */
export interface ConsumerEvents {
  /** `lastRecordedAt`: of the event at the checkpoint, when known. */
  applied(summary: AppliedSummary, lastRecordedAt: number | null): void;
  caughtUp(checkpoint: Position | null): void;
}

export interface ConsumerOptions {
  readonly store: EventStore;
  readonly db: Database.Database;
  readonly projection: Projection;
  readonly checkpoints: CheckpointTable;
  readonly from: Position | null;
  readonly batchSize: number;
  /** Most events a batch holds until the subscription has caught up. */
  readonly catchUpBatchSize: number;
  /** Most cases one batch may touch: what bounds the memory of a projection that applies in memory. */
  readonly batchCases: number;
  /** Loads the rulesets a batch needs before its (synchronous) transaction. */
  readonly preload: (versions: Iterable<string>) => Promise<void>;
  readonly ctx: ProjectionContext;
  readonly now: () => number;
  readonly events: ConsumerEvents;
}

export interface Consumer {
  /** Settles when consuming ends: resolved after stop(), rejected with the error that ended it. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

const IDLE = Symbol('idle');
const ignore = () => {};
/** How long a partial batch waits for more events before it is applied. */
const GATHER_MS = 2;

/**
 * A timer a partial batch races each next message against. The race wakes only the message it
 * waits for now, so racing each of a long catch-up's messages leaves nothing behind (a shared
 * promise would keep a reaction, and with it the message, for every race until the timer fires).
 */
const gatheringTimer = () => {
  let expired = false;
  let wake: ((value: typeof IDLE) => void) | undefined;
  const timer = setTimeout(() => {
    expired = true;
    wake?.(IDLE);
  }, GATHER_MS);
  return {
    race: <T>(next: Promise<T>): Promise<T | typeof IDLE> | typeof IDLE =>
      expired
        ? IDLE
        : new Promise<T | typeof IDLE>((resolve, reject) => {
            wake = resolve;
            next.then(resolve, reject);
          }),
    end: () => clearTimeout(timer),
  };
};
/** Lets timers and I/O (the server's requests) run between the batches of a long catch-up. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A batch not yet written: what its checkpoint and summary need, and the events still to apply. */
interface Batch {
  /** Events `apply` has not seen yet (none for a projection that applies in memory). */
  readonly held: ProjectedEvent[];
  count: number;
  readonly properties: Set<string>;
  readonly cases: Map<string, { caseType: RecordType; caseId: string }>;
  readonly rulesetVersions: Set<string>;
}

const emptyBatch = (): Batch => ({ held: [], count: 0, properties: new Set(), cases: new Map(), rulesetVersions: new Set() });

/** Counts the event in the batch; `inMemory`: a projection that applies in memory has its rulesets loaded already and reports what it wrote. */
const note = (batch: Batch, event: ProjectedEvent, inMemory: boolean) => {
  batch.count += 1;
  if (!inMemory) {
    batch.properties.add(event.metadata.propertyId);
    batch.rulesetVersions.add(event.metadata.rulesetVersion);
  }
  if (!batch.cases.has(event.streamName)) batch.cases.set(event.streamName, { caseType: event.caseType, caseId: event.metadata.caseId });
};

/** A point of the log every event up to which has been applied: a checkpoint once nothing before it is held back. */
interface Mark {
  readonly position: Position | null;
  /** recordedAt (epoch ms) of the event at `position`; null when not known. */
  readonly recordedAt: number | null;
}

/**
 * Where the batches since the checkpoint began, and the mark before each: when a projection holds
 * back events from some position, the checkpoint is the mark before the batch that position is in.
 */
const batchStarts = () => {
  const starts: Array<{ readonly first: Position; readonly before: Mark }> = [];
  return {
    began: (first: Position, before: Mark) => void starts.push({ first, before }),
    /** The checkpoint for events held back from `heldFrom` on; the batches before it are let go. */
    checkpointBefore(heldFrom: Position): Mark {
      let i = starts.length - 1;
      while (i > 0 && comparePositions(starts[i]!.first, heldFrom) > 0) i -= 1;
      starts.splice(0, i);
      return starts[0]!.before;
    },
    clear: () => void (starts.length = 0),
  };
};

/**
 * Applies the case events after `from` to one projection, in batches: each batch, its rulesets
 * loaded first, is applied and checkpointed in one transaction, so a batch redelivered after a
 * crash is either wholly in the read model (and skipped by position) or not at all. A projection
 * that applies in memory folds each event as it arrives and writes in the transaction.
 */
export const startConsumer = (options: ConsumerOptions): Consumer => {
  const { store, db, projection, checkpoints, batchSize, batchCases, ctx, events } = options;
  const subscription = store.subscribeToAll({ from: options.from ?? 'start', filter: CASE_EVENTS });
  /** The checkpoint as stored. */
  let checkpoint = options.from;
  /** The last event added to a batch; none yet when consuming began from `options.from`. */
  let last: ProjectedEvent | undefined;
  /** Where everything added so far ends: the last event added, or where consuming began. */
  const added = (): Mark =>
    last ? { position: last.position, recordedAt: Date.parse(last.metadata.recordedAt) } : { position: options.from, recordedAt: null };
  let batch = emptyBatch();
  const starts = batchStarts();
  /** Whether the projection holds back events of batches already ended. */
  let holding = false;
  const loadedVersions = new Set<string>();
  /** The failure a batch was discarded for already. */
  let discardedFor: unknown;

  /** A projection that applies events as they arrive gets each event's ruleset loaded first. */
  const loadRuleset = async (version: string) => {
    await options.preload([version]);
    loadedVersions.add(version);
  };

  const add = (event: ProjectedEvent) => {
    if (batch.count === 0) starts.began(event.position, added());
    note(batch, event, projection.appliesInMemory === true);
    last = event;
    if (!projection.appliesInMemory) {
      batch.held.push(event);
      return;
    }
    try {
      projection.apply(db, event, ctx);
    } catch (error) {
      projection.discardBatch?.();
      discardedFor = error;
      throw error;
    }
  };

  /** Writes the batch and the checkpoint in one transaction; `catchingUp` lets the projection hold cases back. */
  const flush = async (catchingUp: boolean) => {
    if (batch.count === 0 && !holding) return;
    const applying = batch;
    batch = emptyBatch();
    await options.preload(applying.rulesetVersions);
    let written: BatchWritten | undefined;
    let mark: Mark = added();
    let advanced: Position | undefined;
    try {
      db.transaction(() => {
        for (const event of applying.held) projection.apply(db, event, ctx);
        written = projection.endBatch?.(db, ctx, { catchingUp }) ?? undefined;
        if (written?.heldFrom) mark = starts.checkpointBefore(written.heldFrom);
        if (mark.position && isNew(mark.position)) {
          advanced = mark.position;
          checkpoints.advance(projection.name, advanced, mark.recordedAt, options.now());
        }
      })();
    } catch (error) {
      projection.discardBatch?.();
      discardedFor = error;
      throw error;
    }
    holding = Boolean(written?.heldFrom);
    if (!holding) starts.clear();
    if (advanced) checkpoint = advanced;
    const cases = written ? written.cases.map(({ caseType, caseId }) => ({ caseType, caseId })) : [...applying.cases.values()];
    const properties = written ? new Set(written.cases.map((c) => c.propertyId)) : applying.properties;
    events.applied({ projection: projection.name, properties, cases, events: applying.count, checkpoint }, mark.recordedAt);
  };

  const isNew = (position: Position) => checkpoint === null || comparePositions(position, checkpoint) > 0;
  /** Not yet added to a batch: the checkpoint may lag what was added, while cases are held back. */
  const isUnseen = (position: Position) => {
    const through = last?.position ?? options.from;
    return through === null || comparePositions(position, through) > 0;
  };

  const run = async () => {
    await options.preload(projection.storedRulesetVersions?.(db) ?? []);
    const messages = subscription[Symbol.asyncIterator]();
    const pull = () => {
      const promise = messages.next();
      // Awaited later: a failure while a batch is being applied must not count as unhandled.
      promise.catch(ignore);
      return promise;
    };
    let pending = pull();
    let gathering: ReturnType<typeof gatheringTimer> | undefined;
    // Until the subscription has caught up, the next event is a page read away, and the batch
    // fills or is applied at caughtUp: racing a timer for each event would only cost.
    let live = false;
    const applyBatch = async (catchingUp: boolean) => {
      gathering?.end();
      gathering = undefined;
      await flush(catchingUp);
      await yieldToEventLoop();
    };
    for (;;) {
      const next: IteratorResult<SubscriptionMessage> | typeof IDLE =
        batch.count === 0 || !live ? await pending : await (gathering ??= gatheringTimer()).race(pending);
      if (next === IDLE) {
        await applyBatch(false);
        continue;
      }
      if (next.done) return;
      pending = pull();
      const message = next.value;
      if (message.kind === 'caughtUp') {
        await applyBatch(false);
        // Events of other streams up to here are behind us too: the lag reads 0.
        if (message.position && isNew(message.position)) {
          checkpoints.advance(projection.name, message.position, null, options.now());
          checkpoint = message.position;
        }
        events.caughtUp(checkpoint);
        live = true;
        continue;
      }
      // At-least-once delivery: an event already added is applied or held.
      if (!isUnseen(message.event.position)) continue;
      const event = projectedEvent(message.event);
      if (projection.appliesInMemory && !loadedVersions.has(event.metadata.rulesetVersion)) await loadRuleset(event.metadata.rulesetVersion);
      add(event);
      if (batch.count >= (live ? batchSize : options.catchUpBatchSize) || batch.cases.size >= batchCases) await applyBatch(!live);
    }
  };

  // Whatever ends consuming (a batch, the log's read, a checkpoint's write), what was folded and
  // not written goes with it: the next consumer starts from the checkpoint and the rows as committed.
  const done = run()
    .catch((error: unknown) => {
      if (error !== discardedFor) projection.discardBatch?.();
      throw error;
    })
    .finally(() => subscription.unsubscribe());
  return {
    done,
    async stop() {
      await subscription.unsubscribe();
      await done.catch(() => {});
    },
  };
};
