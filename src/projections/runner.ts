import type Database from 'better-sqlite3';
import type { Clock } from '../runtime/clock.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import { comparePositions, type EventStore, type Position } from '../store/port.js';
import { batchRulesets } from './batch-rulesets.js';
import { checkpointTable, parsePosition } from './checkpoints.js';
import { startConsumer, type Consumer } from './consumer.js';
import { CASE_EVENTS, LAG_COUNT_LIMIT, logHead, pendingAfter } from './log-scan.js';
import { statusOf } from './status.js';
import { backoffMs, failureStreak, type FailureStreak } from './failure-streak.js';
import { CATCH_UP_BATCH_SIZE, DEFAULT_BATCH_SIZE, REBUILD_BATCH_CASES } from './batch-sizes.js';
import type { AppliedSummary, Projection, ProjectionHealth, ProjectionStatus } from './projection.js';

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
  /** The wait before retrying a failed projection, given the failures in a row (backoffMs unless set: 0.5 s doubling to 30 s). */
  readonly retryDelay?: (failures: number) => number;
}

export interface ProjectionRunner {
  /**
   * Starts every projection not running (a failed one again at once, from its checkpoint); a
   * version bump rebuilds first. Once started, a projection whose batch fails is tried again from
   * its checkpoint, after a wait that grows with each failure in a row (retryDelay).
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Drops the projection's tables and replays it from position 0 (at once if the runner is started, else at start()). */
  rebuild(name: string): Promise<void>;
  status(): Promise<ProjectionStatus[]>;
  /** Resolves once every projection has applied the log as it is now; rejects when one fails, and at once while one is failing. */
  waitUntilCaughtUp(): Promise<void>;
  /** Resolves once every projection's checkpoint is at or after `position` (a case event's position). */
  waitForPosition(position: Position): Promise<void>;
  /** Called after each committed batch; returns the unsubscribe function. */
  onApplied(listener: (summary: AppliedSummary) => void): () => void;
  /** Each projection's failures as kept in memory (no read of the log): cheap enough for every request. */
  health(): ProjectionHealth[];
  /** Called when a projection begins or ends a failing streak, fails again, or reaches the head of the log. */
  onHealth(listener: (health: ProjectionHealth[]) => void): () => void;
}

interface Slot {
  readonly projection: Projection;
  checkpoint: Position | null;
  lastRecordedAt: number | null;
  caughtUp: boolean;
  consumer: Consumer | undefined;
  readonly streak: FailureStreak;
  /** The attempt scheduled after a failure. */
  retry: NodeJS.Timeout | undefined;
}

interface Waiter {
  readonly position: Position;
  resolve(): void;
  reject(error: Error): void;
}

/** Failing and waiting for its next attempt: a wait for it would wait for that, so it is refused. */
const isDown = (slot: Slot) => slot.streak.failing && slot.consumer === undefined;
const failedError = (slot: Slot) => new Error(`projection ${slot.projection.name} failed: ${slot.streak.lastError?.message}`);

