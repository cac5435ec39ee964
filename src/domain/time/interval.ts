import type { Temporal } from 'temporal-polyfill';
import { isoOfNanos } from './epoch.js';
import { PauseIntervalInvalidError } from './errors.js';

export interface Interval {
  readonly start: Temporal.Instant;
  /** Undefined while the interval is still open. */
  readonly end?: Temporal.Instant;
  /** Why the clock was paused (owner_absent, waiting_parts…), shown to auditors. */
  readonly reason?: string;
}

/** An Interval in epoch nanoseconds: what the clocks compute with. */
export interface NanoInterval {
  readonly start: bigint;
  readonly end?: bigint;
  readonly reason?: string;
}

export const toNanoIntervals = (intervals: readonly Interval[]): NanoInterval[] =>
  intervals.map((i) => ({
    start: i.start.epochNanoseconds,
    ...(i.end ? { end: i.end.epochNanoseconds } : {}),
    ...(i.reason !== undefined ? { reason: i.reason } : {}),
  }));

/** A half-open stretch [from, to) in epoch nanoseconds: exact, whatever precision the instants carry. */
export interface Span {
  readonly from: bigint;
  readonly to: bigint;
}

/** A stretch during which the clock was paused, overlapping pauses merged into one. */
export interface PausedSpan extends Span {
  readonly reasons: readonly string[];
  /** Still open: counted up to `now`. */
  readonly open: boolean;
}

/** Later than any instant Temporal can represent: the end of an elapsed clock's only stretch. */
export const END_OF_TIME = 8_640_000_000_000_000_001n;

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * The pauses that fall inside the running clock, sorted and merged: parts before `start` are
 * dropped, an open pause is counted up to `now`. `paused` says whether a pause is open at `now`.
 */
export function pausedSpans(pauses: readonly NanoInterval[], clockStart: bigint, nowNs: bigint): { spans: PausedSpan[]; paused: boolean } {
  let paused = false;
  const clipped: PausedSpan[] = [];
  pauses.forEach((pause, index) => {
    const from = pause.start;
    if (pause.end !== undefined && pause.end < from) {
      throw new PauseIntervalInvalidError(index, isoOfNanos(from), isoOfNanos(pause.end));
    }
    const open = pause.end === undefined;
    if (open && from <= nowNs) paused = true;
    const to = pause.end ?? max(from, nowNs);
    const span = { from: max(from, clockStart), to, reasons: pause.reason ? [pause.reason] : [], open };
    if (span.to > span.from) clipped.push(span);
  });
  clipped.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));

  const merged: PausedSpan[] = [];
  for (const span of clipped) {
    const last = merged.at(-1);
    if (last && span.from <= last.to) {
      const reasons = [...new Set([...last.reasons, ...span.reasons])];
      merged[merged.length - 1] = { from: last.from, to: max(last.to, span.to), reasons, open: last.open || span.open };
    } else {
      merged.push(span);
    }
  }
  return { spans: merged, paused };
}

/** `segments` (ordered, disjoint) with the `pauses` (ordered, disjoint) cut out. */
export function* withoutPauses(segments: Iterable<Span>, pauses: readonly Span[]): Generator<Span> {
  let first = 0;
  for (const segment of segments) {
    let from = segment.from;
    while (first < pauses.length && pauses[first]!.to <= from) first++;
    for (let i = first; i < pauses.length && pauses[i]!.from < segment.to && from < segment.to; i++) {
      const pause = pauses[i]!;
      if (pause.from > from) yield { from, to: pause.from };
      from = max(from, pause.to);
    }
    if (from < segment.to) yield { from, to: segment.to };
  }
}

/** The instant at which `amount` nanoseconds of `segments` have been counted. */
export function advance(segments: Iterable<Span>, amount: bigint): bigint {
  let remaining = amount;
  for (const segment of segments) {
    const length = segment.to - segment.from;
    if (remaining <= length) return segment.from + remaining;
    remaining -= length;
  }
  throw new RangeError('the clock ran past the end of time');
}

/** Nanoseconds of `segments` that lie between `from` and `to`. */
export function measure(segments: Iterable<Span>, from: bigint, to: bigint): bigint {
  let total = 0n;
  for (const segment of segments) {
    if (segment.from >= to) break;
    const overlap = min(segment.to, to) - max(segment.from, from);
    if (overlap > 0n) total += overlap;
  }
  return total;
}
