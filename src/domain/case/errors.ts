import { EngineError, hasCode } from '../../errors.js';

/**
 * A record that does not exist. The codes keep the word "case" of the engine's first record
 * types: they are the HTTP API's contract (docs/architecture.md, "Words").
 */
export const CASE_NOT_FOUND = 'CASE_NOT_FOUND' as const;
export class RecordNotFoundError extends EngineError {
  readonly code = CASE_NOT_FOUND;
  constructor(
    readonly caseType: string,
    readonly caseId: string,
  ) {
    super(`${caseType} ${caseId} does not exist`, { caseType, caseId });
  }
}
export const isRecordNotFound = hasCode<RecordNotFoundError>(CASE_NOT_FOUND);

export const CASE_ALREADY_EXISTS = 'CASE_ALREADY_EXISTS' as const;
export class RecordAlreadyExistsError extends EngineError {
  readonly code = CASE_ALREADY_EXISTS;
  constructor(
    readonly caseType: string,
    readonly caseId: string,
  ) {
    super(`${caseType} ${caseId} already exists`, { caseType, caseId });
  }
}

export const TRANSITION_NOT_ALLOWED = 'TRANSITION_NOT_ALLOWED' as const;
/**
 * The lifecycle does not accept this command in the case's current state, or the property's
 * agreement does not (then `rule` names the rule and the file it is written in).
 */
export class TransitionNotAllowedError extends EngineError {
  readonly code = TRANSITION_NOT_ALLOWED;
  constructor(
    readonly command: string,
    readonly state: string,
    readonly allowed: readonly string[],
    reason?: string,
    readonly rule?: string,
  ) {
    super(
      `${command} is not allowed in state ${state}${reason ? ` (${reason}${rule ? `; rule ${rule}` : ''})` : ''}; allowed now: ${allowed.join(', ') || 'nothing (the case is finished)'}`,
      { command, state, allowed, ...(reason ? { reason } : {}), ...(rule ? { rule } : {}) },
    );
  }
}
export const isTransitionNotAllowed = hasCode<TransitionNotAllowedError>(TRANSITION_NOT_ALLOWED);

export const INVALID_COMMAND = 'INVALID_COMMAND' as const;
/** The command is well-formed but names something the ruleset does not know, or breaks a rule. */
export class InvalidCommandError extends EngineError {
  readonly code = INVALID_COMMAND;
  constructor(
    readonly field: string,
    message: string,
    readonly allowed?: readonly string[],
  ) {
    super(`${field}: ${message}`, { field, ...(allowed ? { allowed } : {}) });
  }
}
export const isInvalidCommand = hasCode<InvalidCommandError>(INVALID_COMMAND);

export const OCCURRED_AT_REFUSED = 'OCCURRED_AT_REFUSED' as const;
/**
 * A claimed time in the future, beyond the back-dating allowance, before the case's previous event,
 * not the time its event states, or one that would meet a deadline the record holds as missed.
 */
export class OccurredAtRefusedError extends EngineError {
  readonly code = OCCURRED_AT_REFUSED;
  constructor(
    readonly occurredAt: string,
    readonly reason: 'future' | 'beyond_backdating_allowance' | 'before_previous_event' | 'not_its_own_time' | 'contradicts_recorded_miss',
    message: string,
  ) {
    super(message, { field: 'occurredAt', occurredAt, reason });
  }
}
export const isOccurredAtRefused = hasCode<OccurredAtRefusedError>(OCCURRED_AT_REFUSED);

export const CORRUPT_HISTORY = 'CORRUPT_HISTORY' as const;
/** A stored event the lifecycle cannot accept: history was written by something other than decide. */
export class CorruptHistoryError extends EngineError {
  readonly code = CORRUPT_HISTORY;
  constructor(
    readonly caseId: string,
    readonly eventType: string,
    readonly state: string,
  ) {
    super(`stored event ${eventType} of case ${caseId} is not allowed in state ${state}`, { caseId, eventType, state });
  }
}

export const COMMAND_ID_REUSED = 'COMMAND_ID_REUSED' as const;
/**
 * A command id the case already holds came with another request: another action, other
 * fields or another claimed time. Returning the first request's answer would tell the caller
 * a request was applied that never was.
 */
export class CommandIdReusedError extends EngineError {
  readonly code = COMMAND_ID_REUSED;
  constructor(
    readonly caseType: string,
    readonly caseId: string,
    readonly difference: string,
  ) {
    super(
      `this request's idempotency key was already used on ${caseType} ${caseId} for a different request (${difference}); ` +
        'a key names one request: send a new key for a new request',
      { caseType, caseId, difference },
    );
  }
}

export const NOT_ASSIGNED = 'NOT_ASSIGNED' as const;
/** A technician acting on a repair dispatched to someone else (a dispatcher may act on their behalf, as themselves). */
export class NotAssignedError extends EngineError {
  readonly code = NOT_ASSIGNED;
  constructor(action: string, assignee: string, actor: string) {
    super(`this repair is dispatched to ${assignee}, not to ${actor}: a technician may ${action} only their own jobs; a dispatcher may act for them`, {
      assignee,
    });
  }
}
