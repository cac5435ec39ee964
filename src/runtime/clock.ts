import { Temporal } from 'temporal-polyfill';
import { EngineError, hasCode } from '../errors.js';

/** Where the engine reads the time: the domain never does, it is handed `now`. */
export interface Clock {
  now(): Temporal.Instant;
  /** For a clock held to the log (log-clock.ts): how far the time it is built on reads behind the log. */
  behindLog?(): ClockBehindLog;
}

/** What a clock held to the log knows of the clock it is built on. */
export interface ClockBehindLog {
  /** How far, in ms, the underlying clock reads behind the latest time given (0: not behind). */
  readonly behindMs: number;
  /** Behind by more than this is reported (CLOCK_SKEW_TOLERANCE_SECONDS); by less is ordinary skew. */
  readonly toleranceMs: number;
  /** The time given while behind: the last recordedAt in the log, or the latest time given since. */
  readonly heldAt: string;
  /** What the underlying clock reads. */
  readonly reads: string;
}

/**
 * The system time, to the millisecond (as Temporal.Now.instant() reads it from Date.now()). One
 * Instant serves every call within a millisecond: it is immutable, and building one costs more
 * than the rest of a request's uses of the time together.
 */
export const systemClock: Clock = (() => {
  let millisecond = Number.NaN;
  let instant = Temporal.Instant.fromEpochMilliseconds(0);
  return {
    now: () => {
      const current = Date.now();
      if (current !== millisecond) {
        millisecond = current;
        instant = Temporal.Instant.fromEpochMilliseconds(current);
      }
      return instant;
    },
  };
})();

export const CLOCK_MOVED_BACKWARDS = 'CLOCK_MOVED_BACKWARDS' as const;
export class ClockMovedBackwardsError extends EngineError {
  readonly code = CLOCK_MOVED_BACKWARDS;
  constructor(
    readonly current: string,
    readonly requested: string,
  ) {
    super(`the clock is at ${current}; it only moves forward, not to ${requested}`, { current, requested });
  }
}
export const isClockMovedBackwards = hasCode<ClockMovedBackwardsError>(CLOCK_MOVED_BACKWARDS);

/** A clock that stands still until told to move: for tests and demos (`CLOCK=manual`). */
export interface ManualClock extends Clock {
  set(to: Temporal.Instant): void;
  onChange(listener: (now: Temporal.Instant) => void): () => void;
}

export const manualClock = (start: Temporal.Instant): ManualClock => {
  let current = start;
  const listeners = new Set<(now: Temporal.Instant) => void>();
  return {
    now: () => current,
    set: (to) => {
      if (Temporal.Instant.compare(to, current) < 0) throw new ClockMovedBackwardsError(current.toString(), to.toString());
      current = to;
      for (const listener of listeners) listener(current);
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
