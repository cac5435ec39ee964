// The benchmarks' generated log goes through the engine's own decide: a rule the engine gains
// (a technician acts only on their own repairs) must hold in it, or the benchmarks cannot run.
import t from 'tap';
import { generate } from '../../bench/projections-histories.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import type { RecordedEvent } from '../../src/store/port.js';

t.test('the generated histories are accepted by the lifecycles, technicians acting on their own repairs', async (t) => {
  const store = createMemoryEventStore();
  const ruleset = await loadRuleset(new URL('../../rules', import.meta.url).pathname);
  await openRulesetRegistry(store, ruleset);
  await generate(store, ruleset, 300);
  const events: RecordedEvent[] = [];
  for await (const message of store.subscribeToAll({ from: 'start' })) {
    if (message.kind === 'caughtUp') break;
    events.push(message.event);
  }
  const cases = new Set(events.filter((e) => /^(complaint|repair)-b\d+$/.test(e.streamName)).map((e) => e.streamName));
  t.equal(cases.size, 300, 'every case was written');
  const dispatchedTo = new Map<string, string>();
  let technicianSteps = 0;
  const byAnother: string[] = [];
  for (const event of events) {
    const data = event.data as { technicianId?: string };
    const actor = (event.metadata as { actor?: { id: string; role: string } }).actor;
    if (event.type === 'RepairDispatched' && data.technicianId) dispatchedTo.set(event.streamName, data.technicianId);
    if (actor?.role === 'technician') {
      technicianSteps += 1;
      if (actor.id !== dispatchedTo.get(event.streamName)) byAnother.push(`${event.streamName} ${event.type} by ${actor.id}`);
    }
  }
  t.same(byAnother, [], 'every technician step is by the technician dispatched');
  t.ok(technicianSteps > 100, `technicians acted (${technicianSteps} steps)`);
  await store.close();
});
