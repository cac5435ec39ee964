import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../runtime/sibling-worker.js';
import type { ManualClock } from '../../runtime/clock.js';
import type { EventStore } from '../../store/port.js';
import type { CaseCounts, DashboardFigures, DashboardFiguresQuery } from '../dashboard-queries.js';
import { backoffMs } from '../failure-streak.js';
import type { AppliedSummary, ProjectionHealth, ProjectionStatus } from '../projection.js';
import type { ProjectionRunner } from '../runner.js';
import type { FromThread, ProjectionThreadData, RunnerCall, ThreadNotice, ToThread } from './protocol.js';

/**
 * The thread's young generation: V8 would give it the request thread's, which it fills and keeps
 * committed under intake. Its allocations are batches applied and written, not requests waiting
 * on a commit, so a smaller one costs little (docs/performance.md, "Memory under intake").
 */
const THREAD_HEAP = { maxYoungGenerationSizeMb: 6 };

/** The thread runs this module's sibling, worker.ts. */
export const startProjectionWorker = (workerData: ProjectionThreadData): Worker =>
  startSiblingWorker(import.meta.url, 'worker', { workerData, resourceLimits: THREAD_HEAP });

/** The code a projection's health carries while the thread that runs it is down. */
export const THREAD_EXITED = 'PROJECTION_THREAD_EXITED';

/** A runner in its own thread, which also answers the read model's counts for /metrics and the dashboard's figures. */
export interface ProjectionThread extends ProjectionRunner {
  caseCounts(now: number): Promise<CaseCounts>;
  dashboardFigures(q: DashboardFiguresQuery): Promise<DashboardFigures>;
  /** How many times the thread died and was started again. */
  restarts(): number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The projection runner in a thread of its own (worker.ts), seen from the request thread as any
 * runner: every method is a message answered by the thread. The store's commits ring the thread
 * (its subscriptions then read the log through their own connection), and a manual clock's moves
 * are passed on. Should the thread die, every call waiting fails with why, and so does every call
 * until a new thread is started in its place, after a wait that grows with each death in a row
 * (`retryDelay`); the new thread resumes each projection from its checkpoint.
 */
export const projectionThread = (options: {
  store: EventStore;
  data: ProjectionThreadData;
  manualClock?: ManualClock | undefined;
  /** What the thread has to say for the server's log (its priority, at start). */
  onNotice?: ((notice: ThreadNotice) => void) | undefined;
  /** The wait before starting a dead thread again, given its deaths in a row (backoffMs unless set). */
  retryDelay?: ((failures: number) => number) | undefined;
  /** Starts the thread (startProjectionWorker unless set): a test keeps the worker to end it. */
  spawn?: ((data: ProjectionThreadData) => Worker) | undefined;
  /** Epoch ms for the dates of a dead thread's health (Date.now unless set). */
  now?: (() => number) | undefined;
}): ProjectionThread => {
  const spawn = options.spawn ?? startProjectionWorker;
  const retryDelay = options.retryDelay ?? backoffMs;
  const now = options.now ?? Date.now;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(summary: AppliedSummary) => void>();
  const healthListeners = new Set<(health: ProjectionHealth[]) => void>();
  let nextId = 1;
  let failure: Error | undefined;
  let stopped = false;
  /** What the thread last said of its projections. */
  let reported: ProjectionHealth[] = [];
  /** While the thread is down: since when, deaths in a row, the wait before the next start. */
  let down: { since: number; deaths: number; error: Error; retryInMs: number } | undefined;
  let deathsInARow = 0;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const health = (): ProjectionHealth[] => {
    if (!down) return reported;
    const { since, deaths, error, retryInMs } = down;
    const lastError = { code: THREAD_EXITED, message: error.message, at: since };
    const names = reported.length > 0 ? reported.map((h) => h.name) : ['projection thread'];
    return names.map((name) => {
      const before = reported.find((h) => h.name === name);
      return {
        name,
        failing: true,
        consecutiveFailures: deaths,
        failures: (before?.failures ?? 0) + deaths,
        lastError,
        failingSince: since,
        retryInMs,
        caughtUp: false,
      };
    });
  };
  const healthChanged = () => {
    const current = health();
    for (const listener of healthListeners) listener(current);
  };

  const rejectPending = (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  let worker: Worker;
  const begin = () => {
    // A thread started again on a manual clock starts where that clock is now, not where it stood at first.
    const at = options.manualClock?.now().toString();
    const started = spawn(at === undefined ? options.data : { ...options.data, manualClockAt: at });
    worker = started;
    started.on('message', (message: FromThread) => {
      if ('applied' in message) {
        for (const listener of listeners) listener(message.applied);
        return;
      }
      if ('health' in message) {
        reported = message.health;
        // A thread whose projections all reached the head of the log is well again: a later death starts a new count.
        if (reported.every((h) => h.caughtUp && !h.failing)) deathsInARow = 0;
        healthChanged();
        return;
      }
      if ('notice' in message) {
        options.onNotice?.(message.notice);
        return;
      }
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.message));
    });
    started.on('error', (error) => {
      failure ??= new Error(`the projection thread failed: ${error.message}`, { cause: error });
    });
    started.on('exit', (code) => {
      if (stopped) {
        rejectPending(new Error('the projection thread has stopped'));
        return;
      }
      const died = failure ?? new Error(`the projection thread exited with code ${code}`);
      deathsInARow += 1;
      const retryInMs = Math.max(0, retryDelay(deathsInARow));
      failure = new Error(`${died.message}; it is started again in ${Math.ceil(retryInMs / 1000)} s`, { cause: died });
      down = { since: now(), deaths: deathsInARow, error: died, retryInMs };
      rejectPending(failure);
      healthChanged();
      restartTimer = setTimeout(restart, retryInMs);
      restartTimer.unref();
    });
  };

  /** A new thread in place of the dead one: the projections resume from their checkpoints. */
  const restart = () => {
    restartTimer = undefined;
    if (stopped) return;
    failure = undefined;
    down = undefined;
    restarts += 1;
    begin();
    // Its start is asked like any call; one that fails leaves the thread's own health to say why.
    ask({ op: 'start' }).catch(() => undefined);
  };

  const send = (message: ToThread) => {
    if (failure === undefined) worker.postMessage(message);
  };
  const ask = <T = undefined>(call: RunnerCall): Promise<T> => {
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      send({ id, ...call });
    });
  };
  begin();
  const offCommitted = options.store.onCommitted?.(() => send({ op: 'committed' }));
  const offClock = options.manualClock?.onChange((now) => send({ op: 'clock', now: now.toString() }));

  return {
    start: () => ask({ op: 'start' }),
    async stop() {
      if (stopped) return;
      offCommitted?.();
      offClock?.();
      clearTimeout(restartTimer);
      if (failure === undefined) await ask({ op: 'stop' });
      stopped = true;
      failure = new Error('the projection thread has stopped');
      await worker.terminate();
    },
    rebuild: (name) => ask({ op: 'rebuild', name }),
    status: () => ask<ProjectionStatus[]>({ op: 'status' }),
    waitUntilCaughtUp: () => ask({ op: 'waitUntilCaughtUp' }),
    waitForPosition: (position) => ask({ op: 'waitForPosition', position }),
    caseCounts: (now) => ask<CaseCounts>({ op: 'caseCounts', now }),
    dashboardFigures: (q) => ask<DashboardFigures>({ op: 'dashboardFigures', q }),
    onApplied(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    health,
    onHealth(listener) {
      healthListeners.add(listener);
      return () => void healthListeners.delete(listener);
    },
    restarts: () => restarts,
  };
};
