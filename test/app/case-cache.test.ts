import t from 'tap';
import { commandSpan, extendCachedCase } from '../../src/app/case-cache.js';
import { lifecycles } from '../../src/app/case-history.js';
import { decide } from '../../src/domain/case/decide.js';
import { evolve, initialCaseState } from '../../src/domain/case/state.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { Temporal } from 'temporal-polyfill';

const ruleset = await loadRuleset(new URL('../../rules', import.meta.url).pathname);
const lifecycle = lifecycles.complaint;
const received = decide(lifecycle, initialCaseState(lifecycle), {
  caseId: 'c1', name: 'receive', commandId: 'cmd-1', actor: { id: 'desk', role: 'frontdesk' },
  payload: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '噪音', channel: 'phone', owner: { name: '业主', phone: '13800000001' } },
}, { now: Temporal.Instant.from('2026-03-02T01:00:00Z'), ruleset });
const state = received.reduce((s, e) => evolve(lifecycle, s, e), initialCaseState(lifecycle));

t.test('a command is indexed with the revisions its events took, unless told otherwise', async (t) => {
  const indexed = extendCachedCase(undefined, received, state);
  t.same(commandSpan(indexed, 'cmd-1'), { first: 0n, last: 0n });
  const unindexed = extendCachedCase(undefined, received, state, { indexCommand: false });
  t.equal(unindexed.commands.size, 0, 'a minted command id takes no room');
  t.equal(unindexed.state.revision, 0n, 'the entry is the same otherwise');
  t.equal(unindexed.lastEventId, received[0]!.id);
});
