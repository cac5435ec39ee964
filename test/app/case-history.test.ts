import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { loadCase, streamName } from '../../src/app/case-history.js';
import { decide } from '../../src/domain/case/decide.js';
import { initialCaseState } from '../../src/domain/case/state.js';
import { recordOf } from '../../src/domain/records.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { NO_STREAM, type EventStore, type Json } from '../../src/store/port.js';

const ruleset = await loadRuleset(new URL('../../rules', import.meta.url).pathname);
const lifecycle = recordOf('complaint').lifecycle;
const received = decide(
  lifecycle,
  initialCaseState(lifecycle),
  {
    caseId: 'c1',
    name: 'receive',
    commandId: 'cmd-1',
    actor: { id: 'desk', role: 'frontdesk' },
    payload: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '噪音', channel: 'phone', owner: { name: '业主', phone: '13800000001' } },
  },
  { now: Temporal.Instant.from('2026-03-02T01:00:00Z'), ruleset },
);

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
