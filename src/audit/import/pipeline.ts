/**
 * Many records' appends in flight at once, so that the store's group commit (store/group-commit.ts)
 * writes them in few transactions: a sequential import awaits one fsync per record, a pipelined one
 * lets each fsync carry hundreds. The window is bounded so that memory does not grow with the file,
 * and results come back in the order the records were given, so a report reads as a sequential
 * run's would.
 */

/** Records in flight at once by default for a bulk import (docs/performance.md, "Historical import"). */
export const IMPORT_WINDOW = 512;

/**
 * Runs `task` over `items`, at most `window` of them begun and not yet handed to `onResult`, and
 * hands each result to `onResult` in the items' order. Tasks begin in the items' order: whatever a
 * task does before its first await happens in that order. When a task fails no further one begins,
 * those in flight are let finish (each writes whole or not at all) and their results handed on, so
 * that what was written is told; then the first failure is thrown.
 */
export const inWindow = async <T, R>(
  items: Iterable<T>,
  window: number,
  task: (item: T, index: number) => Promise<R>,
  onResult: (result: R, index: number) => void,
): Promise<void> => {
  if (!(window >= 1)) throw new RangeError(`window must be at least 1, got ${window}`);
  const pending: Array<Promise<{ ok: true; value: R } | { ok: false; error: unknown }>> = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const deliver = async () => {
    const outcome = await pending.shift()!;
    const at = next++;
    if (!outcome.ok) failure ??= { error: outcome.error };
    else onResult(outcome.value, at);
  };
  let index = 0;
  for (const item of items) {
    if (failure) break;
    const at = index++;
    pending.push(
      task(item, at).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    if (pending.length >= window) await deliver();
  }
  while (pending.length > 0) await deliver();
  if (failure) throw failure.error;
};

/**
 * Turns by key: a task for a key begins once every task asked before it for the same key has ended.
 * Two source records that map to the same engine record (a natural id) are then decided one after
 * the other, as a sequential import would, rather than both against a stream neither has written.
 */
export const turnsByKey = () => {
  const last = new Map<string, Promise<unknown>>();
  return async <R>(key: string, task: () => Promise<R>): Promise<R> => {
    const before = last.get(key);
    const run = before ? before.then(task, task) : task();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    last.set(key, settled);
    try {
      return await run;
    } finally {
      if (last.get(key) === settled) last.delete(key);
    }
  };
};
