import t from 'tap';
import { isEventTooLarge, isRevisionConflict, isStoreUnavailable, isStreamNotFound } from '../../../src/store/errors.js';
import { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedRevision } from '../../../src/store/port.js';
import { anEvent, events, freshPrefix, openStore, readOwnLog, type Capabilities, type MakeStore } from './fixtures.js';

const conflictOf = (expected: ExpectedRevision, actual: bigint | undefined) => ({ code: 'REVISION_CONFLICT', expected, actual });

export const appendContract = (name: string, makeStore: MakeStore, capabilities: Capabilities): void => {
  t.test(`${name}: appended events read back as written`, async (t) => {
    const store = await openStore(t, makeStore);
    const stream = `${freshPrefix()}complaint-1`;
    const written = [anEvent('ComplaintReceived', { unit: '3-1201' }, { user: 'desk-7' }), anEvent('ComplaintAssigned', { to: 'li' })];
    const result = await store.appendToStream(stream, written, { expectedRevision: NO_STREAM });
    t.equal(result.nextRevision, 1n);
    const read = await store.readStream(stream);
    t.same(
      read.map(({ id, type, data, metadata, streamName, revision }) => ({ id, type, data, metadata, streamName, revision })),
      written.map((event, index) => ({ ...event, streamName: stream, revision: BigInt(index) })),
    );
    t.same(read[1]!.position, result.position, 'the result carries the position of the last event');
  });

  t.test(`${name}: expected revision sentinels`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const stream = `${prefix}repair-1`;
    const missing = `${prefix}repair-missing`;

    await t.rejects(store.appendToStream(missing, [anEvent()], { expectedRevision: STREAM_EXISTS }), conflictOf(STREAM_EXISTS, undefined));
    await t.rejects(store.appendToStream(missing, [anEvent()], { expectedRevision: 0n }), conflictOf(0n, undefined));
    t.equal((await store.appendToStream(stream, [anEvent()], { expectedRevision: NO_STREAM })).nextRevision, 0n);
    await t.rejects(store.appendToStream(stream, [anEvent()], { expectedRevision: NO_STREAM }), conflictOf(NO_STREAM, 0n));
    t.equal((await store.appendToStream(stream, [anEvent()], { expectedRevision: STREAM_EXISTS })).nextRevision, 1n);
    t.equal((await store.appendToStream(stream, [anEvent()], { expectedRevision: 1n })).nextRevision, 2n);
    await t.rejects(store.appendToStream(stream, [anEvent()], { expectedRevision: 1n }), conflictOf(1n, 2n));
    await t.rejects(store.appendToStream(stream, [anEvent()], { expectedRevision: 7n }), conflictOf(7n, 2n));
    t.equal((await store.appendToStream(stream, [anEvent()], { expectedRevision: ANY })).nextRevision, 3n);
    t.equal((await store.appendToStream(`${prefix}repair-2`, [anEvent()], { expectedRevision: ANY })).nextRevision, 0n);

    const conflict = await store.appendToStream(stream, [anEvent()], { expectedRevision: 0n }).catch((error: unknown) => error);
    t.ok(isRevisionConflict(conflict), 'the type guard recognises the conflict');
    t.equal((await store.readStream(stream)).length, 4, 'refused appends wrote nothing');
    await t.rejects(store.readStream(missing), { code: 'STREAM_NOT_FOUND' });
  });

  t.test(`${name}: a retried append writes nothing and returns the original result`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const stream = `${prefix}complaint-1`;
    const first = events(2);
    const original = await store.appendToStream(stream, first, { expectedRevision: NO_STREAM });
    t.same(await store.appendToStream(stream, first, { expectedRevision: NO_STREAM }), original);

    const second = events(3);
    const next = await store.appendToStream(stream, second, { expectedRevision: original.nextRevision });
    t.same(await store.appendToStream(stream, second, { expectedRevision: original.nextRevision }), next);
    t.same(await store.appendToStream(stream, second, { expectedRevision: ANY }), next);
    t.equal((await readOwnLog(store, prefix)).length, 5, 'each event stored once');
  });

  if (capabilities.uniqueEventIds) {
    t.test(`${name}: an event id is stored once across the whole log`, async (t) => {
      const store = await openStore(t, makeStore);
      const prefix = freshPrefix();
      const stream = `${prefix}complaint-1`;
      const stored = events(3);
      const { nextRevision } = await store.appendToStream(stream, stored, { expectedRevision: NO_STREAM });
      await t.rejects(
        store.appendToStream(`${prefix}complaint-2`, stored, { expectedRevision: NO_STREAM }),
        { code: 'REVISION_CONFLICT' },
        'the same events in another stream are refused',
      );
      await t.rejects(
        store.appendToStream(stream, [stored[2]!, anEvent()], { expectedRevision: nextRevision }),
        { code: 'REVISION_CONFLICT' },
        'an append that repeats part of the stream is refused',
      );
      t.equal((await readOwnLog(store, prefix)).length, 3, 'refused retries wrote nothing');
    });
  }

  t.test(`${name}: an event over the size limit is refused and nothing is written`, async (t) => {
    const store = await openStore(t, makeStore);
    const stream = `${freshPrefix()}complaint-big`;
    const huge = anEvent('ComplaintReceived', { text: 'x'.repeat(1024 * 1024 + 1) });
    const tooLarge = await store.appendToStream(stream, [anEvent(), huge], { expectedRevision: NO_STREAM }).catch((e: unknown) => e);
    t.ok(isEventTooLarge(tooLarge), 'EventTooLargeError');
    const notFound = await store.readStream(stream).catch((e: unknown) => e);
    t.ok(isStreamNotFound(notFound), 'not even the small event of that append was written');
    const large = anEvent('ComplaintReceived', { text: '漏'.repeat(100_000) });
    await store.appendToStream(stream, [large], { expectedRevision: NO_STREAM });
    t.same((await store.readStream(stream))[0]!.data, large.data, 'an event under the limit is stored');
  });

  t.test(`${name}: unicode round-trips exactly`, async (t) => {
    const store = await openStore(t, makeStore);
    const stream = `${freshPrefix()}投诉-楼上漏水-🏠`;
    const text = {
      complaint: '业主投诉：12 楼卫生间漏水，已影响楼下天花板。',
      emoji: '🏠💧🔧👷‍♀️🇨🇳',
      astral: '𠀋𡈽𝄞𝒳',
      quotes: '"\\\n\t\u0000\u2028',
      nested: { 维修: ['上门', '更换阀门'], 满意度: 5 },
    };
    const written = anEvent('维修完成', text, { user: '张三', note: '𩸽' });
    await store.appendToStream(stream, [written], { expectedRevision: NO_STREAM });
    const [read] = await store.readStream(stream);
    t.equal(read?.streamName, stream);
    t.equal(read?.type, written.type);
    t.same(read?.data, written.data);
    t.same(read?.metadata, written.metadata);
    t.equal(JSON.stringify(read?.data), JSON.stringify(written.data), 'byte for byte');
  });

  t.test(`${name}: a closed store refuses calls as unavailable`, async (t) => {
    const store = await openStore(t, makeStore);
    const stream = `${freshPrefix()}complaint-1`;
    const pending = store.appendToStream(stream, [anEvent()], { expectedRevision: NO_STREAM });
    await store.close();
    t.equal((await pending).nextRevision, 0n, 'an append accepted before close completes');
    const refused = await store.appendToStream(stream, [anEvent()], { expectedRevision: ANY }).catch((e: unknown) => e);
    t.ok(isStoreUnavailable(refused), 'append after close');
    t.ok(isStoreUnavailable(await store.readAll().catch((e: unknown) => e)), 'read after close');
  });
};
