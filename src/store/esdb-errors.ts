/**
 * Translates `@eventstore/db-client` failures into the port's typed errors, and retries the
 * transient ones. Callers above the store only ever see the port's errors (the original is kept
 * as `cause`), so the API maps one set of codes whichever adapter is configured.
 */
import {
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError as ClientStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { isEngineError } from '../errors.js';
import { EventTooLargeError, RevisionConflictError, StoreUnavailableError, StreamNotFoundError, isStoreUnavailable } from './errors.js';
import type { ExpectedRevision } from './port.js';

/** What the failing call was about: error messages and details need it, the client's errors often lack it. */
export interface ErrorContext {
  readonly stream?: string;
  readonly expected?: ExpectedRevision;
  /** Bytes of event payload the append tried to write. */
  readonly appendSize?: number;
}

/** gRPC status codes that mean "try again": the node is down, restarting, or slower than the deadline. */
const TRANSIENT_GRPC_CODES: ReadonlySet<number> = new Set([
  1, // CANCELLED by the server (it is shutting down); client-side cancellation never reaches here
  4, // DEADLINE_EXCEEDED
  14, // UNAVAILABLE
]);

/**
 * After the connection dies the client sometimes rejects with the raw grpc-js error (`{ code: 14 }`)
 * instead of one of its own classes, so the code is checked as well as the class.
 */
const hasTransientGrpcCode = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number' && TRANSIENT_GRPC_CODES.has(error.code);

const withCause = <E extends Error>(error: E, cause: unknown): E => {
  error.cause = cause;
  return error;
};

export const toStoreError = (error: unknown, context: ErrorContext = {}): unknown => {
  if (isEngineError(error)) return error;
  const stream = context.stream ?? '';
  if (error instanceof WrongExpectedVersionError) {
    const actual = typeof error.actualVersion === 'bigint' ? error.actualVersion : undefined;
    const expected = context.expected ?? (error.expectedVersion as ExpectedRevision);
    return withCause(new RevisionConflictError(error.streamName || stream, expected, actual), error);
  }
  // A deleted stream reads as absent: the engine never deletes, so this is someone else's doing.
  if (error instanceof ClientStreamNotFoundError || error instanceof StreamDeletedError) {
    return withCause(new StreamNotFoundError(error.streamName || stream), error);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return withCause(new EventTooLargeError(stream, context.appendSize ?? 0, error.maxAppendSize), error);
  }
  if (
    error instanceof UnavailableError ||
    error instanceof NotLeaderError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    hasTransientGrpcCode(error)
  ) {
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`EventStoreDB unavailable${stream ? ` (${stream})` : ''}: ${reason}`, error);
  }
  return error;
};

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 };

/** Exponential, capped: the n-th retry (0-based) waits initial × 2ⁿ, at most maxDelayMs. */
export const backoffDelay = (policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, retry: number): number =>
  Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry);

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation`, mapping its failure with `context`; retries while the mapped failure is
 * StoreUnavailableError and `canRetry()` holds. Retrying an append is safe only because event ids
 * are deterministic and the expected revision exact: a write that did land is acknowledged again.
 */
export const withRetry = async <T>(
  policy: RetryPolicy,
  context: ErrorContext,
  operation: () => Promise<T>,
  canRetry: () => boolean = () => true,
): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const mapped = toStoreError(error, context);
      if (!isStoreUnavailable(mapped) || attempt >= policy.attempts || !canRetry()) throw mapped;
      await pause(backoffDelay(policy, attempt - 1));
      if (!canRetry()) throw mapped;
    }
  }
};
