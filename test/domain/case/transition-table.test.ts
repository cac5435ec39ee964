import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { assign, setup, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { Lifecycle } from '../../../src/domain/case/definition.js';
import { transitionTable } from '../../../src/domain/case/transition-table.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { lifecycle } from '../../../src/domain/case/definition.js';
import { atVersion1 } from '../../../src/domain/events/catalogue.js';
import { complaintCommands } from '../../../src/domain/complaint/commands.js';
import { complaintEventSchemas } from '../../../src/domain/complaint/events.js';
import { applyComplaintEvent } from '../../../src/domain/complaint/facts.js';
import { feeLedgerLifecycle } from '../../../src/domain/fee/lifecycle.js';
import { repairBody, run } from './fixtures.js';
import { complaintGuards, complaintMachine } from '../../../src/domain/complaint/machine.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { repairMachine } from '../../../src/domain/repair/machine.js';

/** Event data drawn from small domains, so that guards (same department, same technician, same class…) go both ways. */
const dataArbitrary = fc.record({
  propertyId: fc.constant('demo'),
  category: fc.constantFrom('noise', 'water'),
  unit: fc.constant('3-2-1201'),
  channel: fc.constant('phone'),
  location: fc.constant('3-2-1201'),
  complexity: fc.constantFrom('general', 'complex'),
  description: fc.constant('x'),
  department: fc.constantFrom('engineering', 'security'),
  technicianId: fc.constantFrom('tech-1', 'tech-2'),
  from: fc.constantFrom('general', 'complex'),
  to: fc.constantFrom('general', 'complex'),
  withoutCallback: fc.boolean(),
  reason: fc.constantFrom('', 'owner unreachable'),
  resolution: fc.constant('done'),
  workDone: fc.constant('done'),
  satisfaction: fc.constantFrom('very_satisfied', 'satisfied', 'neutral', 'dissatisfied'),
  accepted: fc.boolean(),
  clock: fc.constantFrom('response', 'completion'),
  policyId: fc.constant('p'),
  deadline: fc.constant('2026-03-02T03:00:00Z'),
});
const atArbitrary = fc.constantFrom('2026-03-02T01:00:00Z', '2026-03-02T02:30:00Z', '2026-03-03T09:00:00Z');

/**
 * The lifecycle's `next` (the machine read as a table) against XState's own transition, over
 * random histories: each step offers an event the current state handles, or (one time in five)
 * any event of the machine, with data that makes the guards pass or fail.
 */
const agreesWithXstate = <F>(name: string, lifecycle: Lifecycle<F>, machine: AnyStateMachine) =>
  t.test(`${name}: can, handles and next answer as XState does on random histories`, async (t) => {
    const table = transitionTable(machine);
    const allTypes = [...new Set([...table.values()].flatMap((byEvent) => [...byEvent.keys()]))];
    let accepted = 0;
    let refused = 0;
    fc.assert(
      // One event in four comes from a historical import: the transitions only imported events take are held to XState too.
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(4), dataArbitrary, atArbitrary, fc.nat(3)), { minLength: 1, maxLength: 30, size: 'max' }), (steps) => {
        let ours = lifecycle.initial;
        let theirs = machine.resolveState({ value: ours.state, context: ours.facts as never }) as AnyMachineSnapshot;
        for (const [pick, any, data, at, source] of steps) {
          const handled = [...(table.get(ours.state)?.keys() ?? [])];
          const types = any === 0 || handled.length === 0 ? allTypes : handled;
          const event = { type: types[pick % types.length]!, data, at, imported: source === 0 };
          const next = lifecycle.next(ours, event);
          assert.equal(lifecycle.can(ours, event), theirs.can(event as never), `${ours.state} can ${event.type}`);
          assert.equal(
            lifecycle.handles(ours, event.type),
            theirs._nodes.some((node) => node.ownEvents.includes(event.type)),
            `${ours.state} handles ${event.type}`,
          );
          if (!theirs.can(event as never)) {
            assert.equal(next, undefined, `${ours.state} refuses ${event.type}`);
            refused += 1;
            continue;
          }
          theirs = transition(machine, theirs, event as never)[0] as AnyMachineSnapshot;
          assert.ok(next, `${ours.state} accepts ${event.type}`);
          assert.equal(next.state, String(theirs.value));
          assert.equal(next.done, theirs.status === 'done');
          assert.deepEqual(next.facts, theirs.context);
          assert.equal(JSON.stringify(next.facts), JSON.stringify(theirs.context), 'the facts in the same key order');
          accepted += 1;
          ours = next;
        }
      }),
      { numRuns: 400 },
    );
    t.ok(accepted > 1000 && refused > 100, `${accepted} transitions taken and ${refused} refused alike`);
  });

const NOW = '2026-03-02T01:00:00Z';
const complaintOptions = {
  caseType: 'complaint',
  machine: complaintMachine,
  events: atVersion1(complaintEventSchemas),
  commands: complaintCommands,
  guards: complaintGuards,
  apply: applyComplaintEvent,
};

