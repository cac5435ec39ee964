/**
 * A migration's import against the store's own write rate: a summary CSV of closed complaints and
 * repairs (one row a record, about 6.5 events each) imported through the entry point a migrator
 * runs, `npm run import -- FILE --format summary` (the CLI's import with its heap limits, in its own
 * process, into a fresh data directory), set beside plain appends of the same events into a bare SQLite store measured in
 * the same run: one record after the other (how the import wrote before it pipelined), and with as
 * many records in flight as the import keeps (the store's ceiling for that window). What `npm run
 * import` does before its node command (compiling the CLI) is done first, untimed.
 *
 *   npm run bench:import                    (BENCH_ROWS=170000: about 1.1 million events)
 *   BENCH_ROWS=20000 npm run bench:import   (a quick run)
 *   BENCH_BASELINE_EVENTS=30000             (events the baselines append; fewer when the import wrote fewer)
 *
 * Goals: ≥ 20,000 events/s written by the import; peak RSS of the import's process ≤ 256 MB,
 * whatever the file's size (the file is read in parts: src/audit/import/stream-rows.ts).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { IMPORT_WINDOW, inWindow } from '../src/audit/import/pipeline.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { NO_STREAM, type EventToAppend, type Json, type Position } from '../src/store/port.js';
import { RULES_DIR } from './repository.js';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));

const ROWS = Number(process.env.BENCH_ROWS ?? 170_000);
const BASELINE_EVENTS = Number(process.env.BENCH_BASELINE_EVENTS ?? 30_000);
const GOAL_EVENTS_PER_SECOND = 20_000;
const GOAL_RSS_MB = 256;

const HEADER =
  'type,number,propertyId,unit,category,description,receivedAt,channel,ownerName,ownerPhone,department,technician,complexity,acknowledgedAt,dispatchedAt,arrivedAt,completedAt,callbackAt,satisfaction,closedAt';
const COMPLAINT_CATEGORIES = ['噪音扰民', '环境卫生', '停车管理', '设施设备'];
const REPAIR_CATEGORIES = ['给排水', '电气照明', '门窗门锁', '公共设施'];

const pad = (n: number) => String(n).padStart(2, '0');
/** A local time as exports write it (no offset): read in the property's zone by `--time-zone property`. */
const local = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};
const MINUTE = 60_000;

/** Row i: a closed complaint (6 events) or a closed repair (7 events), received a few minutes after row i-1, from 2019 on. */
const rowOf = (i: number): string => {
  const received = Date.UTC(2019, 0, 1, 8) + i * 7 * MINUTE;
  const at = (minutes: number) => local(received + minutes * MINUTE);
  const unit = `${1 + (i % 9)}-${1 + (i % 3)}-${100 + (i % 30)}`;
  const phone = `138${String(i).padStart(8, '0')}`;
  if (i % 2 === 0) {
    const category = COMPLAINT_CATEGORIES[i % COMPLAINT_CATEGORIES.length];
    return `投诉,TS-${i},demo,${unit},${category},业主反映问题 ${i},${at(0)},电话,王先生,${phone},工程部,,,${at(10)},${at(30)},,${at(600)},${at(1500)},满意,${at(1530)}`;
  }
  const category = REPAIR_CATEGORIES[i % REPAIR_CATEGORIES.length];
  return `报修,BX-${i},demo,${unit},${category},报修内容 ${i},${at(0)},,李女士,${phone},,tech-${1 + (i % 40)},一般,${at(20)},${at(15)},${at(60)},${at(180)},${at(1500)},非常满意,${at(1530)}`;
};

