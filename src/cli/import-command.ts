/** `npm run audit -- import FILE …` (and `npm run import`): a historical import (docs/migration.md). */
import { open, readFile, stat } from 'node:fs/promises';
import { parseImportBytes, type CsvColumns, type ImportFormat } from '../audit/import/format.js';
import { faultLine, type ImportDeps, type OnFault } from '../audit/import/case-import.js';
import { IMPORT_WINDOW } from '../audit/import/pipeline.js';
import { csvColumnsOf, runImport, type RunReport } from '../audit/import/run.js';
import { importSummaryInParts } from '../audit/import/stream-import.js';
import { readInParts } from '../audit/import/stream-rows.js';
import { looksLikeXlsx } from '../audit/import/xlsx-signature.js';
import type { Config } from '../config.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
import { openRulesetRegistry } from '../ruleset/registry.js';
import type { PersonalData } from '../store/personal/from-config.js';
import type { EventStore } from '../store/port.js';
import { operator } from './operator.js';
import { importProgress } from './import-progress.js';
import { IMPORT_THREAD_WINDOW, importInThread, importThreadPays } from './import-thread.js';
import { progressBar } from './progress-bar.js';
import { UsageError } from './usage-error.js';

export interface ImportCommandOptions {
  readonly format?: string | undefined;
  readonly 'dry-run'?: boolean | undefined;
  readonly strict?: boolean | undefined;
  readonly encoding?: string | undefined;
  readonly 'time-zone'?: string | undefined;
  readonly threads?: string | undefined;
}

/** What the command works on, opened by the CLI as for its other commands. */
export interface ImportCommandContext {
  readonly config: Config;
  readonly ruleset: Ruleset;
  readonly personalData: PersonalData;
  readonly store: EventStore;
  readonly deps: ImportDeps;
}

/** Whether a summary file read in parts is imported on a thread of its own: --threads 0 or 1, else when it pays. */
const onThread = async (threads: string | undefined, file: string): Promise<boolean> => {
  if (threads === undefined) return importThreadPays((await stat(file)).size);
  if (threads !== '0' && threads !== '1') throw new UsageError('--threads is 0 (all on one thread) or 1 (a thread reads and decides while the other writes)');
  return threads === '1';
};

/** An Excel workbook, by its name or its first bytes (a zip archive's): read from the file as it streams. */
const isXlsxFile = async (path: string): Promise<boolean> => {
  if (/\.xlsx$/i.test(path)) return true;
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && looksLikeXlsx(buffer);
  } finally {
    await file.close();
  }
};

const xlsxImport = async (path: string, format: ImportFormat | undefined, encoding: string | undefined, columns: CsvColumns) => {
  if (format !== undefined && format !== 'csv') throw new UsageError(`--format ${format}: an .xlsx holds a table, read with the CSV format's columns`);
  if (encoding !== undefined) throw new UsageError('--encoding: an .xlsx holds its text in Unicode; the option is for CSV and JSON lines');
  // Loaded for a workbook only: exceljs is large, and a migration's CSV never needs it.
  const { parseImportXlsx } = await import('../audit/import/xlsx.js');
  return parseImportXlsx(path, columns);
};

/** Imports FILE as the options say; its report, for the CLI to print. */
export const importCommand = async (context: ImportCommandContext, file: string, values: ImportCommandOptions): Promise<RunReport> => {
  const { config, ruleset, personalData, store, deps } = context;
  // --format names the file's format, or (summary) the rows' shape, the file's format then read from its content.
  const shape = values.format === 'summary' ? 'summary' : 'events';
  const format = values.format === 'summary' ? undefined : (values.format as ImportFormat | undefined);
  if (format !== undefined && !['csv', 'jsonl', 'json'].includes(format)) throw new UsageError('--format is csv, jsonl, json or summary');
  const threaded = await onThread(values.threads, file);
  const columns = csvColumnsOf(shape);
  const encoding = values.encoding ? { encoding: values.encoding } : {};
  const importOptions = {
    strict: values.strict === true,
    dryRun: values['dry-run'] === true,
    importedBy: operator(),
    ...(values['time-zone'] ? { timeZone: values['time-zone'] } : {}),
    window: IMPORT_WINDOW,
  };
  // A row the engine failed on is refused in the report; its stack is for whoever reports the fault.
  const onFault: OnFault = (fault, at) => process.stderr.write(`${faultLine(fault, at)}\n`);
  const xlsx = await isXlsxFile(file);
  // A summary file in CSV or JSON lines is read in parts, in bounded memory, whatever its size.
  const read = { ...(format ? { format } : {}), ...encoding, columns };
  const inParts = shape === 'summary' && !xlsx ? await readInParts(file, read) : undefined;
  const parsed = inParts
    ? undefined
    : xlsx
      ? await xlsxImport(file, format, values.encoding, columns)
      : parseImportBytes(await readFile(file), { ...(format ? { format } : {}), ...encoding, columns });
  // Imported events name the ruleset in force: it must be in the store for later replays.
  const rulesets = values['dry-run'] ? deps.rulesets : await openRulesetRegistry(store, ruleset);
  if (!inParts) {
    const bar = progressBar('importing cases', undefined);
    try {
      return await runImport({ ...deps, rulesets }, parsed!, { shape, ...importOptions, onFault, onCase: (done, total) => bar.update(done, total) });
    } finally {
      bar.stop();
    }
  }
  const started = performance.now();
  const progress = importProgress(process.stderr, () => (performance.now() - started) / 1000);
  try {
    if (!threaded) return await importSummaryInParts({ ...deps, rulesets }, inParts, { ...importOptions, onFault, onProgress: (p) => progress.update(p) });
    const data = {
      dataDir: config.DATA_DIR,
      eventStoreConnectionString: config.EVENTSTORE_CONNECTION_STRING,
      rulesDir: config.RULES_DIR,
      rulesetVersion: ruleset.version,
      masterKey: { hex: personalData.master.key.toString('hex'), source: personalData.master.source },
      startedAt: deps.clock.now().toString(),
      file,
      read,
      options: { ...importOptions, window: IMPORT_THREAD_WINDOW },
    };
    return await importInThread(store, data, { onProgress: (p) => progress.update(p), onFault });
  } finally {
    progress.stop();
  }
};
