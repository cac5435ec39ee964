import type Database from 'better-sqlite3';
import type { Clock } from '../runtime/clock.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
import { comparePositions, type EventStore, type Position } from '../store/port.js';
import { checkpointTable, parsePosition } from './checkpoints.js';
import { startConsumer, type Consumer } from './consumer.js';
import { CASE_EVENTS, LAG_COUNT_LIMIT, pendingAfter } from './log-scan.js';
import type { AppliedSummary, Projection, ProjectionContext, ProjectionStatus } from './projection.js';

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  /** The read-model database (openReadModelDb). */
  readonly db: Database.Database;
  readonly projections: readonly Projection[];
  readonly rulesets: Pick<RulesetRegistry, 'get'>;
  readonly clock: Clock;
  /** Most events applied in one transaction once caught up. */
  readonly batchSize?: number;
  /** Most events applied in one transaction while catching up (unless set: batchSize if that is set, else CATCH_UP_BATCH_SIZE; never below batchSize). */
  readonly catchUpBatchSize?: number;
  /** Most cases one transaction may touch (REBUILD_BATCH_CASES unless set). */
  readonly batchCases?: number;
}

export interface ProjectionRunner {
  /** Starts every projection not running (a failed one again, from its checkpoint); a version bump rebuilds first. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Drops the projection's tables and replays it from position 0 (at once if the runner is started, else at start()). */
  rebuild(name: string): Promise<void>;
  status(): Promise<ProjectionStatus[]>;
  /** Resolves once every projection has applied the log as it is now; rejects when one fails. */
  waitUntilCaughtUp(): Promise<void>;
  /** Resolves once every projection's checkpoint is at or after `position` (a case event's position). */
  waitForPosition(position: Position): Promise<void>;
  /** Called after each committed batch; returns the unsubscribe function. */
  onApplied(listener: (summary: AppliedSummary) => void): () => void;
}

interface Slot {
  readonly projection: Projection;
  checkpoint: Position | null;
  lastRecordedAt: number | null;
  caughtUp: boolean;
  consumer: Consumer | undefined;
  error: Error | null;
}

interface Waiter {
  readonly position: Position;
  resolve(): void;
  reject(error: Error): void;
}

const DEFAULT_BATCH_SIZE = 1_000;
/**
 * Behind (a start over a long log, a version bump), each batch costs its transaction, its
 * checkpoint and a write of every case it touched: batches of 10,000 events catch up on 2/3 of the
 * CPU of batches of 1,000 (docs/performance.md, "Catching up"). Live batches stay small: they are
 * what a request waiting for the read models waits for.
 */
export const CATCH_UP_BATCH_SIZE = 10_000;
/**
 * For a rebuild from position 0: a case's events lie far apart in the log, and a projection that
 * writes each touched case once a batch (cases) does less work the more of them one batch holds.
 * It applies in memory, so a batch holds the cases it touched, not its events, and a large batch
 * costs memory only for those (docs/performance.md, "Projections and rebuilds").
 */
export const REBUILD_BATCH_SIZE = 50_000;
/**
 * A batch also ends once it has touched this many cases: a projection that applies in memory
 * holds each of them until the batch is written, so this, with the cases it keeps between
 * batches, bounds its memory whatever the log (a stretch of events each of another case would
 * otherwise hold 50,000), above what the benchmark log's batches touch.
 */
export const REBUILD_BATCH_CASES = 15_000;

const failedError = (slot: Slot) => new Error(`projection ${slot.projection.name} failed: ${slot.error!.message}`, { cause: slot.error });

