import { EngineError } from '../../errors.js';

export const UNAUTHENTICATED = 'UNAUTHENTICATED' as const;
export class UnauthenticatedError extends EngineError {
  readonly code = UNAUTHENTICATED;
  constructor(message = 'a valid bearer token is required (Authorization: Bearer <token>)') {
    super(message);
  }
}

export const FORBIDDEN = 'FORBIDDEN' as const;
export class ForbiddenError extends EngineError {
  readonly code = FORBIDDEN;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details);
  }
}
