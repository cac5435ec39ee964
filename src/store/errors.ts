import { EngineError, hasCode } from '../errors.js';
import type { ExpectedRevision } from './port.js';

export const REVISION_CONFLICT = 'REVISION_CONFLICT' as const;
/** The stream is not at the revision the writer read: someone else appended first. */
export class RevisionConflictError extends EngineError {
  readonly code = REVISION_CONFLICT;
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or `undefined` when it does not exist. */
    readonly actual: bigint | undefined,
  ) {
    super(`stream ${stream} is at revision ${actual ?? 'none (no stream)'}, expected ${String(expected)}`, {
      stream,
      expected: String(expected),
      actual: actual === undefined ? null : String(actual),
    });
  }
}
export const isRevisionConflict = hasCode<RevisionConflictError>(REVISION_CONFLICT);

export const STREAM_NOT_FOUND = 'STREAM_NOT_FOUND' as const;
export class StreamNotFoundError extends EngineError {
  readonly code = STREAM_NOT_FOUND;
  constructor(readonly stream: string) {
    super(`stream ${stream} does not exist`, { stream });
  }
}
export const isStreamNotFound = hasCode<StreamNotFoundError>(STREAM_NOT_FOUND);

export const STORE_UNAVAILABLE = 'STORE_UNAVAILABLE' as const;
/** Transient: the store could not be reached or is closing. Safe to retry an idempotent append. */
export class StoreUnavailableError extends EngineError {
  readonly code = STORE_UNAVAILABLE;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.cause = cause;
  }
}
export const isStoreUnavailable = hasCode<StoreUnavailableError>(STORE_UNAVAILABLE);

export const EVENT_TOO_LARGE = 'EVENT_TOO_LARGE' as const;
export class EventTooLargeError extends EngineError {
  readonly code = EVENT_TOO_LARGE;
  constructor(
    readonly stream: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`an event for ${stream} is ${size} bytes, more than the limit of ${limit}`, { stream, size, limit });
  }
}
export const isEventTooLarge = hasCode<EventTooLargeError>(EVENT_TOO_LARGE);
