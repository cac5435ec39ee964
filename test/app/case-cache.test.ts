import t from 'tap';
import { lifecycle, received } from './received-complaint.js';
import { commandSpan, createCaseCache, extendCachedCase } from '../../src/app/case-cache.js';
import { evolve, initialCaseState } from '../../src/domain/case/state.js';

const state = received.reduce((s, e) => evolve(lifecycle, s, e), initialCaseState(lifecycle));

t.test('a command is indexed with the revisions its events took, unless told otherwise', async (t) => {
  const indexed = extendCachedCase(undefined, received, state);
  t.same(commandSpan(indexed, 'cmd-1'), { first: 0n, last: 0n });
  const unindexed = extendCachedCase(undefined, received, state, { indexCommand: false });
  t.equal(unindexed.commands.size, 0, 'a minted command id takes no room');
  t.equal(unindexed.state.revision, 0n, 'the entry is the same otherwise');
  t.equal(unindexed.lastEventId, received[0]!.id);
});

t.test('the case cache forgets the least recently used case first; 0 remembers nothing', async (t) => {
  const entry = extendCachedCase(undefined, received, state);
  const cache = createCaseCache(2);
  cache.offer('complaint-a', entry);
  cache.offer('complaint-b', entry);
  t.equal(cache.get('complaint-a'), entry, 'a used');
  cache.offer('complaint-c', entry);
  t.equal(cache.get('complaint-b'), undefined, 'b, used least recently, is forgotten');
  t.equal(cache.get('complaint-a'), entry);
  t.equal(cache.size, 2);
  const older = { ...entry, state: { ...entry.state, revision: -1n } };
  cache.offer('complaint-a', older);
  t.equal(cache.get('complaint-a'), entry, 'an entry behind the one held is not taken');
  cache.forget('complaint-a');
  t.equal(cache.get('complaint-a'), undefined);
  const none = createCaseCache(0);
  none.offer('complaint-a', entry);
  t.equal(none.get('complaint-a'), undefined);
  t.equal(none.size, 0);
  t.throws(() => createCaseCache(-1), RangeError);
});