export const createProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const { store, db, clock } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const batchCases = options.batchCases ?? REBUILD_BATCH_CASES;
  // A batch size given is the size of every batch, unless a catch-up size is given too.
  const catchUpBatchSize = Math.max(batchSize, options.catchUpBatchSize ?? (options.batchSize === undefined ? CATCH_UP_BATCH_SIZE : batchSize));
  const checkpoints = checkpointTable(db);
  const now = () => clock.now().epochMilliseconds;
  const names = new Set<string>();
  const slots = options.projections.map((projection): Slot => {
    if (names.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
    names.add(projection.name);
    const row = checkpoints.read(projection.name);
    const current = row?.version === projection.version ? row : undefined;
    return {
      projection,
      checkpoint: current?.checkpoint ? parsePosition(current.checkpoint) : null,
      lastRecordedAt: current?.last_recorded_at ?? null,
      caughtUp: false,
      consumer: undefined,
      error: null,
    };
  });
  const slotOf = (name: string): Slot => {
    const slot = slots.find((s) => s.projection.name === name);
    if (!slot) throw new Error(`no projection named ${name}; there are ${[...names].join(', ')}`);
    return slot;
  };

  const loaded = new Map<string, Ruleset>();
  const preload = async (versions: Iterable<string>) => {
    for (const version of versions) if (!loaded.has(version)) loaded.set(version, await options.rulesets.get(version));
  };
  const ctx: ProjectionContext = {
    ruleset(version) {
      const ruleset = loaded.get(version);
      if (!ruleset) throw new Error(`ruleset ${version} was not loaded before the batch`);
      return ruleset;
    },
  };

  const listeners = new Set<(summary: AppliedSummary) => void>();
  let waiters: Waiter[] = [];
  const reached = (position: Position) => slots.every((s) => s.checkpoint !== null && comparePositions(s.checkpoint, position) >= 0);
  const settleWaiters = () => {
    const failed = slots.find((s) => s.error);
    waiters = waiters.filter((waiter) => {
      if (failed) waiter.reject(failedError(failed));
      else if (reached(waiter.position)) waiter.resolve();
      else return true;
      return false;
    });
  };

  let started = false;

  const reset = (slot: Slot) => {
    const { projection } = slot;
    db.transaction(() => {
      projection.teardown(db);
      projection.setup(db);
      checkpoints.reset(projection.name, projection.version, now());
    })();
    Object.assign(slot, { checkpoint: null, lastRecordedAt: null, caughtUp: false, error: null });
  };

  const run = (slot: Slot) => {
    const { projection } = slot;
    const row = checkpoints.read(projection.name);
    if (row?.version === projection.version) projection.setup(db);
    else reset(slot);
    slot.error = null;
    const consumer = startConsumer({
      store,
      db,
      projection,
      checkpoints,
      from: slot.checkpoint,
      batchSize,
      catchUpBatchSize,
      batchCases,
      preload,
      ctx,
      now,
      events: {
        applied(summary, lastRecordedAt) {
          slot.checkpoint = summary.checkpoint;
          slot.lastRecordedAt = lastRecordedAt ?? slot.lastRecordedAt;
          settleWaiters();
          // A listener's failure is its own: the batch is committed and the projection goes on.
          for (const listener of listeners) {
            try {
              listener(summary);
            } catch (error) {
              process.emitWarning(`an onApplied listener failed: ${(error as Error).message}`);
            }
          }
        },
        caughtUp(checkpoint) {
          slot.caughtUp = true;
          slot.checkpoint = checkpoint;
          settleWaiters();
        },
      },
    });
    slot.consumer = consumer;
    consumer.done.catch((error: unknown) => {
      slot.error = error instanceof Error ? error : new Error(String(error));
      slot.consumer = undefined;
      settleWaiters();
    });
  };

  const halt = async (slot: Slot) => {
    const consumer = slot.consumer;
    slot.consumer = undefined;
    await consumer?.stop();
  };

  return {
    async start() {
      started = true;
      for (const slot of slots) if (!slot.consumer) run(slot);
    },

    async stop() {
      started = false;
      await Promise.all(slots.map(halt));
    },

    async rebuild(name) {
      const slot = slotOf(name);
      await halt(slot);
      reset(slot);
      if (started) run(slot);
    },

    async status() {
      const at = now();
      return Promise.all(
        slots.map(async (slot): Promise<ProjectionStatus> => {
          const pending = await pendingAfter(store, slot.checkpoint, CASE_EVENTS, LAG_COUNT_LIMIT);
          const since = slot.lastRecordedAt ?? pending.firstRecordedAt ?? at;
          return {
            name: slot.projection.name,
            version: slot.projection.version,
            checkpoint: slot.checkpoint,
            lagEvents: pending.count,
            lagCapped: pending.capped,
            lagSeconds: pending.count === 0 ? 0 : Math.max(0, (at - since) / 1000),
            caughtUp: slot.caughtUp && pending.count === 0,
            running: slot.consumer !== undefined,
            error: slot.error?.message ?? null,
          };
        }),
      );
    },

    async waitUntilCaughtUp() {
      const checkpoints = slots.map((s) => s.checkpoint);
      const behind = checkpoints.includes(null) ? null : ((checkpoints as Position[]).sort(comparePositions)[0] ?? null);
      const head = (await pendingAfter(store, behind)).last;
      if (head) return this.waitForPosition(head);
      const failed = slots.find((s) => s.error);
      if (failed) throw failedError(failed);
    },

    waitForPosition(position) {
      return new Promise<void>((resolve, reject) => {
        waiters.push({ position, resolve, reject });
        settleWaiters();
      });
    },

    onApplied(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
