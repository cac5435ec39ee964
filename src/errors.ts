/**
 * Every failure the engine reports on purpose is an EngineError with a stable `code`.
 * The API maps codes to HTTP statuses in one place; everything else only checks codes,
 * never messages, so messages may be improved without breaking callers.
 */
export abstract class EngineError extends Error {
  abstract readonly code: string;
  /** Machine-readable facts about the failure (field paths, allowed actions, revisions…). */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export const isEngineError = (error: unknown): error is EngineError => error instanceof EngineError;

/** Type guard factory: `const isRevisionConflict = hasCode<RevisionConflictError>('REVISION_CONFLICT')`. */
export const hasCode =
  <E extends EngineError>(code: E['code']) =>
  (error: unknown): error is E =>
    isEngineError(error) && error.code === code;
