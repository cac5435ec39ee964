import type { ProjectionHealth } from './projection.js';

/**
 * How long the runner waits before it tries a failed projection again: half a second, doubling
 * with each failure in a row, at most 30 s. A full disk or a locked file heals when someone frees
 * it, so the runner keeps trying, but no faster than a failure can be looked at.
 */
export const FIRST_RETRY_MS = 500;
export const MAX_RETRY_MS = 30_000;

/** The wait before the `failures`-th attempt in a row (1 for the first failure). */
export const backoffMs = (failures: number): number => Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));

/**
 * The code of a failure, where it has one: SQLite's (`SQLITE_FULL`, `SQLITE_IOERR_WRITE`…), the
 * engine's (`STORE_UNAVAILABLE`), or a system call's (`ENOSPC`), on the error or along its causes.
 */
export const errorCodeOf = (error: unknown): string | null => {
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
  }
  return null;
};

/**
 * One projection's failures: a streak begins with a failed attempt and ends with the first
 * attempt that succeeds. `failed` says how long to wait before trying again.
 */
export const failureStreak = (name: string, retryDelay: (failures: number) => number) => {
  let consecutive = 0;
  let total = 0;
  let since: number | null = null;
  let retryInMs: number | null = null;
  let lastError: ProjectionHealth['lastError'] = null;
  return {
    /** Counts a failed attempt; returns the wait before the next one. */
    failed(error: Error, now: number): number {
      consecutive += 1;
      total += 1;
      since ??= now;
      lastError = { code: errorCodeOf(error), message: error.message, at: now };
      retryInMs = Math.max(0, retryDelay(consecutive));
      return retryInMs;
    },
    /** An attempt succeeded; returns whether this ended a streak. */
    succeeded(): boolean {
      const ended = consecutive > 0;
      consecutive = 0;
      since = null;
      retryInMs = null;
      return ended;
    },
    get failing() {
      return consecutive > 0;
    },
    get lastError() {
      return lastError;
    },
    health: (caughtUp: boolean): ProjectionHealth => ({
      name,
      failing: consecutive > 0,
      consecutiveFailures: consecutive,
      failures: total,
      lastError,
      failingSince: since,
      retryInMs,
      caughtUp,
    }),
  };
};
export type FailureStreak = ReturnType<typeof failureStreak>;
