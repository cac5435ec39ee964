import t from 'tap';
import { isRevisionConflict, isStreamNotFound } from '../../../src/store/errors.js';
import { comparePositions, NO_STREAM, type EventStore, type EventToAppend, type ExpectedRevision, type RecordedEvent } from '../../../src/store/port.js';
import { anEvent, countEvents, deliveredEvents, freshPrefix, openStore, pullUntil, readOwnLog, type MakeStore } from './fixtures.js';

const WRITERS = 10;
const APPENDS_PER_WRITER = 1_000;
const OWN_STREAMS_PER_WRITER = 5;
/** Every SHARED_EVERY-th append of a writer goes to the stream all writers contend for. */
const SHARED_EVERY = 10;

const lastRevision = async (store: EventStore, stream: string): Promise<ExpectedRevision> => {
  try {
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    return last?.revision ?? NO_STREAM;
  } catch (error) {
    if (isStreamNotFound(error)) return NO_STREAM;
    throw error;
  }
};

/** Read, append at the revision read, and on a conflict read again: what a command handler does. */
const appendWithRetries = async (store: EventStore, stream: string, event: EventToAppend): Promise<number> => {
  for (let conflicts = 0; ; conflicts += 1) {
    try {
      await store.appendToStream(stream, [event], { expectedRevision: await lastRevision(store, stream) });
      return conflicts;
    } catch (error) {
      if (!isRevisionConflict(error)) throw error;
    }
  }
};

const runWriter = async (store: EventStore, prefix: string, writer: number) => {
  const written: string[] = [];
  const revisions = new Map<string, bigint>();
  let conflicts = 0;
  for (let index = 0; index < APPENDS_PER_WRITER; index += 1) {
    const event = anEvent('RepairNoteAdded', { writer, index });
    written.push(event.id);
    if (index % SHARED_EVERY === SHARED_EVERY - 1) {
      conflicts += await appendWithRetries(store, `${prefix}shared`, event);
      continue;
    }
    const stream = `${prefix}w${writer}-${index % OWN_STREAMS_PER_WRITER}`;
    const result = await store.appendToStream(stream, [event], { expectedRevision: revisions.get(stream) ?? NO_STREAM });
    revisions.set(stream, result.nextRevision);
  }
  return { written, conflicts };
};

// Large lists are compared as joined strings: tap's structural diff is slow on 10,000 items.
const idsInOrder = (events: readonly RecordedEvent[]) => events.map((event) => event.id).join();
const sortedIds = (events: readonly RecordedEvent[]) =>
  events
    .map((event) => event.id)
    .sort()
    .join();

export const concurrencyContract = (name: string, makeStore: MakeStore): void => {
  t.test(`${name}: ${WRITERS} concurrent writers lose and duplicate nothing`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const total = WRITERS * APPENDS_PER_WRITER;
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const live = pullUntil(subscription[Symbol.asyncIterator](), countEvents(total));

    const writers = await Promise.all(Array.from({ length: WRITERS }, (_, writer) => runWriter(store, prefix, writer)));
    const expectedIds = writers.flatMap((writer) => writer.written);
    t.comment(`${writers.reduce((sum, writer) => sum + writer.conflicts, 0)} conflicts on the shared stream, retried`);

    const log = await readOwnLog(store, prefix);
    t.equal(log.length, total, 'every append stored');
    t.equal(new Set(log.map((event) => event.id)).size, total, 'no event stored twice');
    t.equal(sortedIds(log), [...expectedIds].sort().join(), 'exactly the events written');

    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of log) byStream.set(event.streamName, [...(byStream.get(event.streamName) ?? []), event]);
    t.equal(byStream.get(`${prefix}shared`)?.length, total / SHARED_EVERY, 'every shared append stored once');
    const contiguous = [...byStream.values()].every((stream) => stream.every((event, index) => event.revision === BigInt(index)));
    t.ok(contiguous, 'every stream has revisions 0..n-1 in log order');
    if (store.knownRevision) {
      const claims = [...byStream].map(([stream, stored]) => [store.knownRevision!(stream), stored.length - 1]);
      t.ok(
        claims.every(([known, last]) => known === undefined || known === BigInt(last!)),
        'a revision the store knows without reading is the last one stored',
      );
      t.ok(
        claims.some(([known]) => known !== undefined),
        'and it knows the streams it wrote',
      );
    }
    for (const [writer, { written }] of writers.entries()) {
      const own = log.filter((event) => event.streamName.startsWith(`${prefix}w${writer}-`)).map((event) => event.id);
      t.equal(own.join(), written.filter((_, index) => index % SHARED_EVERY !== SHARED_EVERY - 1).join(), `writer ${writer}'s order kept`);
    }

    const delivered = deliveredEvents(await live);
    await subscription.unsubscribe();
    t.equal(idsInOrder(delivered), idsInOrder(log), 'a live subscriber saw every event once, in order');
    t.ok(
      delivered.every((event, index) => index === 0 || comparePositions(delivered[index - 1]!.position, event.position) < 0),
      'delivered positions strictly increase',
    );
  });
};
