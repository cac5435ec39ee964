/**
 * Durable appends on the SQLite event store: group commit against one transaction per append.
 * Both run with the same durability (WAL, synchronous=FULL), the same 50 concurrent callers
 * appending single events to their own streams at the exact revision, on fresh temp files,
 * in the same run, so the ratio holds on whatever disk this runs on.
 *
 *   npm run bench:store            (BENCH_SECONDS=5 for longer runs)
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_STREAM, type ExpectedRevision } from '../src/store/port.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';

const CALLERS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

interface Measurement {
  readonly label: string;
  readonly appendsPerSecond: number;
  readonly transactions: number;
  readonly appends: number;
  readonly p99Ms: number;
}

const measure = async (label: string, maxBatch: number | undefined): Promise<Measurement> => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
  const store = openSqliteEventStore({ file: join(dir, 'events.db'), maxBatch });
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + SECONDS * 1000;

  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      let expectedRevision: ExpectedRevision = NO_STREAM;
      while (performance.now() < deadline) {
        const before = performance.now();
        const event = { id: randomUUID(), type: 'ComplaintNoteAdded', data: { caller, note: '业主来电催促维修进度' }, metadata: { user: 'desk-1' } };
        ({ nextRevision: expectedRevision } = await store.appendToStream(`complaint-${caller}`, [event], { expectedRevision }));
        latencies.push(performance.now() - before);
      }
    }),
  );

  const elapsedSeconds = (performance.now() - started) / 1000;
  const { appends, transactions } = store.stats();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    label,
    appendsPerSecond: appends / elapsedSeconds,
    transactions,
    appends,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
};

const report = ({ label, appendsPerSecond, transactions, appends, p99Ms }: Measurement) =>
  console.log(
    `${label.padEnd(34)} ${appendsPerSecond.toFixed(0).padStart(8)} appends/s  ` +
      `${(appends / transactions).toFixed(1).padStart(6)} appends/transaction  p99 ${p99Ms.toFixed(2)} ms`,
  );

console.log(`SQLite event store, WAL + synchronous=FULL, ${CALLERS} concurrent callers, ${SECONDS} s each`);
const baseline = await measure('one transaction per append', 1);
report(baseline);
const grouped = await measure('group commit', undefined);
report(grouped);
console.log(`ratio: ${(grouped.appendsPerSecond / baseline.appendsPerSecond).toFixed(1)}x (goal >= 3x)`);
