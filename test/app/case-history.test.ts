import t from 'tap';
import { received } from './received-complaint.js';
import { loadCase, streamName } from '../../src/app/case-history.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { NO_STREAM, type EventStore, type Json } from '../../src/store/port.js';

/** A store that counts its stream reads and the StreamNotFoundErrors they throw. */
const counted = (store: EventStore) => {
  const reads = { all: 0, missing: 0 };
  const readStream: EventStore['readStream'] = async (...args) => {
    reads.all += 1;
    try {
      return await store.readStream(...args);
    } catch (error) {
      reads.missing += 1;
      throw error;
    }
  };
  return { store: { ...store, readStream }, reads };
};

t.test('a case expected to be new is looked for without a read, where the store can tell', async (t) => {
  const { store, reads } = counted(createMemoryEventStore());
  t.teardown(() => store.close());
  const missing = await loadCase(store, 'complaint', 'c0', { probablyNew: true });
  t.same([missing.events, missing.state.revision], [[], null], 'a missing case is an empty one');
  t.same(reads, { all: 0, missing: 0 }, 'no read, no error thrown');
  await store.appendToStream(
    streamName('complaint', 'c1'),
    received.map((e) => ({ id: e.id, type: e.type, data: e.data as Json, metadata: e.metadata as unknown as Json })),
    { expectedRevision: NO_STREAM },
  );
  const found = await loadCase(store, 'complaint', 'c1', { probablyNew: true });
  t.equal(found.events.length, 1, 'an existing case is read whole');
  t.equal(found.state.revision, 0n);
  t.same(reads, { all: 1, missing: 0 });
  const { hasStream: _, ...withoutHasStream } = store;
  const plain = await loadCase(withoutHasStream, 'complaint', 'c0', { probablyNew: true });
  t.same([plain.events, plain.state.revision], [[], null], 'a store without hasStream: read, the missing stream an empty case');
  t.same(reads, { all: 2, missing: 1 });
});
