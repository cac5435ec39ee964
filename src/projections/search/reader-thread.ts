import type { Worker } from 'node:worker_threads';
import type { QueueId } from '../../domain/record/queues.js';
import { startSiblingWorker } from '../../runtime/sibling-worker.js';
import type { DashboardFigures, DashboardFiguresQuery } from '../dashboard-queries.js';
import type { CaseListQuery, CaseListRow } from './case-list.js';
import type { QueueContext } from './queues.js';

/** What the reader thread is asked, each answered once, by its id. */
export type ReaderCall =
  | { readonly op: 'listCases'; readonly query: CaseListQuery }
  | { readonly op: 'queueCounts'; readonly propertyId: string; readonly at: QueueContext }
  | { readonly op: 'dashboardFigures'; readonly q: DashboardFiguresQuery };

export type ReaderAnswer =
  | { readonly id: number; readonly ok: true; readonly value: CaseListRow[] | Record<QueueId, number> | DashboardFigures }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** The searches, queues and dashboard figures of the read models, answered by a thread of their own. */
export interface SearchReader {
  listCases(query: CaseListQuery): Promise<CaseListRow[]>;
  queueCounts(propertyId: string, at: QueueContext): Promise<Record<QueueId, number>>;
  dashboardFigures(q: DashboardFiguresQuery): Promise<DashboardFigures>;
  close(): Promise<void>;
}

/**
 * A search scans and ranks many rows; run on the request thread (better-sqlite3 is synchronous) it
 * would hold every other request, intake's appends included, for as long. This thread reads the
 * read models through a read-only connection of its own (WAL: readers wait neither for the
 * projection thread's writes nor for each other's), one query at a time, and the request thread
 * only waits for its answer.
 */
export const searchReaderThread = (readModelFile: string, options: { readonly yieldSteps?: number } = {}): SearchReader => {
  const worker: Worker = startSiblingWorker(import.meta.url, 'reader-worker', { workerData: { file: readModelFile, yieldSteps: options.yieldSteps ?? 0 } });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let failure: Error | undefined;
  let closed = false;
  const fail = (error: Error) => {
    failure ??= error;
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
  };
  worker.on('message', (message: ReaderAnswer) => {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (pending.size === 0) worker.unref();
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(new Error(message.message));
  });
  worker.on('error', (error) => fail(new Error(`the search thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(closed ? 'the search thread has stopped' : `the search thread exited with code ${code}`)));
  // Idle, the thread does not keep the process alive; a question waiting for its answer does.
  worker.unref();
  const ask = <T>(call: ReaderCall): Promise<T> => {
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, ...call });
    });
  };
  return {
    listCases: (query) => ask<CaseListRow[]>({ op: 'listCases', query }),
    queueCounts: (propertyId, at) => ask<Record<QueueId, number>>({ op: 'queueCounts', propertyId, at }),
    dashboardFigures: (q) => ask<DashboardFigures>({ op: 'dashboardFigures', q }),
    async close() {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
};
