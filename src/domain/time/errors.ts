import { EngineError, hasCode } from '../../errors.js';

export const CLOCK_DURATION_INVALID = 'CLOCK_DURATION_INVALID' as const;
/** A clock duration that no SLA can mean: zero, negative, fractional or of an unknown kind. */
export class ClockDurationInvalidError extends EngineError {
  readonly code = CLOCK_DURATION_INVALID;
  constructor(
    readonly duration: unknown,
    reason: string,
  ) {
    super(`invalid clock duration ${JSON.stringify(duration)}: ${reason}`, { duration, reason });
  }
}
export const isClockDurationInvalid = hasCode<ClockDurationInvalidError>(CLOCK_DURATION_INVALID);

export const PAUSE_INTERVAL_INVALID = 'PAUSE_INTERVAL_INVALID' as const;
/** A pause that ends before it starts: the pause ledger is corrupt, so no deadline can be trusted. */
export class PauseIntervalInvalidError extends EngineError {
  readonly code = PAUSE_INTERVAL_INVALID;
  constructor(
    readonly index: number,
    readonly start: string,
    readonly end: string,
  ) {
    super(`pause #${index} ends (${end}) before it starts (${start})`, { index, start, end });
  }
}
export const isPauseIntervalInvalid = hasCode<PauseIntervalInvalidError>(PAUSE_INTERVAL_INVALID);