agreesWithXstate('complaint', complaintLifecycle, complaintMachine);
agreesWithXstate('repair', repairLifecycle, repairMachine);

t.test('restore names the state and whether it is final', async (t) => {
  t.same(complaintLifecycle.restore('closed', complaintLifecycle.initial.facts), { state: 'closed', facts: complaintLifecycle.initial.facts, done: true });
  t.equal(repairLifecycle.restore('paused', repairLifecycle.initial.facts).done, false);
  t.throws(() => repairLifecycle.restore('lost', repairLifecycle.initial.facts), /repair has no state lost/);
});

t.test('a machine the table cannot read is refused, with the reason', async (t) => {
  const base = setup({
    types: { context: {} as { n: number } },
    actions: { record: assign(({ context }) => ({ n: context.n + 1 })), log: () => {} },
    guards: { yes: () => true },
  });
  const refused = (machine: AnyStateMachine, reason: RegExp) => t.throws(() => transitionTable(machine), reason);
  refused(base.createMachine({ id: 'm', context: { n: 0 }, initial: 'a', states: { a: { entry: 'record' } } }), /state a is not a plain atomic state/);
  refused(
    base.createMachine({ id: 'm', context: { n: 0 }, initial: 'a', states: { a: { initial: 'b', states: { b: {} } } } }),
    /state a is not a plain atomic state/,
  );
  refused(base.createMachine({ id: 'm', context: { n: 0 }, initial: 'a', states: { a: { on: { '*': { actions: 'record' } } } } }), /wildcard/);
  refused(
    base.createMachine({ id: 'm', context: { n: 0 }, initial: 'a', states: { a: { on: { E: { actions: 'log' } } } } }),
    /an action of a on E is not "record"/,
  );
  refused(
    base.createMachine({ id: 'm', context: { n: 0 }, initial: 'a', states: { a: { on: { E: { target: 'a', guard: { type: 'yes', params: {} } } } } } }),
    /not named/,
  );
  refused(
    base.createMachine({ id: 'm', context: { n: 0 }, initial: 'a', on: { E: { actions: 'record' } }, states: { a: {} } }),
    /the root has behaviour of its own/,
  );
  refused(
    base.createMachine({ id: 'm', context: { n: 0 }, initial: 'a', states: { a: { on: { E: { target: '#m.a' } } } } }),
    /does not target one sibling state/,
  );
  const plain = transitionTable(
    base.createMachine({
      id: 'm',
      context: { n: 0 },
      initial: 'a',
      states: { a: { on: { E: { target: 'b', guard: 'yes', actions: 'record' } } }, b: { type: 'final' } },
    }),
  );
  t.same([...plain.get('a')!.keys()], ['E']);
  t.same(
    plain
      .get('a')!
      .get('E')!
      .map((edge) => [edge.guardName, edge.target, edge.records]),
    [['yes', 'b', true]],
    'the edge names its guard, its target and that it records',
  );
});

t.test('a lifecycle whose guards and rules disagree is refused', async (t) => {
  const extra = { ...complaintGuards, unused: { test: () => true } };
  t.throws(() => lifecycle({ ...complaintOptions, guards: extra }), /guard unused is declared but no transition uses it/);
  const { otherDepartment: _dropped, ...missing } = complaintGuards;
  t.throws(() => lifecycle({ ...complaintOptions, guards: missing as never }), /guard otherDepartment has no rule/);
});

t.test('what may be done now comes from the guards, and a refusal names the failing one', async (t) => {
  const bill = { name: 'bill', payload: { propertyId: 'demo', unit: '3-2-1201', period: '2026-03', amountFen: 10_000, dueDate: '2026-03-31' }, now: NOW };
  const waived = run(feeLedgerLifecycle, [bill, { name: 'waive', payload: { amountFen: 10_000, reason: '空置房减免' }, now: NOW }]).state;
  const paid = run(feeLedgerLifecycle, [bill, { name: 'pay', payload: { amountFen: 10_000, method: 'cash' }, now: NOW }]).state;
  t.equal(waived.snapshot.state, 'settled');
  t.notOk(feeLedgerLifecycle.allows(waived.snapshot, 'FeeRefunded'), 'nothing collected: no refund could pass its guard');
  t.ok(feeLedgerLifecycle.allows(paid.snapshot, 'FeeRefunded'), 'something collected: a refund could');
  const { state } = run(repairLifecycle, [
    { name: 'report', payload: repairBody, now: NOW },
    { name: 'dispatch', payload: { technicianId: 'tech-7' }, now: NOW },
  ]);
  t.ok(repairLifecycle.allows(state.snapshot, 'RepairDispatched'), 'a re-dispatch is allowed: another technician could be named');
  t.equal(
    repairLifecycle.refusal(state.snapshot, { type: 'RepairDispatched', data: { technicianId: 'tech-7' }, at: NOW }),
    'the repair is already with that technician',
  );
  t.equal(
    repairLifecycle.refusal(state.snapshot, { type: 'RepairDispatched', data: { technicianId: 'tech-8' }, at: NOW }),
    undefined,
    'no refusal for a payload the guard passes',
  );
});
