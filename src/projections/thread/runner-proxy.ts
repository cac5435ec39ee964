import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../runtime/sibling-worker.js';
import type { ManualClock } from '../../runtime/clock.js';
import type { EventStore } from '../../store/port.js';
import type { CaseCounts, DashboardFigures, DashboardFiguresQuery } from '../dashboard-queries.js';
import type { AppliedSummary, ProjectionStatus } from '../projection.js';
import type { ProjectionRunner } from '../runner.js';
import type { FromThread, ProjectionThreadData, RunnerCall, ThreadNotice, ToThread } from './protocol.js';

/**
 * The thread's young generation: V8 would give it the request thread's, which it fills and keeps
 * committed under intake. Its allocations are batches applied and written, not requests waiting
 * on a commit, so a smaller one costs little (docs/performance.md, "Memory under intake").
 */
const THREAD_HEAP = { maxYoungGenerationSizeMb: 6 };

/** The thread runs this module's sibling, worker.ts. */
const startWorker = (workerData: ProjectionThreadData): Worker => startSiblingWorker(import.meta.url, 'worker', { workerData, resourceLimits: THREAD_HEAP });

/** A runner in its own thread, which also answers the read model's counts for /metrics and the dashboard's figures. */
export interface ProjectionThread extends ProjectionRunner {
  caseCounts(now: number): Promise<CaseCounts>;
  dashboardFigures(q: DashboardFiguresQuery): Promise<DashboardFigures>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The projection runner in a thread of its own (worker.ts), seen from the request thread as any
 * runner: every method is a message answered by the thread. The store's commits ring the thread
 * (its subscriptions then read the log through their own connection), and a manual clock's moves
 * are passed on. Should the thread die, every call still waiting and every later one fails with why.
 */
export const projectionThread = (options: {
  store: EventStore;
  data: ProjectionThreadData;
  manualClock?: ManualClock | undefined;
  /** What the thread has to say for the server's log (its priority, at start). */
  onNotice?: ((notice: ThreadNotice) => void) | undefined;
}): ProjectionThread => {
  const worker = startWorker(options.data);
  const pending = new Map<number, Pending>();
  const listeners = new Set<(summary: AppliedSummary) => void>();
  let nextId = 1;
  let failure: Error | undefined;
  let stopped = false;

  const fail = (error: Error) => {
    failure ??= error;
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
  };
  worker.on('message', (message: FromThread) => {
    if ('applied' in message) {
      for (const listener of listeners) listener(message.applied);
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
  worker.on('error', (error) => fail(new Error(`the projection thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(stopped ? 'the projection thread has stopped' : `the projection thread exited with code ${code}`)));

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
  const offCommitted = options.store.onCommitted?.(() => send({ op: 'committed' }));
  const offClock = options.manualClock?.onChange((now) => send({ op: 'clock', now: now.toString() }));

  return {
    start: () => ask({ op: 'start' }),
    async stop() {
      if (stopped) return;
      offCommitted?.();
      offClock?.();
      if (failure === undefined) await ask({ op: 'stop' });
      stopped = true;
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
  };
};
