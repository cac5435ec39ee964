import t from 'tap';
import { comparePositions, NO_STREAM } from '../../../src/store/port.js';
import { anEvent, events, freshPrefix, openStore, readOwnLog, type MakeStore } from './fixtures.js';

const revisionsOf = (read: readonly { revision: bigint }[]) => read.map((event) => event.revision);

export const readContract = (name: string, makeStore: MakeStore): void => {
  t.test(`${name}: stream reads forwards, backwards, from, maxCount`, async (t) => {
    const store = await openStore(t, makeStore);
    const stream = `${freshPrefix()}repair-1`;
    await store.appendToStream(stream, events(5), { expectedRevision: NO_STREAM });

    t.same(revisionsOf(await store.readStream(stream)), [0n, 1n, 2n, 3n, 4n]);
    t.same(revisionsOf(await store.readStream(stream, { from: 2n })), [2n, 3n, 4n]);
    t.same(revisionsOf(await store.readStream(stream, { from: 1n, maxCount: 2 })), [1n, 2n]);
    t.same(revisionsOf(await store.readStream(stream, { direction: 'backwards' })), [4n, 3n, 2n, 1n, 0n]);
    t.same(revisionsOf(await store.readStream(stream, { direction: 'backwards', maxCount: 1 })), [4n]);
    t.same(revisionsOf(await store.readStream(stream, { direction: 'backwards', from: 3n, maxCount: 2 })), [3n, 2n]);
    t.same(await store.readStream(stream, { from: 5n }), [], 'past the end of an existing stream: empty');
  });

  t.test(`${name}: reading a missing stream throws StreamNotFoundError`, async (t) => {
    const store = await openStore(t, makeStore);
    const stream = `${freshPrefix()}complaint-none`;
    await t.rejects(store.readStream(stream), { code: 'STREAM_NOT_FOUND', stream });
    await t.rejects(store.readStream(stream, { direction: 'backwards' }), { code: 'STREAM_NOT_FOUND' });
  });

  t.test(`${name}: hasStream tells a stream with events from a missing one, where the store has it`, async (t) => {
    const store = await openStore(t, makeStore);
    if (!store.hasStream) return t.pass('no hasStream: readers read');
    const stream = `${freshPrefix()}complaint-1`;
    t.equal(await store.hasStream(stream), false, 'missing');
    await store.appendToStream(stream, events(2), { expectedRevision: NO_STREAM });
    t.equal(await store.hasStream(stream), true, 'with events');
    t.equal(await store.hasStream(`${stream}0`), false, 'a name it begins is another stream');
    const refused = `${freshPrefix()}complaint-2`;
    await t.rejects(store.appendToStream(refused, events(1), { expectedRevision: 0n }), { code: 'REVISION_CONFLICT' });
    t.equal(await store.hasStream(refused), false, 'an append refused begins no stream');
  });

  t.test(`${name}: the global log keeps append order across streams`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const appended: string[] = [];
    const revisions = new Map<string, bigint>();
    for (const stream of ['a', 'b', 'a', 'c', 'b', 'a'].map((suffix) => `${prefix}${suffix}`)) {
      const batch = events(2);
      const previous = revisions.get(stream);
      const result = await store.appendToStream(stream, batch, { expectedRevision: previous ?? NO_STREAM });
      revisions.set(stream, result.nextRevision);
      appended.push(...batch.map((event) => event.id));
    }
    const log = await readOwnLog(store, prefix);
    t.same(
      log.map((event) => event.id),
      appended,
    );
    t.ok(
      log.every((event, index) => index === 0 || comparePositions(log[index - 1]!.position, event.position) < 0),
      'positions strictly increase',
    );
  });

  t.test(`${name}: readAll from a position is inclusive and honours maxCount`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    await store.appendToStream(`${prefix}a`, events(3), { expectedRevision: NO_STREAM });
    await store.appendToStream(`${prefix}b`, events(3), { expectedRevision: NO_STREAM });
    const log = await readOwnLog(store, prefix);
    const third = log[2]!;

    const fromThird = await store.readAll({ from: third.position });
    t.equal(fromThird[0]?.id, third.id, 'starts with the event at that position');
    t.same(
      fromThird.filter((event) => event.streamName.startsWith(prefix)).map((event) => event.id),
      log.slice(2).map((event) => event.id),
    );
    const two = await store.readAll({ from: third.position, maxCount: 2 });
    t.same(
      two.map((event) => event.id),
      log.slice(2, 4).map((event) => event.id),
    );
    t.same(await store.readAll({ from: third.position, maxCount: 0 }), []);
    t.equal((await store.readAll({ from: 'start', maxCount: 1 })).length, 1);
  });

  t.test(`${name}: readAll with a filter returns only matching events, maxCount of them`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const staff = `${prefix}person-`;
    await store.appendToStream(`${staff}1`, events(2), { expectedRevision: NO_STREAM });
    await store.appendToStream(`${prefix}complaint-1`, events(3), { expectedRevision: NO_STREAM });
    await store.appendToStream(`${staff}2`, events(1), { expectedRevision: NO_STREAM });
    await store.appendToStream(`${staff}1`, events(1), { expectedRevision: 1n });
    const log = await readOwnLog(store, prefix);
    const people = log.filter((event) => event.streamName.startsWith(staff));

    const read = await store.readAll({ filter: { streamPrefixes: [staff] } });
    t.same(
      read.map((event) => event.id),
      people.map((event) => event.id),
      'the person streams, in log order',
    );
    t.same(
      (await store.readAll({ filter: { streamPrefixes: [staff] }, maxCount: 2 })).map((event) => event.id),
      people.slice(0, 2).map((event) => event.id),
      'maxCount counts matching events',
    );
    t.same(
      (await store.readAll({ from: people[2]!.position, filter: { streamPrefixes: [staff] } })).map((event) => event.id),
      people.slice(2).map((event) => event.id),
      'from is inclusive',
    );
    const typed = await store.readAll({ filter: { streamPrefixes: [staff], eventTypes: [people[0]!.type] } });
    t.ok(
      typed.every((event) => event.type === people[0]!.type),
      'types filter too',
    );
    t.same(await store.readAll({ filter: { streamPrefixes: [`${prefix}nobody-`] } }), [], 'no stream: nothing');
  });

  t.test(`${name}: lastPosition is the position of the log's last event the filter matches`, async (t) => {
    const store = await openStore(t, makeStore);
    t.ok(store.lastPosition, 'every adapter reads it');
    const prefix = freshPrefix();
    t.equal(await store.lastPosition!({ streamPrefixes: [`${prefix}complaint-`] }), undefined, 'none yet');
    await store.appendToStream(`${prefix}complaint-1`, events(2), { expectedRevision: NO_STREAM });
    await store.appendToStream(`${prefix}ruleset-1`, events(3), { expectedRevision: NO_STREAM });
    const log = await readOwnLog(store, prefix);
    t.same(await store.lastPosition!({ streamPrefixes: [`${prefix}complaint-`] }), log[1]!.position, 'past the events it does not match');
    t.same(await store.lastPosition!({ streamPrefixes: [prefix] }), log[4]!.position);
  });

  t.test(`${name}: lastRecordedAt is the recordedAt of the log's last event that carries one`, async (t) => {
    const store = await openStore(t, makeStore);
    t.ok(store.lastRecordedAt, 'every adapter reads it');
    const stream = `${freshPrefix()}complaint-1`;
    const at = (recordedAt: string) => anEvent('ComplaintReceived', {}, { recordedAt });
    // Not in time order: the last one counts, not the latest.
    await store.appendToStream(stream, [at('2026-03-02T01:00:00.000Z'), at('2026-03-02T03:00:00.000Z'), at('2026-03-02T02:00:00.000Z')], {
      expectedRevision: NO_STREAM,
    });
    t.equal(await store.lastRecordedAt!(), '2026-03-02T02:00:00.000Z');
    await store.appendToStream(stream, [anEvent('ComplaintNoted', {}, { note: 'no time' })], { expectedRevision: 2n });
    t.equal(await store.lastRecordedAt!(), '2026-03-02T02:00:00.000Z', 'an event without recordedAt is passed over');
  });
};
