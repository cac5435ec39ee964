import type { Temporal } from 'temporal-polyfill';
import { calendarDays, plainDateOf, type BusinessCalendar } from '../calendar/index.js';
import { runClock, type ClockRun } from './clock.js';
import { describeDuration, type ClockDuration } from './duration.js';
import { formatDay, formatInstant, formatLength } from './format.js';
import { measure, toNanoIntervals, type Interval } from './interval.js';
import { isFullyPaused } from './working-days.js';

/**
 * The deadline worked out step by step, in plain lines an auditor can check by hand against the
 * calendar and the pause ledger: when the clock started, which days were skipped or counted, what
 * each pause took off, and when the clock is due.
 */
export function explainDeadline(
  calendar: BusinessCalendar,
  duration: ClockDuration,
  start: Temporal.Instant,
  pauses: readonly Interval[],
  now: Temporal.Instant,
): string[] {
  const run = runClock(calendar, duration, start.epochNanoseconds, toNanoIntervals(pauses), now.epochNanoseconds);
  const zone = calendar.timeZone;
  const startDay = calendarDays(calendar).zone.dayOf(start.epochNanoseconds);
  const at = (ns: bigint) => formatInstant(ns, zone);
  const steps = [`clock: ${describeDuration(duration)}, calendar ${calendar.id} (${zone})`, `started ${at(start.epochNanoseconds)}`];
  if (duration.kind === 'working_days') {
    steps.push(...dayLines(calendar, startDay + 1, run, workingDayLabel(calendar, run)));
  } else if (duration.kind === 'business_hours') {
    steps.push(...dayLines(calendar, startDay, run, businessDayLabel(calendar, run, start)));
  }
  for (const pause of run.pauses) {
    const why = pause.reasons.length > 0 ? ` (${pause.reasons.join(', ')})` : '';
    const span = `${at(pause.from)} → ${pause.open ? `still open at ${at(pause.to)}` : at(pause.to)}`;
    // Working-days clocks are moved by whole paused days, listed above, not by the paused time itself.
    const effect =
      duration.kind === 'working_days' ? '' : `: ${formatLength(measure(run.base(), pause.from, pause.to < run.deadline ? pause.to : run.deadline))} excluded`;
    steps.push(`paused ${span}${why}${effect}`);
  }
  steps.push(`due ${at(run.deadline)}`);
  if (run.paused) steps.push('paused now: the deadline moves later for as long as the pause lasts');
  return steps;
}

/** A day's line, the day given as a day number (calendar/days.ts). */
type DayLabel = (day: number) => string;

function workingDayLabel(calendar: BusinessCalendar, run: ClockRun): DayLabel {
  const number = new Map(run.workingDays!.map((day, i) => [day, i + 1]));
  const { zone } = calendarDays(calendar);
  return (day) => {
    const n = number.get(day);
    if (n !== undefined) return `working day ${n}`;
    return isFullyPaused(day, zone, run.pauses) ? 'working day fully paused, not counted' : 'not counted';
  };
}

function businessDayLabel(calendar: BusinessCalendar, run: ClockRun, start: Temporal.Instant): DayLabel {
  const { zone } = calendarDays(calendar);
  const clip = (ns: bigint) => (ns < start.epochNanoseconds ? start.epochNanoseconds : ns > run.deadline ? run.deadline : ns);
  return (day) => {
    const counted = run.counted(clip(zone.startOf(day + 1))) - run.counted(clip(zone.startOf(day)));
    return `${formatLength(counted)} counted`;
  };
}

/** One line per working day up to the deadline's day; runs of rest days with the same name folded into one line. */
function dayLines(calendar: BusinessCalendar, first: number, run: ClockRun, label: DayLabel): string[] {
  const lastDay = calendarDays(calendar).zone.dayOf(run.deadline - 1n);
  const lines: string[] = [];
  let rest: { from: Temporal.PlainDate; to: Temporal.PlainDate; what: string } | undefined;
  const flushRest = () => {
    if (!rest) return;
    const range = rest.from.equals(rest.to) ? formatDay(rest.from) : `${formatDay(rest.from)}..${formatDay(rest.to)}`;
    lines.push(`${range}: ${rest.what}, skipped`);
    rest = undefined;
  };
  for (let day = first; day <= lastDay; day++) {
    const date = plainDateOf(day);
    const kind = calendar.dayKind(date);
    if (kind.kind === 'holiday' || kind.kind === 'weekend') {
      const what = kind.name ?? kind.kind;
      if (rest?.what === what) rest.to = date;
      else {
        flushRest();
        rest = { from: date, to: date, what };
      }
      continue;
    }
    flushRest();
    lines.push(`${formatDay(date)}${kind.kind === 'makeup_workday' ? ' make-up workday' : ''}: ${label(day)}`);
  }
  flushRest();
  return lines;
}
