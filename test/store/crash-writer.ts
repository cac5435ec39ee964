/**
 * The process the crash test kills: appends for ever, from many concurrent writers so that
 * group commit batches, and prints the id of every acknowledged event on its own line.
 *
 *   node --import tsx test/store/crash-writer.ts <file> <run>
 */
import { createHash } from 'node:crypto';
import { NO_STREAM, type EventToAppend, type ExpectedRevision } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';

const WRITERS = 20;
/** Never outlive a parent that died before it could kill us. */
const SAFETY_EXIT_MS = 20_000;

const [file, runArgument] = process.argv.slice(2);
if (!file || runArgument === undefined) throw new Error('usage: crash-writer.ts <file> <run>');
const run = Number(runArgument);
setTimeout(() => process.exit(2), SAFETY_EXIT_MS).unref();

/** Deterministic ids, as commands derive them: a retry after a crash carries the same ids. */
const eventId = (key: string): string => {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

const streamOf = (runNumber: number, writer: number) => `crash-${runNumber}-w${writer}`;

/** Every third append carries two events, so multi-event appends are crash-tested too. */
const appendAt = (runNumber: number, writer: number, index: number): EventToAppend[] =>
  Array.from({ length: index % 3 === 0 ? 2 : 1 }, (_, part) => ({
    id: eventId(`${runNumber}/${writer}/${index}/${part}`),
    type: 'RepairNoteAdded',
    data: { run: runNumber, writer, index, part, note: '水管爆裂 💧' },
    metadata: { commandId: `${runNumber}/${writer}/${index}` },
  }));

const store = openSqliteEventStore({ file });
const acknowledge = (events: readonly EventToAppend[]) => process.stdout.write(events.map((event) => `${event.id}\n`).join(''));

if (run > 0) {
  // The previous run may have been killed before, during or after its first append: retrying
  // it must either find it stored or store it now, never twice.
  const retried = appendAt(run - 1, 0, 0);
  await store.appendToStream(streamOf(run - 1, 0), retried, { expectedRevision: NO_STREAM });
  acknowledge(retried);
}

await Promise.all(
  Array.from({ length: WRITERS }, async (_, writer) => {
    let expected: ExpectedRevision = NO_STREAM;
    for (let index = 0; ; index += 1) {
      const events = appendAt(run, writer, index);
      expected = (await store.appendToStream(streamOf(run, writer), events, { expectedRevision: expected })).nextRevision;
      acknowledge(events);
    }
  }),
);
