import { z } from 'zod';
import { ClockDurationInvalidError } from './errors.js';

const count = (unit: string) => z.number().int(`${unit} must be a whole number`).positive(`${unit} must be more than 0`);

/** How long an SLA clock runs; the ruleset says which kind and how much. */
export const clockDurationSchema = z.discriminatedUnion('kind', [
  /** Wall-clock minutes ("24 小时内"). */
  z.strictObject({ kind: z.literal('elapsed'), minutes: count('minutes') }),
  /** Due at 24:00 local of the Nth working day after the day the clock started ("3个工作日内"). */
  z.strictObject({ kind: z.literal('working_days'), days: count('days') }),
  /** Minutes inside the calendar's business hours on working days. */
  z.strictObject({ kind: z.literal('business_hours'), minutes: count('minutes') }),
]);

export type ClockDuration = z.infer<typeof clockDurationSchema>;

const AMOUNT_OF = { elapsed: 'minutes', working_days: 'days', business_hours: 'minutes' } as const;

/** What the schema accepts for sure, checked without it: the schema runs only for anything else, to say what is wrong. */
const plainlyValid = (duration: ClockDuration): boolean => {
  const amount = typeof duration === 'object' && duration !== null ? AMOUNT_OF[duration.kind] : undefined;
  if (
    amount === undefined ||
    !Object.hasOwn(AMOUNT_OF, duration.kind) ||
    !Object.hasOwn(duration, 'kind') ||
    !Object.hasOwn(duration, amount) ||
    Object.keys(duration).length !== 2
  )
    return false;
  const value = (duration as Record<string, unknown>)[amount];
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
};

export function assertClockDuration(duration: ClockDuration): void {
  if (plainlyValid(duration)) return;
  const result = clockDurationSchema.safeParse(duration);
  if (!result.success) throw new ClockDurationInvalidError(duration, result.error.issues.map((i) => i.message).join('; '));
}

export const NANOS_PER_MINUTE = 60_000_000_000n;
export const minutesToNanos = (minutes: number): bigint => BigInt(minutes) * NANOS_PER_MINUTE;
export const nanosToMinutes = (nanos: bigint): number => Number(nanos) / Number(NANOS_PER_MINUTE);

export function describeDuration(duration: ClockDuration): string {
  switch (duration.kind) {
    case 'elapsed':
      return `${duration.minutes} minutes elapsed`;
    case 'working_days':
      return `${duration.days} working day${duration.days === 1 ? '' : 's'}`;
    case 'business_hours':
      return `${duration.minutes} business-hour minutes`;
  }
}
