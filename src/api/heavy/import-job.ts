import { parseImport, parseImportBytes, type ImportFormat, type ImportShape } from '../../audit/import/format.js';
import { faultLine, type ImportDeps } from '../../audit/import/case-import.js';
import type { HeavyNotice, JobProgress } from './notice.js';
import { csvColumnsOf, runImport } from '../../audit/import/run.js';
import { parseImportXlsx } from '../../audit/import/xlsx.js';
import { InvalidCommandError } from '../../domain/case/errors.js';
import { actorOfPrincipal, authorizeProperty } from '../auth/plugin.js';
import type { Principal } from '../auth/tokens.js';

/** The caller of a job, as a thread can receive it: the token's scope and who it names. */
export type JobCaller = Pick<Principal, 'tokenId' | 'label' | 'role' | 'properties' | 'personId'>;

/** An import file, as the route read its headers; the bytes follow (streamed to the thread that runs it). */
export interface ImportJob {
  readonly kind: 'import';
  /** `json` for a JSON array (application/json, always UTF-8); else the format the Content-Type names, or guessed. */
  readonly format?: ImportFormat | undefined;
  /** The charset the Content-Type declares, if any. */
  readonly charset?: string | undefined;
  /** An Excel workbook: its first worksheet read as a CSV of the shape's columns would be. */
  readonly xlsx?: boolean | undefined;
  /** One row per event (the default) or per record (docs/migration.md). */
  readonly shape?: ImportShape | undefined;
  /** A column the shape does not know refuses the import. */
  readonly strict?: boolean | undefined;
  readonly dryRun: boolean;
  readonly timeZone?: string | undefined;
  readonly caller: JobCaller;
}

/** fastify's JSON parser refuses these keys (its protoAction 'error'); a JSON array read here refuses them too. */
const refusePrototypeKeys = (key: string, value: unknown) => {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value))
    throw new SyntaxError('Object contains forbidden prototype property');
  return value;
};

/**
 * A JSON array's rows. Its bytes are read as UTF-8 as fastify reads a JSON body: a byte invalid in
 * it becomes U+FFFD, which refuses the row holding it (import.ts), not the whole file.
 */
const jsonRows = (bytes: Uint8Array) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
      refusePrototypeKeys,
    );
  } catch (error) {
    throw new InvalidCommandError('body', `not a JSON array: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new InvalidCommandError('body', 'a JSON import is an array of rows');
  return parseImport(parsed);
};

/**
 * Records of an import sent to the server decided and written at once (pipeline.ts): their appends
 * share the server's group commits, where one at a time each waited for a commit of its own
 * (`npm run bench:wal`: 140,000 events in 19.4 s against 47.2 s). Fewer than the CLI's 512: the
 * desk's commands share those commits while an import runs.
 */
export const HTTP_IMPORT_WINDOW = 32;

/** How often an import tells its progress, at most: a caller's bar moves, and a large file's thousands of records make a few messages. */
const PROGRESS_EVERY_MS = 250;

/** Records done of all, told at the start, at the end, and in between at most every `ms`. */
const progressEvery = (ms: number, tell: (progress: JobProgress) => void) => {
  let last = Number.NEGATIVE_INFINITY;
  return (records: number, of: number) => {
    const now = performance.now();
    if (records !== 0 && records !== of && now - last < ms) return;
    last = now;
    tell({ records, of });
  };
};

/** The import of one file: its rows read as the route's Content-Type says, then imported case by case (import.ts, run.ts). */
export const importFile = async (
  deps: ImportDeps & {
    readonly onNotice?: ((notice: HeavyNotice) => void) | undefined;
    readonly onProgress?: ((progress: JobProgress) => void) | undefined;
  },
  job: ImportJob,
  bytes: Uint8Array,
) => {
  const shape = job.shape ?? 'events';
  const columns = csvColumnsOf(shape);
  const parsed =
    job.format === 'json'
      ? jsonRows(bytes)
      : job.xlsx
        ? await parseImportXlsx(bytes, columns)
        : parseImportBytes(bytes, { ...(job.format ? { format: job.format } : {}), ...(job.charset ? { encoding: job.charset } : {}), columns });
  const principal = { ...job.caller };
  return runImport(deps, parsed, {
    shape,
    strict: job.strict === true,
    dryRun: job.dryRun,
    ...(job.timeZone ? { timeZone: job.timeZone } : {}),
    authorize: authorizeProperty(principal),
    importedBy: actorOfPrincipal(principal),
    window: HTTP_IMPORT_WINDOW,
    onFault: (fault, at) => deps.onNotice?.({ level: 'error', message: faultLine(fault, at) }),
    ...(deps.onProgress ? { onCase: progressEvery(PROGRESS_EVERY_MS, deps.onProgress) } : {}),
  });
};
