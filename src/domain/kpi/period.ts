import { Temporal } from 'temporal-polyfill';
import { EngineError, hasCode } from '../../errors.js';

/** A reporting period: a month `2026-03`, a quarter `2026-Q1` or a year `2026`, as local dates. */
export interface Period {
  readonly id: string;
  /** First and last local dates, inclusive, `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
}

export const PERIOD_INVALID = 'PERIOD_INVALID' as const;
export class PeriodInvalidError extends EngineError {
  readonly code = PERIOD_INVALID;
  constructor(readonly period: string) {
    super(`period "${period}" is not a month (2026-03), a quarter (2026-Q1) or a year (2026)`, { field: 'period', period });
  }
}
export const isPeriodInvalid = hasCode<PeriodInvalidError>(PERIOD_INVALID);

export const parsePeriod = (text: string): Period => {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  const quarter = /^(\d{4})-Q([1-4])$/.exec(text);
  const year = /^(\d{4})$/.exec(text);
  const span = (y: number, firstMonth: number, months: number): Period => {
    const from = Temporal.PlainDate.from({ year: y, month: firstMonth, day: 1 });
    return { id: text, from: from.toString(), to: from.add({ months }).subtract({ days: 1 }).toString() };
  };
  if (month) return span(Number(month[1]), Number(month[2]), 1);
  if (quarter) return span(Number(quarter[1]), (Number(quarter[2]) - 1) * 3 + 1, 3);
  if (year) return span(Number(year[1]), 1, 12);
  throw new PeriodInvalidError(text);
};

export const inPeriod = (date: string | null, period: Period): boolean => date !== null && date >= period.from && date <= period.to;
