import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { parseImportBytes } from '../../src/audit/import/format.js';
import { csvColumnsOf, runImport } from '../../src/audit/import/run.js';
import { renderImport } from '../../src/audit/render.js';
import { importSummaryInParts, type ImportProgress } from '../../src/audit/import/stream-import.js';
import { readInParts } from '../../src/audit/import/stream-rows.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import type { EventStore } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { tempDir } from '../api/harness.js';

const RULES = new URL('../../rules', import.meta.url).pathname;
const HEADER =
  'type,number,propertyId,unit,category,description,receivedAt,channel,ownerName,ownerPhone,department,technician,complexity,acknowledgedAt,dispatchedAt,arrivedAt,completedAt,callbackAt,satisfaction,closedAt';

const pad = (n: number) => String(n).padStart(2, '0');
const at = (i: number, minutes: number) => {
  const d = new Date(Date.UTC(2022, 0, 3, 8) + (i * 11 + minutes) * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};

/** Row i of a generated export: closed complaints and repairs, an open visit now and then. */
const rowOf = (i: number, extra = '') => {
  const unit = `${1 + (i % 9)}-1-${100 + (i % 30)}`;
  if (i % 3 === 0)
    return `投诉,TS-${i},demo,${unit},噪音扰民,"楼上噪音, 第${i}次",${at(i, 0)},电话,王先生,138${String(i).padStart(8, '0')},工程部,,,${at(i, 10)},${at(i, 30)},,${at(i, 600)},${at(i, 1500)},满意,${at(i, 1530)}${extra}`;
  if (i % 3 === 1)
    return `报修,BX-${i},demo,${unit},给排水,"漏水
第${i}次",${at(i, 0)},,李女士,,,tech-${1 + (i % 40)},一般,${at(i, 20)},${at(i, 15)},${at(i, 60)},${at(i, 180)},,,${at(i, 1530)}${extra}`;
  return `来访,LF-${i},demo,${unit},咨询,来访登记 ${i},${at(i, 0)},来访,,,,,,,,,,,,${extra}`;
};

/** A file with every kind of row the report speaks of, spread over many parts. */
const exportFile = (rows: number): Buffer => {
  const lines = [`${HEADER},备注`];
  for (let i = 0; i < rows; i++) lines.push(rowOf(i, i % 7 === 0 ? ',备注' : ','));
  // A step out of order, a category the rules do not know, a channel a repair does not keep.
  lines[5] = lines[5]!.replace(`,${at(4, 1530)},`, `,${at(4, -60)},`);
  lines[7] = lines[7]!.replace('噪音扰民', '不存在的类别');
  lines[11] = lines[11]!.replace(',,李女士,', ',电话,李女士,');
  // A row repeated word for word far away, one repeated with another description, and a record on two differing rows.
  lines.push(lines[3]!, lines[19]!.replace('楼上噪音', '楼下噪音'), lines[40]!);
  const text = Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
  // Bytes not valid UTF-8 in one row's description.
  const bad = text.indexOf(Buffer.from('来访登记 14', 'utf8'));
  text[bad] = 0xff;
  return text;
};

const clock = { now: () => Temporal.Instant.from('2026-12-01T00:00:00Z') };
const importer = { id: 'admin-1', role: 'admin' as const };

const openStore = async (dir: string, name: string) => {
  const store = openSqliteEventStore({ file: join(dir, `${name}.db`) });
  const rulesets = await openRulesetRegistry(store, await loadRuleset(RULES));
  return { store, deps: { store, rulesets, clock } };
};

/** Each stream's events as written; the log's order across streams is the commits'. */
const contentOf = async (store: EventStore) => {
  const byStream = new Map<string, unknown[]>();
  for (const e of await store.readAll()) byStream.set(e.streamName, [...(byStream.get(e.streamName) ?? []), [e.id, e.type, e.data, e.metadata]]);
  return [...byStream].sort(([a], [b]) => a.localeCompare(b));
};

t.test('a summary file read in parts: the same report and the same store as read whole, one record after the other', async (t) => {
  const { dir, remove } = await tempDir('import-in-parts-');
  t.teardown(remove);
  const file = join(dir, 'export.csv');
  const bytes = exportFile(300);
  await writeFile(file, bytes);
  const whole = await openStore(dir, 'whole');
  const parts = await openStore(dir, 'parts');
  t.teardown(() => Promise.all([whole.store.close(), parts.store.close()]));

  const options = { timeZone: 'property', importedBy: importer };
  const expected = await runImport(whole.deps, parseImportBytes(bytes, { columns: csvColumnsOf('summary') }), { ...options, shape: 'summary' });
  const inParts = await readInParts(file, { columns: csvColumnsOf('summary'), rows: 25 });
  const progress: ImportProgress[] = [];
  const report = await importSummaryInParts(parts.deps, inParts!, { ...options, window: 64, onProgress: (p) => progress.push(p) });

  t.same(
    expected.warnings.map((w) => [w.code, w.rows]),
    [
      ['UNKNOWN_COLUMNS', undefined],
      ['COLUMN_NOT_KEPT', [11]],
      ['DUPLICATE_ROW', [301, 303]],
    ],
    'the file has warnings of each kind',
  );
  t.same(
    expected.rejected.map((p) => [p.row, p.code ?? p.field]),
    [
      [5, 'TIME_OUT_OF_ORDER'],
      [7, 'INVALID_COMMAND'],
      [15, 'INVALID_ENCODING'],
      [19, 'IMPORT_CONFLICT'],
      [302, 'IMPORT_CONFLICT'],
    ],
    'and problems of each kind',
  );
  t.ok(
    expected.rejected.some((p) => p.code === 'INVALID_ENCODING' && p.byteOffset !== undefined),
    'an undecodable row',
  );
  const byRef = (list: ReadonlyArray<{ caseRef: string }>) => [...list].sort((a, b) => a.caseRef.localeCompare(b.caseRef));
  t.same({ ...report, caseList: byRef(report.caseList) }, { ...expected, caseList: byRef(expected.caseList) }, 'the same report');
  const once = (list: ReadonlyArray<{ caseRef: string }>) => list.filter((c) => !['LF-2', 'TS-39'].includes(c.caseRef));
  t.same(once(report.caseList), once(expected.caseList), 'records listed in the file’s order (those of numbers on several rows last)');
  t.same(await contentOf(parts.store), await contentOf(whole.store), 'the same events in every stream');
  t.ok(progress.length >= 12, 'progress after each part');
  t.same(progress.at(-1), { rows: 303, totalRows: 303, records: report.cases.imported, rejected: report.cases.rejected, events: report.eventsWritten });
  t.ok(parts.store.stats().transactions < report.cases.imported / 4, `appends committed together (${parts.store.stats().transactions} transactions)`);

  const logSize = (await parts.store.readAll()).length;
  const again = await importSummaryInParts(parts.deps, (await readInParts(file, { columns: csvColumnsOf('summary'), rows: 25 }))!, { ...options, window: 64 });
  t.equal(again.eventsWritten, 0, 'a re-run writes nothing');
  t.equal(again.cases.unchanged, report.cases.imported);
  t.equal((await parts.store.readAll()).length, logSize);
});

t.test('reports past their bounds list the first and count the rest', async (t) => {
  const { dir, remove } = await tempDir('import-in-parts-bounds-');
  t.teardown(remove);
  const file = join(dir, 'export.csv');
  await writeFile(file, [HEADER, ...Array.from({ length: 30 }, (_, i) => rowOf(i))].join('\n'));
  const { store, deps } = await openStore(dir, 'events');
  t.teardown(() => store.close());
  const read = async () => (await readInParts(file, { columns: csvColumnsOf('summary'), rows: 7 }))!;
  const options = { timeZone: 'property', dryRun: true, window: 8 };
  const all = await importSummaryInParts(deps, await read(), options);
  const report = await importSummaryInParts(deps, await read(), { ...options, caseListLimit: 5 });
  t.equal(report.cases.imported, 30, 'every record counted');
  t.same(report.caseList, all.caseList.slice(0, 5), 'the first five listed: the limit is the file’s, not a part’s');
  const events = all.caseList.reduce((n, c) => n + c.events, 0);
  t.same(report.caseListOmitted, { cases: 25, events: events - all.caseList.slice(0, 5).reduce((n, c) => n + c.events, 0) });
  const refused = await importSummaryInParts(deps, await read(), { dryRun: true, rejectedLimit: 4 });
  t.equal(refused.rejected.length, 4, 'times without an offset and no time zone: the first four problems listed');
  t.same(
    refused.rejected.map((p) => p.row),
    [1, 1, 1, 1],
  );
  t.ok(refused.rejectedOmitted! > 30, 'the others counted');
  t.match(renderImport(refused), `… and ${refused.rejectedOmitted} more problem(s), not listed`);
  t.match(renderImport(report), new RegExp(`${events} event\\(s\\) would be written`), 'the dry run still says how many events it would write');
});

t.test('memory stays bounded: importing 4N rows holds no more than importing N', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { dir, remove } = await tempDir('import-in-parts-memory-');
  t.teardown(remove);
  const growth = async (rows: number) => {
    const file = join(dir, `export-${rows}.csv`);
    await writeFile(file, [HEADER, ...Array.from({ length: rows }, (_, i) => rowOf(i))].join('\n'));
    const { store, deps } = await openStore(dir, `events-${rows}`);
    try {
      gc();
      const before = process.memoryUsage().heapUsed;
      let peak = 0;
      const inParts = (await readInParts(file, { columns: csvColumnsOf('summary'), rows: 100 }))!;
      const report = await importSummaryInParts(deps, inParts, {
        timeZone: 'property',
        dryRun: true,
        window: 64,
        onProgress: () => {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - before);
        },
      });
      t.equal(report.cases.imported, rows);
      return peak;
    } finally {
      await store.close();
    }
  };
  const n = await growth(500);
  const fourN = await growth(2000);
  t.ok(fourN < 2 * n + 2_000_000, `heap held after a part: ${(n / 1e6).toFixed(1)} MB for N rows, ${(fourN / 1e6).toFixed(1)} MB for 4N`);
});
