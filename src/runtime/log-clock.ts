import { Temporal } from 'temporal-polyfill';
import type { Clock, ClockBehindLog, ManualClock } from './clock.js';

/** Behind the log by at most this much is ordinary skew between machines; beyond it is reported. */
export const DEFAULT_CLOCK_SKEW_TOLERANCE_MS = 5_000;

export interface LogClockOptions {
  /** Default DEFAULT_CLOCK_SKEW_TOLERANCE_MS. */
  readonly toleranceMs?: number;
  /** Once each time the underlying clock falls behind by more than the tolerance. */
  readonly onBehind?: (state: ClockBehindLog) => void;
  /** Once the underlying clock, reported behind, has caught up. */
  readonly onCaughtUp?: (state: ClockBehindLog) => void;
}

/**
 * Time that only moves forward: the time `base` reads, but never earlier than the log's last
 * `recordedAt` (read from the store at start) nor than any time this clock has given since. Every
 * `recordedAt` the engine stamps is read from it, so an event is never recorded earlier than the
 * log's last one, whether the system clock was set back (a bad time synchronisation) or the process
 * was restarted on another machine. While `base` reads behind, the time stands at the latest time
 * given — events are still recorded, one after another at that instant — and `behindLog()` says by
 * how much, for /readyz, /metrics and the log.
 */
export const clockHeldToLog = (
  base: Clock | ManualClock,
  lastRecordedAt: string | undefined,
  options: LogClockOptions = {},
): Clock & Required<Pick<Clock, 'behindLog'>> & Partial<Pick<ManualClock, 'onChange'>> => {
  const toleranceMs = options.toleranceMs ?? DEFAULT_CLOCK_SKEW_TOLERANCE_MS;
  let latest = lastRecordedAt === undefined ? undefined : Temporal.Instant.from(lastRecordedAt);
  let reads = latest;
  let behindMs = 0;
  let reported = false;

  const state = (): ClockBehindLog => ({ behindMs, toleranceMs, heldAt: String(latest), reads: String(reads) });
  const now = (): Temporal.Instant => {
    const current = base.now();
    reads = current;
    if (latest === undefined || Temporal.Instant.compare(current, latest) >= 0) {
      latest = current;
      if (behindMs > 0) {
        behindMs = 0;
        if (reported) {
          reported = false;
          options.onCaughtUp?.(state());
        }
      }
      return current;
    }
    behindMs = latest.epochMilliseconds - current.epochMilliseconds;
    if (!reported && behindMs > toleranceMs) {
      reported = true;
      options.onBehind?.(state());
    }
    return latest;
  };
  const onChange = 'onChange' in base ? base.onChange : undefined;
  return {
    now,
    behindLog: () => {
      now();
      return state();
    },
    // A manual clock's moves are passed on (the deadline watcher checks on each), with the time this clock gives.
    ...(onChange ? { onChange: (listener: (at: Temporal.Instant) => void) => onChange(() => listener(now())) } : {}),
  };
};

/**
 * Why a manual clock may not start at `start`: a line naming both instants and the fix, or
 * undefined when `start` is not behind the log's last recordedAt.
 */
export const manualStartRefusal = (start: Temporal.Instant, lastRecordedAt: string | undefined): string | undefined => {
  if (lastRecordedAt === undefined || Temporal.Instant.compare(start, Temporal.Instant.from(lastRecordedAt)) >= 0) return undefined;
  return (
    `cannot start: CLOCK_START ${start.toString()} is behind the log's last recordedAt ${lastRecordedAt}; ` +
    `time only moves forward: set CLOCK_START to ${lastRecordedAt} or later, or leave it unset to start there`
  );
};

/** A manual clock left without CLOCK_START starts at the system's time, or at the log's last recordedAt if that is later. */
export const manualStartOf = (systemNow: Temporal.Instant, lastRecordedAt: string | undefined): Temporal.Instant =>
  lastRecordedAt !== undefined && Temporal.Instant.compare(systemNow, Temporal.Instant.from(lastRecordedAt)) < 0
    ? Temporal.Instant.from(lastRecordedAt)
    : systemNow;

/** What the log says when the clock falls behind it, and when it has caught up. */
export const behindLogMessage = (state: ClockBehindLog): string =>
  `the clock reads ${state.reads}, ${(state.behindMs / 1000).toFixed(3)} s behind the log's last recordedAt ${state.heldAt} ` +
  `(tolerance ${state.toleranceMs / 1000} s): events are recorded at ${state.heldAt} until it catches up; check the machine's time synchronisation (NTP)`;
export const caughtUpMessage = (state: ClockBehindLog): string => `the clock has caught up with the log: it reads ${state.reads}`;
