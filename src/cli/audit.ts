import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Temporal } from 'temporal-polyfill';
import { readOnlyRulesets } from '../ruleset/registry.js';
import { renderAnchorCheck, renderBackdating, renderImport, renderReplay, renderReportAsOf, renderVerify, renderWhatIf } from '../audit/render.js';
import { systemClock } from '../runtime/clock.js';
import { clockHeldToLog } from '../runtime/log-clock.js';
import { readConfig, type Config } from '../config.js';
import { recordTypes, recordTypeSchema } from '../domain/records.js';
import { isEngineError } from '../errors.js';
import { IMPORT_STOPPED } from '../audit/import/stopped.js';
import { loadRuleset } from '../ruleset/load.js';
import { openConfiguredStore } from '../store/open-configured.js';
import { keepDataDirPrivate } from '../runtime/private-data-dir.js';
import { atStart, findStorageFailure } from '../runtime/storage-failure.js';
import { IMPORT_PAGE_CACHE_KIB } from './import-page-caches.js';
import { openPersonalData } from '../store/personal/from-config.js';
import type { EventStore } from '../store/port.js';
import type { LogAnchor } from '../audit/anchor.js';
import { progressBar } from './progress-bar.js';
import { UsageError } from './usage-error.js';

// Each command's modules are loaded when it runs: an import's first thread holds only what it
// needs to write (docs/migration.md, "Speed"), and no command pays for the others' at start.

const usage = `usage: npm run audit -- <command> [options] [--json]
  replay <type> <id> [--as-of ISO]                      a case or record as it stood at an instant, clocks explained
                                                        (type: ${recordTypes.join(', ')})
  report --property ID --period P [--as-of ISO]         the compliance report then and now, differences explained
        [--judge-imported-by-occurrence]                imported events counted by when they happened, not when imported
  what-if --property ID --period P --rules DIR [--as-of ISO] [--agreement ID]
                                                        the report under another rules directory (writes nothing);
                                                        --agreement judges the period by that agreement of DIR
  verify [--property ID] [--anchor FILE]                recompute every case's hash chain; with an anchor,
                                                        also that the log up to it is unchanged
  anchor                                                print a digest of the whole log (JSON) to keep outside the store
  import FILE [--format csv|jsonl|json|summary] [--dry-run] [--strict]
        [--encoding gb18030|…] [--time-zone property|ZONE]  historical import (docs/audit.md, docs/migration.md): one row
                                                        per event, or per record with --format summary; the file is
                                                        UTF-8 unless --encoding says otherwise; times without an offset
                                                        are refused unless --time-zone says how to read them; --strict
                                                        refuses unknown columns; --dry-run writes nothing; an
                                                        Excel FILE.xlsx is read from its first worksheet; progress
                                                        on stderr. For a large migration: npm run import -- FILE …
                                                        (the same, with a bounded heap: docs/migration.md, Speed);
        [--threads 0|1]                                 a summary file is read and decided on a thread of its own
                                                        while this one writes (1; the default on more than one
                                                        core for a file of 1 MiB or more), or all on this one (0)
  backdating --property ID [--threshold-minutes N] [--from ISO] [--to ISO]
Works on the configured store (DATA_DIR, EVENTSTORE_CONNECTION_STRING) and rules (RULES_DIR), as the server.
Periods: 2026-03, 2026-Q1 or 2026. Output: a table, or JSON with --json.
Exit codes: 0 ok, 1 findings (a broken chain or anchor, rejected import rows, back-dated events listed), 2 bad usage or input, 3 error.`;

