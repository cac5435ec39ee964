import t from 'tap';
import { kpiIds } from '../../src/domain/ruleset/schema.js';
import { recordOf, records, recordTypes, rulesetOf } from '../../src/domain/records.js';
import { sampleRuleset } from './case/fixtures.js';

/**
 * The registry keeps every record type whole: a descriptor missing a part its generic readers
 * need (a label for a state the page shows, a KPI the agreement names, a milestone the rules may
 * name) fails here, as a part of the wrong shape fails to compile.
 */
for (const type of recordTypes) {
  const record = recordOf(type);
  t.test(`${type}: the descriptor is whole`, async (t) => {
    t.equal(record.type, type, 'filed under its own id');
    t.equal(record.lifecycle.caseType, type, 'its lifecycle is its own');
    t.match(record.segment, /^[a-z][a-z-]*$/, 'its collection is a URL segment');
    const states = record.lifecycle.states;
    for (const state of states) t.ok((record.labels.states as Record<string, unknown>)[state], `state ${state} has a label`);
    for (const state of record.endedStates) t.ok(states.includes(state), `ended state ${state} is a state of the lifecycle`);
    for (const state of record.rules.pausableStates) t.ok(states.includes(state), `pausable state ${state} is a state of the lifecycle`);
    const eventTypes = Object.keys(record.events.schemas);
    for (const type of eventTypes) t.ok(record.labels.events[type], `event ${type} has a label`);
    for (const command of record.lifecycle.commands) {
      t.ok(record.labels.actions[command.name], `action ${command.name} has a label`);
      for (const emitted of command.emits) t.ok(eventTypes.includes(emitted), `${command.name} emits ${emitted}, an event of the type`);
    }
    t.same([...record.rules.milestones].sort(), Object.keys(record.clocks.milestones).sort(), 'the rules may name exactly the milestones its clocks answer');
    for (const id of Object.keys(record.kpi.definitions)) t.ok((kpiIds as readonly string[]).includes(id), `KPI ${id} is one the agreement may name`);
  });
}

t.test('the registry: unique collections, every KPI defined once, and the sample rules accepted', async (t) => {
  const segments = recordTypes.map((type) => records[type].segment);
  t.equal(new Set(segments).size, segments.length, 'no two types share a collection');
  const defined = recordTypes.flatMap((type) => Object.keys(records[type].kpi.definitions));
  t.equal(new Set(defined).size, defined.length, 'no KPI is defined by two types');
  t.equal(rulesetOf(sampleRuleset.files).version, sampleRuleset.version, "the registry's vocabulary reads the sample ruleset");
});

t.test('a rules file naming a record type the registry does not know is refused, naming the file and path', async (t) => {
  const sla = sampleRuleset.files['sla.yaml'] as { policies: Array<Record<string, unknown>> };
  const files = { ...sampleRuleset.files, 'sla.yaml': { policies: [{ ...sla.policies[0], caseType: 'parcel' }, ...sla.policies.slice(1)] } };
  t.throws(() => rulesetOf(files), /sla\.yaml.*policies\[0\]\.caseType.*unknown record type "parcel"/s);
});
