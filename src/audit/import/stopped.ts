import { EngineError, isEngineError } from '../../errors.js';
import type { RecordRow } from './case-import.js';

/** What an import had written when it stopped: whole records, and their events. */
export interface WrittenSoFar {
  readonly records: number;
  readonly events: number;
}

/** Where it stopped: the first record it could not write, by its source reference and first row. */
export type StoppedAt = RecordRow;

export const IMPORT_STOPPED = 'IMPORT_STOPPED' as const;

/**
 * An import stopped by a failure that is not a row's (the store unavailable, a file that cannot be
 * read further): no further record is begun, those in flight are let finish, and the error says
 * what was written before it, so that the report of those records is not lost with it. It keeps the
 * code of an engine error that stopped it (STORE_UNAVAILABLE: 503 at the API); another failure is
 * IMPORT_STOPPED. Running the same import again writes nothing twice and goes on from there.
 */
export class ImportStoppedError extends EngineError {
  readonly code: string;
  constructor(
    readonly failure: unknown,
    readonly written: WrittenSoFar,
    readonly stoppedAt: StoppedAt | undefined,
  ) {
    const what = failure instanceof Error ? failure.message : String(failure);
    const where = stoppedAt ? ` at record ${stoppedAt.caseRef} (row ${stoppedAt.row})` : '';
    super(
      `the import stopped${where}: ${what}. ${written.records} record(s) (${written.events} event(s)) were written before it, each whole; run the same import again: what is written is not written twice`,
      { ...(isEngineError(failure) ? failure.details : {}), written, ...(stoppedAt ? { stoppedAt } : {}) },
    );
    this.code = isEngineError(failure) ? failure.code : IMPORT_STOPPED;
    this.cause = failure;
    // An unexpected failure's stack goes with this one's, also across threads (which keep only a stack).
    if (!isEngineError(failure) && failure instanceof Error && failure.stack) this.stack = `${this.stack ?? this.message}\ncaused by ${failure.stack}`;
  }

  /** The same stop, with what earlier parts of the file wrote before this one counted in. */
  after(earlier: WrittenSoFar): ImportStoppedError {
    return new ImportStoppedError(
      this.failure,
      { records: earlier.records + this.written.records, events: earlier.events + this.written.events },
      this.stoppedAt,
    );
  }
}

export const isImportStopped = (error: unknown): error is ImportStoppedError => error instanceof ImportStoppedError;