const options = {
  json: { type: 'boolean' },
  'as-of': { type: 'string' },
  'judge-imported-by-occurrence': { type: 'boolean' },
  property: { type: 'string' },
  period: { type: 'string' },
  rules: { type: 'string' },
  agreement: { type: 'string' },
  format: { type: 'string' },
  'dry-run': { type: 'boolean' },
  strict: { type: 'boolean' },
  encoding: { type: 'string' },
  'time-zone': { type: 'string' },
  threads: { type: 'string' },
  'threshold-minutes': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  anchor: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const required = (value: string | undefined, name: string): string => {
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
};

const instant = (value: string | undefined, name: string): string | undefined => {
  if (value === undefined) return undefined;
  try {
    return Temporal.Instant.from(value).toString();
  } catch {
    throw new UsageError(`--${name} must be an ISO instant with an offset, e.g. 2026-03-02T09:00:00+08:00`);
  }
};

/** How many events the log holds, when the store is the SQLite file (for the progress bar's total). */
const logSize = (config: Config): number | undefined => {
  if (config.EVENTSTORE_CONNECTION_STRING) return undefined;
  try {
    const db = new Database(join(config.DATA_DIR, 'events.db'), { readonly: true, fileMustExist: true });
    try {
      return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
};

/** An anchor file written by `anchor`; a file that is not one is bad input (exit 2), named with what is wrong. */
const readAnchor = async (file: string): Promise<LogAnchor> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--anchor ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--anchor ${file}: not JSON (${(error as Error).message})`);
  }
  const { logAnchorSchema } = await import('../audit/anchor.js');
  const parsed = logAnchorSchema.safeParse(json);
  if (!parsed.success)
    throw new UsageError(`--anchor ${file}: not a log anchor: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
};

const withScan = async <T>(config: Config, label: string, run: (onProgress: (n: number) => void) => Promise<T>): Promise<T> => {
  const bar = progressBar(label, logSize(config));
  try {
    return await run((n) => bar.update(n));
  } finally {
    bar.stop();
  }
};

const COMMANDS = ['replay', 'report', 'what-if', 'verify', 'anchor', 'backdating', 'import'];

const run = async (argv: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const [command, ...args] = positionals;
  if (values.help || !command) throw new UsageError('');
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command ${command}`);
  const config = readConfig(process.env);
  // As the server and the other CLIs: an import writes owners' names and phones, and their keys, into DATA_DIR.
  atStart(config.DATA_DIR, 'data-dir', () => keepDataDirPrivate(config.DATA_DIR));
  const ruleset = await loadRuleset(config.RULES_DIR);
  // Imports seal owners' names and phones as the server does; reports and replays read them opened.
  const importing = command === 'import';
  const personalData = openPersonalData(config, undefined, importing ? { keyPageCacheKib: IMPORT_PAGE_CACHE_KIB.keys } : {});
  const store = personalData.open((await openConfiguredStore(config, importing ? { pageCacheKib: IMPORT_PAGE_CACHE_KIB.writer } : {})).store);
  const out = (value: unknown, render: () => string) => console.log(values.json ? JSON.stringify(value, null, 2) : render());
  try {
    // The import stamps recordedAt: held to the log, as the server's clock is.
    const deps = { store, rulesets: readOnlyRulesets(store, ruleset), clock: clockHeldToLog(systemClock, await store.lastRecordedAt?.()) };
    switch (command) {
      case 'replay': {
        const caseType = recordTypeSchema.safeParse(args[0]);
        if (!caseType.success || !args[1]) throw new UsageError(`replay <type> <id>; type: ${recordTypeSchema.options.join(', ')}`);
        const { auditInstant, replayCase } = await import('../audit/case-replay.js');
        const replay = await replayCase(deps, caseType.data, args[1], auditInstant(instant(values['as-of'], 'as-of'), systemClock.now()));
        out(replay, () => renderReplay(replay));
        return 0;
      }
      case 'report': {
        const query = {
          propertyId: required(values.property, 'property'),
          period: required(values.period, 'period'),
          ...asOf(values['as-of']),
          judgeImportedByOccurrence: values['judge-imported-by-occurrence'] === true,
        };
        const { reportAsOf } = await import('../audit/report-as-of.js');
        const report = await reportAsOf(deps, query);
        out(report, () => renderReportAsOf(report));
        return 0;
      }
      case 'what-if': {
        const query = {
          propertyId: required(values.property, 'property'),
          period: required(values.period, 'period'),
          ...asOf(values['as-of']),
          ...(values.agreement === undefined ? {} : { agreement: values.agreement }),
        };
        const other = await loadRuleset(required(values.rules, 'rules'));
        const bar = progressBar('reading the log', logSize(config));
        let result;
        try {
          const { whatIf } = await import('../audit/what-if.js');
          result = await whatIf(deps, query, other, { scan: (n) => bar.update(n), cases: (done, total) => bar.update(done, total) });
        } finally {
          bar.stop();
        }
        const report = result;
        out(report, () => renderWhatIf(report));
        return 0;
      }
      case 'verify': {
        const anchor = values.anchor === undefined ? undefined : await readAnchor(values.anchor);
        const { verifyLog } = await import('../audit/verify.js');
        const { checkAnchor } = await import('../audit/anchor.js');
        const report = await withScan(config, 'verifying', (onProgress) =>
          verifyLog(store, values.property ? { propertyId: values.property } : {}, onProgress),
        );
        if (!anchor) {
          out(report, () => renderVerify(report));
          return report.intact ? 0 : 1;
        }
        const anchorCheck = await withScan(config, 'checking the anchor', (onProgress) => checkAnchor(store, anchor, onProgress));
        out({ ...report, anchorCheck }, () => `${renderVerify(report)}\n${renderAnchorCheck(anchorCheck)}`);
        return report.intact && anchorCheck.intact ? 0 : 1;
      }
      case 'anchor': {
        const { takeAnchor } = await import('../audit/anchor.js');
        const anchor = await withScan(config, 'reading the log', (onProgress) => takeAnchor(store, systemClock.now().toString(), onProgress));
        console.log(JSON.stringify(anchor, null, 2));
        return 0;
      }
      case 'backdating': {
        const threshold = values['threshold-minutes'] === undefined ? 0 : Number(values['threshold-minutes']);
        if (!Number.isFinite(threshold) || threshold < 0) throw new UsageError('--threshold-minutes must be a number ≥ 0');
        const from = instant(values.from, 'from');
        const to = instant(values.to, 'to');
        const query = { propertyId: required(values.property, 'property'), thresholdMinutes: threshold, ...(from ? { from } : {}), ...(to ? { to } : {}) };
        const { backdatingReport } = await import('../audit/backdating.js');
        const report = await withScan(config, 'reading the log', (onProgress) => backdatingReport(store, query, onProgress));
        out(report, () => renderBackdating(report));
        return report.eventsListed > 0 ? 1 : 0;
      }
      case 'import': {
        if (!args[0]) throw new UsageError('import FILE');
        const { importCommand } = await import('./import-command.js');
        const done = await importCommand({ config, ruleset, personalData, store, deps }, args[0], values);
        out(done, () => renderImport(done));
        return done.rejected.length > 0 ? 1 : 0;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } finally {
    await closeQuietly(store);
    personalData.keys.close();
  }
};

const asOf = (value: string | undefined) => {
  const at = instant(value, 'as-of');
  return at ? { asOf: at } : {};
};

const closeQuietly = async (store: EventStore) => {
  try {
    await store.close();
  } catch {
    // already closed
  }
};

/**
 * Input the auditor can fix: bad arguments, an unknown case or property, invalid rules, a period no
 * agreement covers (or two: answered 422 at the API) — errors of what was asked, not of the engine.
 */
const INPUT_ERRORS = new Set([
  'UNSUPPORTED_ENCODING',
  'INVALID_COMMAND',
  'PERIOD_INVALID',
  'NO_AGREEMENT_IN_FORCE',
  'PERIOD_SPANS_AGREEMENTS',
  'RULESET_INVALID',
  'CASE_NOT_FOUND',
]);

const main = async (argv: string[]): Promise<number> => {
  try {
    return await run(argv);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(
        `${error instanceof UsageError && error.message ? `${error.message}\n` : (error as Error).message ? `${(error as Error).message}\n` : ''}${usage}`,
      );
      return 2;
    }
    if (isEngineError(error) && INPUT_ERRORS.has(error.code)) {
      console.error(`${error.code}: ${error.message}`);
      return 2;
    }
    // A data directory or file the CLI cannot use: the file, what is wrong with it and what to do, in one line.
    const storage = findStorageFailure(error);
    // An import that stopped: what it wrote before, then why (a fault's stack, or the storage's line).
    if (isEngineError(error) && error.details.written !== undefined) {
      console.error(error.code === IMPORT_STOPPED ? `error: ${error.stack ?? error.message}` : `error: ${error.code}: ${error.message}`);
      if (storage) console.error(`error: ${storage.message}`);
      return 3;
    }
    console.error(storage ? `error: ${storage.message}` : `error: ${(error as Error).stack ?? String(error)}`);
    return 3;
  }
};

process.exitCode = await main(process.argv.slice(2));
