/**
 * Group commit: appends that arrive in the same turn of the event loop are written in one
 * transaction, so one fsync acknowledges them all. Each append still gets its own outcome:
 * the batch function reports per request, and only a failure of the transaction itself
 * fails the whole batch.
 */
import { StoreUnavailableError } from './errors.js';

export type Outcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitStats {
  /** Appends decided (written, recognised as retries, or refused). */
  readonly appends: number;
  /** Transactions committed, or attempted and failed. */
  readonly transactions: number;
  readonly largestBatch: number;
}

export interface GroupCommit<Q, R> {
  submit(request: Q): Promise<R>;
  /** Commits everything queued now, for closing. */
  drain(): void;
  stats(): GroupCommitStats;
}

interface Waiting<Q, R> {
  readonly request: Q;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export const createGroupCommit = <Q, R>(options: {
  readonly maxBatch: number;
  /** Runs the requests in order in ONE transaction; throws only when that transaction fails. */
  readonly commitBatch: (requests: readonly Q[]) => Outcome<R>[];
  /** After each commit, before any caller hears back. */
  readonly afterCommit: () => void;
}): GroupCommit<Q, R> => {
  if (!(options.maxBatch >= 1)) throw new RangeError(`maxBatch must be at least 1, got ${options.maxBatch}`);
  const queue: Waiting<Q, R>[] = [];
  let scheduled = false;
  let appends = 0;
  let transactions = 0;
  let largestBatch = 0;

  const commitNext = () => {
    const batch = queue.splice(0, options.maxBatch);
    if (batch.length === 0) return;
    transactions += 1;
    appends += batch.length;
    largestBatch = Math.max(largestBatch, batch.length);
    let outcomes: Outcome<R>[];
    try {
      outcomes = options.commitBatch(batch.map((waiting) => waiting.request));
    } catch (error) {
      const failure = new StoreUnavailableError('the batch of appends could not be committed', error);
      for (const waiting of batch) waiting.reject(failure);
      return;
    }
    options.afterCommit();
    batch.forEach((waiting, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
  };

  // setImmediate rather than a microtask: callers awaiting other work in this turn
  // (e.g. a read before an append) still join the batch.
  const tick = () => {
    scheduled = false;
    commitNext();
    schedule();
  };
  const schedule = () => {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(tick);
  };

  return {
    submit: (request) =>
      new Promise<R>((resolve, reject) => {
        queue.push({ request, resolve, reject });
        schedule();
      }),
    drain() {
      while (queue.length > 0) commitNext();
    },
    stats: () => ({ appends, transactions, largestBatch }),
  };
};