export const createProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const { store, db, clock } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const batchCases = options.batchCases ?? REBUILD_BATCH_CASES;
  // A batch size given is the size of every batch, unless a catch-up size is given too.
  const catchUpBatchSize = Math.max(batchSize, options.catchUpBatchSize ?? (options.batchSize === undefined ? CATCH_UP_BATCH_SIZE : batchSize));
  const retryDelay = options.retryDelay ?? backoffMs;
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
      streak: failureStreak(projection.name, retryDelay),
      retry: undefined,
    };
  });
  const slotOf = (name: string): Slot => {
    const slot = slots.find((s) => s.projection.name === name);
    if (!slot) throw new Error(`no projection named ${name}; there are ${[...names].join(', ')}`);
    return slot;
  };

  const { preload, ctx } = batchRulesets(options.rulesets);

  const listeners = new Set<(summary: AppliedSummary) => void>();
  let waiters: Waiter[] = [];
  const reached = (position: Position) => slots.every((s) => s.checkpoint !== null && comparePositions(s.checkpoint, position) >= 0);
  const settleWaiters = () => {
    const failed = slots.find(isDown);
    waiters = waiters.filter((waiter) => {
      if (failed) waiter.reject(failedError(failed));
      else if (reached(waiter.position)) waiter.resolve();
      else return true;
      return false;
    });
  };

  let started = false;

  const healthListeners = new Set<(health: ProjectionHealth[]) => void>();
  const health = () => slots.map((slot) => slot.streak.health(slot.caughtUp));
  const healthChanged = () => {
    const now = health();
    for (const listener of healthListeners) {
      try {
        listener(now);
      } catch (error) {
        process.emitWarning(`an onHealth listener failed: ${(error as Error).message}`);
      }
    }
  };
  /** An attempt succeeded: a failing streak, if any, is over. */
  const healed = (slot: Slot) => {
    if (slot.streak.succeeded()) healthChanged();
  };
  /** The attempt failed (its batch rolled back): waiters learn why, and the projection is tried again later. */
  const failed = (slot: Slot, error: unknown) => {
    slot.caughtUp = false;
    const delay = slot.streak.failed(error instanceof Error ? error : new Error(String(error)), now());
    settleWaiters();
    healthChanged();
    if (!started) return;
    clearTimeout(slot.retry);
    slot.retry = setTimeout(() => {
      slot.retry = undefined;
      if (started && !slot.consumer) run(slot);
    }, delay);
    slot.retry.unref();
  };

  const reset = (slot: Slot) => {
    const { projection } = slot;
    db.transaction(() => {
      projection.teardown(db);
      projection.setup(db);
      checkpoints.reset(projection.name, projection.version, now());
    })();
    Object.assign(slot, { checkpoint: null, lastRecordedAt: null, caughtUp: false });
  };

  function run(slot: Slot) {
    clearTimeout(slot.retry);
    slot.retry = undefined;
    const { projection } = slot;
    let consumer: Consumer;
    try {
      // Reading the checkpoint and setting the tables up write too: on a full disk they fail as a batch would.
      const row = checkpoints.read(projection.name);
      if (row?.version === projection.version) projection.setup(db);
      else reset(slot);
      consumer = consume(slot);
    } catch (error) {
      failed(slot, error);
      return;
    }
    slot.consumer = consumer;
    consumer.done.catch((error: unknown) => {
      // A consumer halted (stop, rebuild) is no failure; only the one still running can fail.
      if (slot.consumer !== consumer) return;
      slot.consumer = undefined;
      failed(slot, error);
    });
  }

  const consume = (slot: Slot): Consumer => {
    const { projection } = slot;
    return startConsumer({
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
          healed(slot);
        },
        caughtUp(checkpoint) {
          const news = !slot.caughtUp;
          slot.caughtUp = true;
          slot.checkpoint = checkpoint;
          settleWaiters();
          if (slot.streak.succeeded() || news) healthChanged();
        },
      },
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
      for (const slot of slots) clearTimeout(slot.retry);
      await Promise.all(slots.map(halt));
    },

    async rebuild(name) {
      const slot = slotOf(name);
      await halt(slot);
      clearTimeout(slot.retry);
      reset(slot);
      if (started) run(slot);
    },

    async status() {
      const at = now();
      return Promise.all(
        slots.map(async (slot): Promise<ProjectionStatus> => {
          const pending = await pendingAfter(store, slot.checkpoint, CASE_EVENTS, LAG_COUNT_LIMIT);
          return statusOf({ ...slot, running: slot.consumer !== undefined, health: slot.streak.health(slot.caughtUp) }, pending, at);
        }),
      );
    },

    async waitUntilCaughtUp() {
      const head = await logHead(store);
      // A head at or before every checkpoint is reached already; waitForPosition says so at once.
      if (head) return this.waitForPosition(head);
      const failing = slots.find(isDown);
      if (failing) throw failedError(failing);
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

    health,

    onHealth(listener) {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },
  };
};
