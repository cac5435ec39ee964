import { getShortestPaths } from '@xstate/graph';
import t from 'tap';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { Lifecycle } from '../../../src/domain/case/definition.js';
import { allowedCommands } from '../../../src/domain/case/decide.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { complaintMachine } from '../../../src/domain/complaint/machine.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { repairMachine } from '../../../src/domain/repair/machine.js';
import { complaintBody, repairBody, rulesetWithFollowUp, run } from './fixtures.js';

/** Every path the machines allow, closing after a dissatisfied callback included: the agreement's follow-up rule is decide's, tested on its own. */
const lenient = rulesetWithFollowUp('optional');

/**
 * Every path through each lifecycle: @xstate/graph enumerates the shortest path to every state
 * the machine can reach from the events the commands produce; each path is then replayed
 * through decide and evolve, asserting the events and the state reached.
 */
const variants: Record<string, unknown[]> = {
  callback: [{ satisfaction: 'satisfied' }, { satisfaction: 'dissatisfied' }],
  verify: [{ accepted: true }, { accepted: false }],
  close: [{ reason: 'owner unreachable' }, {}],
  receive: [complaintBody],
  assign: [{ department: 'engineering' }],
  dispatch: [{ technicianId: 'tech-7' }],
  report: [repairBody],
};

const checkLifecycle = <F>(name: string, lifecycle: Lifecycle<F>, machine: AnyStateMachine, allStates: string[]) =>
  t.test(`${name}: every state is reachable and replays through decide`, async (t) => {
    type Step = { type: string; data: unknown; at: string; command: string; payload: unknown };
    const eventsFor = (snapshot: AnyMachineSnapshot): Step[] =>
      lifecycle.commands
        .filter((spec) => !spec.roles.includes('system'))
        .flatMap((spec) => (variants[spec.name] ?? [spec.sample(snapshot.context as F)]).map((payload) => {
          const draft = spec.toEvent(payload as never, snapshot.context as F);
          return { ...draft, at: '2026-03-02T01:00:00Z', command: spec.name, payload };
        }));
    const paths = getShortestPaths(machine, {
      events: eventsFor as never,
      serializeState: (s: AnyMachineSnapshot) => `${JSON.stringify(s.value)}|${JSON.stringify(s.context.arrived ?? null)}|${s.context.callbacks.at(-1)?.satisfaction ?? ''}`,
    } as never);
    const reached = new Set(paths.map((p) => String(p.state.value)));
    t.same([...reached].sort(), [...allStates].sort(), 'the shortest paths reach every state');

    for (const path of paths) {
      const steps = path.steps.slice(1).map((step) => {
        const e = step.event as unknown as Step;
        return { name: e.command, payload: e.payload, now: '2026-03-02T01:00:00Z' };
      });
      if (steps.length === 0) continue;
      const { state, events } = run(lifecycle, steps, { ruleset: lenient }, `path-${path.steps.length}`);
      t.equal(state.snapshot.state, String(path.state.value), `${steps.map((s) => s.name).join(' → ')} ends in ${String(path.state.value)}`);
      t.same(events.map((e) => e.type), path.steps.slice(1).map((s) => s.event.type), 'with the events of the path');
      if (!state.snapshot.done) {
        t.ok(allowedCommands(lifecycle, state).length > 0, `${String(path.state.value)} is not a dead end`);
      } else {
        t.same(allowedCommands(lifecycle, state), [], `${String(path.state.value)} is final`);
      }
    }
  });

await checkLifecycle('complaint', complaintLifecycle, complaintMachine,
  ['new', 'received', 'handling', 'assigned', 'resolved', 'owner_notified', 'called_back', 'closed', 'withdrawn', 'rejected']);
await checkLifecycle('repair', repairLifecycle, repairMachine,
  ['new', 'reported', 'dispatched', 'accepted', 'on_site', 'paused', 'completed', 'verified', 'called_back', 'rework', 'closed', 'cancelled']);
