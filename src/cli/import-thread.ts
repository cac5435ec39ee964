/**
 * A summary file's import on a thread of its own, as the server runs its imports (src/api/heavy):
 * the thread reads the file in parts, checks and expands its rows, decides each record and seals
 * its owner's name and phone; this thread only appends what it is sent, through the store it opened,
 * the log's one writer here. On two cores the deciding and the writing then overlap instead of
 * taking turns (docs/migration.md, "Speed").
 */
import { availableParallelism } from 'node:os';
import type { Actor } from '../domain/events/envelope.js';
import type { ImportProgress } from '../audit/import/stream-import.js';
import type { RunReport } from '../audit/import/run.js';
import type { OnFault } from '../audit/import/case-import.js';
import type { CsvColumns, ImportFormat } from '../audit/import/format.js';
import { deserializeError, serializeError, type SerializedError } from '../api/heavy/errors.js';
import { startSiblingWorker } from '../runtime/sibling-worker.js';
import type { AppendResult, EventStore, EventToAppend, ExpectedRevision } from '../store/port.js';

/** What the thread needs to open what this thread opened: the same store, keys, rules and file. */
export interface ImportThreadData {
  readonly dataDir: string;
  readonly eventStoreConnectionString?: string | undefined;
  readonly rulesDir: string;
  /** The ruleset version this thread loaded: the thread refuses to import under another. */
  readonly rulesetVersion: string;
  readonly masterKey: { readonly hex: string; readonly source: string };
  /** The parent's clock when it started the thread (held to the log): the thread's never reads earlier. */
  readonly startedAt: string;
  readonly file: string;
  readonly read: { readonly format?: ImportFormat; readonly encoding?: string; readonly columns: CsvColumns };
  readonly options: {
    readonly strict: boolean;
    readonly dryRun: boolean;
    readonly importedBy: Actor;
    readonly timeZone?: string;
    readonly window: number;
  };
}

/** One record's append, as the thread asks for it. */
export interface AppendCall {
  readonly call: number;
  readonly stream: string;
  readonly events: EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
}

export type FromImportThread =
  /** The appends the thread asked for since its last message: submitted together, they share the store's commits. */
  | { readonly op: 'append'; readonly calls: readonly AppendCall[] }
  | { readonly op: 'progress'; readonly progress: ImportProgress }
  /** A row the engine failed on, refused in the report: what it threw, for the console. */
  | { readonly op: 'fault'; readonly row: number; readonly caseRef: string; readonly error: SerializedError }
  | { readonly op: 'done'; readonly report: RunReport }
  | { readonly op: 'failed'; readonly error: SerializedError };

export type ToImportThread =
  | { readonly op: 'appended'; readonly call: number; readonly ok: true; readonly result: AppendResult }
  | { readonly op: 'appended'; readonly call: number; readonly ok: false; readonly error: SerializedError };

/**
 * The thread's old-generation heap, in MB: what a part of the file and the records in flight take,
 * with room, when node runs without heap flags (`npm run audit -- import`). V8's flags apply to
 * every thread and take precedence: under `npm run import` the thread has the process's
 * --max-old-space-size and --max-semi-space-size (docs/migration.md, "Speed").
 */
export const IMPORT_THREAD_HEAP_MB = 64;
/** Its young generation, in MB (two semi-spaces of 4 MB and room for large objects), without heap flags. */
const IMPORT_THREAD_YOUNG_MB = 12;

/**
 * Records decided and not yet written, at most, in each part of the file under way on the thread
 * (two at a time: stream-import.ts): fewer than the one-thread window (IMPORT_WINDOW), as fast —
 * the thread sends its appends as it decides them — and, with both threads holding them and
 * `npm run import`'s 8 MB semi-spaces, it keeps the process within the import's memory bound
 * (docs/performance.md, "two threads, and the young generation they need", "parts that overlap").
 */
export const IMPORT_THREAD_WINDOW = 128;

/** A file this large holds some thousands of rows: enough that a thread's start (a second or two) is soon repaid. */
export const IMPORT_THREAD_MIN_BYTES = 1024 * 1024;

/** A thread pays where a second core can decide while this one writes, and the file is long enough to repay its start. */
export const importThreadPays = (fileBytes: number): boolean => availableParallelism() > 1 && fileBytes >= IMPORT_THREAD_MIN_BYTES;

/** Imports the file on a thread, appending its records through `store`; resolves with the thread's report. */
export const importInThread = (
  store: EventStore,
  data: ImportThreadData,
  on: {
    readonly onProgress: (progress: ImportProgress) => void;
    readonly onFault: OnFault;
  },
): Promise<RunReport> =>
  new Promise<RunReport>((resolve, reject) => {
    const worker = startSiblingWorker(import.meta.url, 'import-worker', {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: IMPORT_THREAD_HEAP_MB, maxYoungGenerationSizeMb: IMPORT_THREAD_YOUNG_MB },
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
      void worker.terminate();
    };
    const post = (message: ToImportThread) => worker.postMessage(message);
    worker.on('message', (message: FromImportThread) => {
      switch (message.op) {
        case 'append':
          for (const { call, stream, events, expectedRevision } of message.calls) {
            store.appendToStream(stream, events, { expectedRevision }).then(
              (result) => post({ op: 'appended', call, ok: true, result }),
              (error: unknown) => post({ op: 'appended', call, ok: false, error: serializeError(error) }),
            );
          }
          return;
        case 'progress':
          on.onProgress(message.progress);
          return;
        case 'fault':
          on.onFault(deserializeError(message.error), { row: message.row, caseRef: message.caseRef });
          return;
        case 'done':
          settle(() => resolve(message.report));
          return;
        case 'failed':
          settle(() => reject(deserializeError(message.error)));
          return;
      }
    });
    worker.on('error', (error) => settle(() => reject(new Error(`the import thread failed: ${error.message}`, { cause: error }))));
    worker.on('exit', (code) => settle(() => reject(new Error(`the import thread exited with code ${code} before it finished`))));
  });
