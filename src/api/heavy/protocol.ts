import type { AppendResult, EventToAppend, ExpectedRevision } from '../../store/port.js';
import type { SerializedError } from './errors.js';
import type { HeavyJob } from './jobs.js';
import type { HeavyNotice, JobProgress } from './notice.js';

/** What a heavy-work thread is started with: where the log and the read models are, and the rules. */
export interface HeavyThreadData {
  readonly dataDir: string;
  readonly eventStoreConnectionString?: string | undefined;
  /** The current ruleset's files as parsed: the thread builds the same ruleset (same version) from them. */
  readonly rulesetFiles: Readonly<Record<string, unknown>>;
  /** Whether the server reads the read models (DATA_DIR's read-models.db): the thread then reads them too, read-only. */
  readonly readModels: boolean;
  /** The server runs on a manual clock: a job's time is the one it was sent with, and stands still. */
  readonly manualClock: boolean;
  /** How many nice steps the thread takes below the request thread (projections/thread/priority.ts); 0 or unset: none. */
  readonly yieldSteps?: number | undefined;
  /**
   * The master key of the personal data's keys (keys.db in dataDir), hex-encoded, and where it came
   * from: an import's records are sealed on the thread that decides them, as the server seals its own.
   */
  readonly masterKey?: { readonly hex: string; readonly source: string } | undefined;
}

export type ToThread =
  /** A job, with the server's time when it was sent: the job's clock never reads earlier. */
  | { readonly op: 'job'; readonly id: number; readonly job: HeavyJob; readonly now: string }
  /** The import's bytes, chunk by chunk as the request brings them, then their end (or that they will not come). */
  | { readonly op: 'input'; readonly id: number; readonly chunk: Uint8Array }
  | { readonly op: 'inputEnd'; readonly id: number }
  | { readonly op: 'inputFailed'; readonly id: number }
  /** The answer to an append the thread asked for. */
  | { readonly op: 'appended'; readonly call: number; readonly ok: true; readonly result: AppendResult }
  | { readonly op: 'appended'; readonly call: number; readonly ok: false; readonly error: SerializedError };

export type FromThread =
  | { readonly op: 'done'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly op: 'done'; readonly id: number; readonly ok: false; readonly error: SerializedError }
  /** An import's case, to be appended by the server's store: the only writer of the log. */
  | {
      readonly op: 'append';
      readonly id: number;
      readonly call: number;
      readonly stream: string;
      readonly events: readonly EventToAppend[];
      readonly expectedRevision: ExpectedRevision;
    }
  | ({ readonly op: 'notice' } & HeavyNotice)
  /** How far a running job has come (an import's records), at most a few times a second. */
  | { readonly op: 'progress'; readonly id: number; readonly progress: JobProgress };
