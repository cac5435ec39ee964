import type Database from 'better-sqlite3';
import { toDomainEvent } from '../app/case-history.js';
import { caseTypes, type CaseType } from '../domain/events/envelope.js';
import { comparePositions, type EventStore, type Position, type RecordedEvent, type SubscriptionMessage } from '../store/port.js';
import type { CheckpointTable } from './checkpoints.js';
import { CASE_EVENTS } from './log-scan.js';
import type { AppliedSummary, ProjectedEvent, Projection, ProjectionContext } from './projection.js';

const caseTypeOf = (streamName: string): CaseType => {
  const caseType = caseTypes.find((type) => streamName.startsWith(`${type}-`));
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
  applied(summary: AppliedSummary, lastRecordedAt: number): void;
  caughtUp(checkpoint: Position | null): void;
}

export interface ConsumerOptions {
  readonly store: EventStore;
  readonly db: Database.Database;
  readonly projection: Projection;
  readonly checkpoints: CheckpointTable;
  readonly from: Position | null;
  readonly batchSize: number;
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
/** How long a partial batch waits for more events before it is applied. */
const GATHER_MS = 2;

/**
 * A timer a partial batch races each next message against. Every race leaves a reaction on it, and
 * a catch-up that never yields to the timers would pile them up with the messages they hold: so
 * it is ended (its reactions released) as soon as the batch it waits for is applied.
 */
const gatheringTimer = () => {
  let end!: () => void;
  const idle = new Promise<typeof IDLE>((resolve) => {
    const timer = setTimeout(() => resolve(IDLE), GATHER_MS);
    end = () => {
      clearTimeout(timer);
      resolve(IDLE);
    };
  });
  return { idle, end };
};
/** Lets timers and I/O (the server's requests) run between the batches of a long catch-up. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const summarise = (projection: string, events: readonly ProjectedEvent[]): AppliedSummary => {
  const properties = new Set<string>();
  const cases = new Map<string, { caseType: CaseType; caseId: string }>();
  for (const event of events) {
    properties.add(event.metadata.propertyId);
    cases.set(event.streamName, { caseType: event.caseType, caseId: event.metadata.caseId });
  }
  return { projection, properties, cases: [...cases.values()], events: events.length, checkpoint: events.at(-1)!.position };
};

/**
 * Applies the case events after `from` to one projection, in batches: each batch, its rulesets
 * loaded first, is applied and checkpointed in one transaction, so a batch redelivered after a
 * crash is either wholly in the read model (and skipped by position) or not at all.
 */
export const startConsumer = (options: ConsumerOptions): Consumer => {
  const { store, db, projection, checkpoints, batchSize, ctx, events } = options;
  const subscription = store.subscribeToAll({ from: options.from ?? 'start', filter: CASE_EVENTS });
  let checkpoint = options.from;
  let batch: ProjectedEvent[] = [];

  const write = (apply: () => void, position: Position, lastRecordedAt: number | null) =>
    db.transaction(() => {
      apply();
      checkpoints.advance(projection.name, position, lastRecordedAt, options.now());
    })();

  const flush = async () => {
    if (batch.length === 0) return;
    const applying = batch;
    batch = [];
    await options.preload(new Set(applying.map((event) => event.metadata.rulesetVersion)));
    const last = applying.at(-1)!;
    const lastRecordedAt = Date.parse(last.metadata.recordedAt);
    try {
      write(() => {
        for (const event of applying) projection.apply(db, event, ctx);
        projection.endBatch?.(db, ctx);
      }, last.position, lastRecordedAt);
    } catch (error) {
      projection.discardBatch?.();
      throw error;
    }
    checkpoint = last.position;
    events.applied(summarise(projection.name, applying), lastRecordedAt);
  };

  const isNew = (position: Position) => checkpoint === null || comparePositions(position, checkpoint) > 0;

  const run = async () => {
    await options.preload(projection.storedRulesetVersions?.(db) ?? []);
    const messages = subscription[Symbol.asyncIterator]();
    const pull = () => {
      const promise = messages.next();
      // Awaited later: a failure while a batch is being applied must not count as unhandled.
      promise.catch(() => {});
      return promise;
    };
    let pending = pull();
    let gathering: ReturnType<typeof gatheringTimer> | undefined;
    const applyBatch = async () => {
      gathering?.end();
      gathering = undefined;
      await flush();
      await yieldToEventLoop();
    };
    for (;;) {
      const next: IteratorResult<SubscriptionMessage> | typeof IDLE =
        batch.length === 0 ? await pending : await Promise.race([pending, (gathering ??= gatheringTimer()).idle]);
      if (next === IDLE) {
        await applyBatch();
        continue;
      }
      if (next.done) return;
      pending = pull();
      const message = next.value;
      if (message.kind === 'caughtUp') {
        await applyBatch();
        // Events of other streams up to here are behind us too: the lag reads 0.
        if (message.position && isNew(message.position)) {
          write(() => {}, message.position, null);
          checkpoint = message.position;
        }
        events.caughtUp(checkpoint);
        continue;
      }
      // At-least-once delivery: an event at or before the checkpoint is already applied.
      if (!isNew(message.event.position)) continue;
      batch.push(projectedEvent(message.event));
      if (batch.length >= batchSize) await applyBatch();
    }
  };

  const done = run().finally(() => subscription.unsubscribe());
  return {
    done,
    async stop() {
      await subscription.unsubscribe();
      await done.catch(() => {});
    },
  };
};