const generate = async (file: string, rows: number) => {
  const out = createWriteStream(file);
  out.write(`${HEADER}\n`);
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${rowOf(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
};

/**
 * `npm run import` as package.json gives it: the steps before its node command (compiling the CLI),
 * and that command's arguments (its heap limits, then the CLI's import command).
 */
const importScript = async (): Promise<{ before: string[]; env: Record<string, string>; node: string[] }> => {
  const scripts = JSON.parse(await readFile(join(REPOSITORY, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const steps = scripts.import!.split(' && ');
  const words = steps.at(-1)!.split(' ');
  // NAME=value words before the command are its environment (MALLOC_ARENA_MAX).
  const env = Object.fromEntries(
    words.filter((word, i) => i < words.indexOf('node') && /^[A-Z_]+=/.test(word)).map((word) => word.split('=', 2) as [string, string]),
  );
  const [node, ...args] = words.slice(Object.keys(env).length);
  if (node !== 'node') throw new Error(`npm run import does not end in a node command: ${scripts.import}`);
  return { before: steps.slice(0, -1), env, node: args.map((arg) => (arg.endsWith('.ts') ? join(REPOSITORY, arg) : arg)) };
};

/** The steps `npm run import` takes before its node command, run once before the import is timed. */
const prepareImport = async () => {
  for (const step of (await importScript()).before) {
    const child = spawn(step, {
      cwd: REPOSITORY,
      shell: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, PATH: `${join(REPOSITORY, 'node_modules/.bin')}:${process.env.PATH}` },
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`${step} exited with ${code}`);
  }
};

/** The CLI's import in its own process: its wall time, its final progress line, its peak RSS (VmHWM, read while it runs). */
const runImport = async (file: string, dataDir: string) => {
  const script = await importScript();
  const started = performance.now();
  const child = spawn(process.execPath, [...script.node, file, '--format', 'summary', '--time-zone', 'property'], {
    cwd: REPOSITORY,
    env: { ...process.env, ...script.env, DATA_DIR: dataDir, RULES_DIR, EVENTSTORE_CONNECTION_STRING: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let peakKb = 0;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // the process has ended
    }
  };
  const sampler = setInterval(() => void sample(), 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`the import exited with ${code}\n${stdout.slice(0, 2000)}\n${stderr.slice(-2000)}`);
  return { seconds, line: stderr.trim().split('\n').at(-1) ?? '', summary: stdout.split('\n')[0] ?? '', peakMb: peakKb / 1024 };
};

/** The imported events, record by record, read back from the import's store: what the baselines append. */
const recordsOf = async (dataDir: string, limit: number) => {
  const store = openSqliteEventStore({ file: join(dataDir, 'events.db') });
  const records: Array<{ stream: string; events: EventToAppend[] }> = [];
  let count = 0;
  try {
    let from: Position | 'start' = 'start';
    for (;;) {
      const page = await store.readAll({ from, maxCount: 5_000 });
      // A page starts at `from`, which the page before ended with.
      for (const e of from === 'start' ? page : page.slice(1)) {
        if (!e.streamName.startsWith('complaint-') && !e.streamName.startsWith('repair-')) continue;
        const last = records.at(-1);
        const event: EventToAppend = { id: e.id, type: e.type, data: e.data as Json, metadata: e.metadata as Json };
        if (last?.stream === e.streamName) last.events.push(event);
        else if (count < limit) records.push({ stream: e.streamName, events: [event] });
        else return { records, events: count };
        count += 1;
      }
      if (page.length < 5_000) break;
      from = page.at(-1)!.position;
    }
  } finally {
    await store.close();
  }
  return { records, events: count };
};

/** The same records appended into a bare store, `window` of them in flight at once (1: one after the other). */
const appendBaseline = async (dir: string, records: Array<{ stream: string; events: EventToAppend[] }>, window: number) => {
  const store = openSqliteEventStore({ file: join(dir, `baseline-${window}.db`) });
  const started = performance.now();
  try {
    await inWindow(
      records,
      window,
      (r) => store.appendToStream(r.stream, r.events, { expectedRevision: NO_STREAM }),
      () => undefined,
    );
    return { seconds: (performance.now() - started) / 1000, transactions: store.stats().transactions };
  } finally {
    await store.close();
  }
};

const main = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-import-'));
  try {
    const file = join(dir, 'summary.csv');
    const generatedAt = performance.now();
    await generate(file, ROWS);
    const bytes = (await stat(file)).size;
    console.error(`generated ${ROWS} rows (${(bytes / 1e6).toFixed(0)} MB) in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s`);
    await prepareImport();
    const load = loadavg()[0]!;
    const imported = await runImport(file, join(dir, 'data'));
    const events = Number(/(\d+) event\(s\) written/.exec(imported.summary)?.[1] ?? 0);
    const { records, events: baselineEvents } = await recordsOf(join(dir, 'data'), BASELINE_EVENTS);
    const sequential = await appendBaseline(dir, records, 1);
    const windowed = await appendBaseline(dir, records, IMPORT_WINDOW);
    const rate = (n: number, s: number) => Math.round(n / s);
    const importRate = rate(events, imported.seconds);
    const f = (n: number) => n.toLocaleString('en');
    console.log(`load average (1 min) at the start: ${load.toFixed(1)} on 2 cores`);
    console.log(`import (npm run import -- FILE --format summary --time-zone property): ${imported.summary}`);
    console.log(`  ${f(ROWS)} rows, ${f(events)} events in ${imported.seconds.toFixed(1)} s (process start included)`);
    console.log(`  ${f(importRate)} events/s, ${f(rate(ROWS, imported.seconds))} rows/s (goal ≥ ${f(GOAL_EVENTS_PER_SECOND)} events/s)`);
    console.log(`  peak RSS ${imported.peakMb.toFixed(0)} MB (goal ≤ ${GOAL_RSS_MB} MB)`);
    console.log(`  its own line: ${imported.line}`);
    const sequentialRate = rate(baselineEvents, sequential.seconds);
    const windowedRate = rate(baselineEvents, windowed.seconds);
    console.log(
      `bare store, records one after the other: ${f(baselineEvents)} events in ${sequential.seconds.toFixed(1)} s, ${f(sequentialRate)} events/s (${f(sequential.transactions)} transactions)`,
    );
    console.log(
      `bare store, ${IMPORT_WINDOW} records in flight:    ${f(baselineEvents)} events in ${windowed.seconds.toFixed(1)} s, ${f(windowedRate)} events/s (${f(windowed.transactions)} transactions)`,
    );
    console.log(`import / appends one after the other: ${(importRate / sequentialRate).toFixed(2)}`);
    console.log(`import / appends ${IMPORT_WINDOW} in flight: ${(importRate / windowedRate).toFixed(2)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

await main();
