import { getShortestPaths } from '@xstate/graph';
import t from 'tap';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { activityLifecycle } from '../../../src/domain/activity/lifecycle.js';
import { activityMachine } from '../../../src/domain/activity/machine.js';
import type { ActivityFacts } from '../../../src/domain/activity/facts.js';
import { archiveCheckLifecycle } from '../../../src/domain/archive-check/lifecycle.js';
import { archiveCheckMachine } from '../../../src/domain/archive-check/machine.js';
import type { Lifecycle } from '../../../src/domain/case/definition.js';
import { allowedCommands } from '../../../src/domain/case/decide.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { complaintMachine } from '../../../src/domain/complaint/machine.js';
import { collectedFen, outstandingFen, type FeeFacts } from '../../../src/domain/fee/facts.js';
import { feeLedgerLifecycle } from '../../../src/domain/fee/lifecycle.js';
import { feeMachine } from '../../../src/domain/fee/machine.js';
import { inspectionLifecycle } from '../../../src/domain/inspection/lifecycle.js';
import { inspectionMachine } from '../../../src/domain/inspection/machine.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { repairMachine } from '../../../src/domain/repair/machine.js';
import type { VisitFacts } from '../../../src/domain/visit/facts.js';
import { visitLifecycle } from '../../../src/domain/visit/lifecycle.js';
import { visitMachine } from '../../../src/domain/visit/machine.js';
import { complaintBody, repairBody, rulesetWithFollowUp, run } from './fixtures.js';

/** Every path the machines allow, closing after a dissatisfied callback included: the agreement's follow-up rule is decide's, tested on its own. */
const lenient = rulesetWithFollowUp('optional');
const NOW = '2026-03-02T01:00:00Z';

/**
 * The payloads each command is tried with, given the facts so far (commands not listed use an
 * ordinary payload): enough variants that every state is reached, each one a payload decide accepts.
 */
type Variants<F> = Record<string, (facts: F) => unknown[]>;

/** The payload a command not listed in the variants is tried with: each one a payload decide accepts. */
const ordinary = (command: string, facts: unknown): unknown => {
  switch (command) {
    case 'resolve':
      return { resolution: '已协调处理' };
    case 'pause':
      return { reason: 'owner_absent' };
    case 'complete':
      return { workDone: '更换水龙头' };
    case 'reclassify':
      return { complexity: (facts as { complexity: string }).complexity === 'general' ? 'complex' : 'general', reason: '需更换管道' };
    case 'reopen':
    case 'escalate':
    case 'withdraw':
    case 'reject':
    case 'cancel':
      return { reason: '业主要求' };
    default:
      return {};
  }
};

/**
 * What a state is, for the enumeration: its value and the facts the guards read. Two snapshots
 * that differ only in facts no guard reads are one state, which keeps the enumeration finite.
 */
type Key<F> = (facts: F) => unknown;

/**
 * Every path through each lifecycle: @xstate/graph enumerates the shortest path to every state
 * the machine can reach from the events the commands produce; each path is then replayed
 * through decide and evolve, asserting the events and the state reached.
 */
const checkLifecycle = <F>(options: {
  name: string;
  lifecycle: Lifecycle<F>;
  machine: AnyStateMachine;
  allStates: string[];
  variants: Variants<F>;
  key: Key<F>;
  /** Open states in which, on some paths, nothing is left to do (each with why). */
  quietEnds?: (state: string, facts: F) => string | undefined;
}) =>
  t.test(`${options.name}: every state is reachable and replays through decide`, async (t) => {
    const { lifecycle, machine, allStates, variants, key } = options;
    type Step = { type: string; data: unknown; at: string; command: string; payload: unknown };
    const eventsFor = (snapshot: AnyMachineSnapshot): Step[] =>
      lifecycle.commands
        .filter((spec) => !spec.roles.includes('system'))
        .flatMap((spec) =>
          (variants[spec.name]?.(snapshot.context as F) ?? [ordinary(spec.name, snapshot.context)]).map((payload) => {
            const draft = spec.toEvent(payload as never, snapshot.context as F);
            return { ...draft, at: NOW, command: spec.name, payload };
          }),
        );
    const paths = getShortestPaths(machine, {
      events: eventsFor as never,
      serializeState: (s: AnyMachineSnapshot) => `${JSON.stringify(s.value)}|${JSON.stringify(key(s.context as F))}`,
    } as never);
    const reached = new Set(paths.map((p) => String(p.state.value)));
    t.same([...reached].sort(), [...allStates].sort(), 'the shortest paths reach every state');

    for (const path of paths) {
      const steps = path.steps.slice(1).map((step) => {
        const e = step.event as unknown as Step;
        return { name: e.command, payload: e.payload, now: NOW };
      });
      if (steps.length === 0) continue;
      const { state, events } = run(lifecycle, steps, { ruleset: lenient }, `path-${path.steps.length}`);
      const value = String(path.state.value);
      t.equal(state.snapshot.state, value, `${steps.map((s) => s.name).join(' → ')} ends in ${value}`);
      t.same(
        events.map((e) => e.type),
        path.steps.slice(1).map((s) => s.event.type),
        'with the events of the path',
      );
      const quiet = options.quietEnds?.(value, state.snapshot.facts);
      if (state.snapshot.done) t.same(allowedCommands(lifecycle, state), [], `${value} is final`);
      else if (quiet) t.same(allowedCommands(lifecycle, state), [], `${value}: ${quiet}`);
      else t.ok(allowedCommands(lifecycle, state).length > 0, `${value} is not a dead end`);
    }
  });

const fixed =
  (...payloads: unknown[]) =>
  () =>
    payloads;

await checkLifecycle({
  name: 'complaint',
  lifecycle: complaintLifecycle,
  machine: complaintMachine,
  allStates: ['new', 'received', 'handling', 'assigned', 'resolved', 'owner_notified', 'called_back', 'closed', 'withdrawn', 'rejected'],
  variants: {
    receive: fixed(complaintBody),
    assign: fixed({ department: 'engineering' }),
    callback: fixed({ satisfaction: 'satisfied' }, { satisfaction: 'dissatisfied' }),
    close: fixed({ reason: 'owner unreachable' }, {}),
  },
  key: (f) => f.callbacks.at(-1)?.satisfaction ?? null,
});

await checkLifecycle({
  name: 'repair',
  lifecycle: repairLifecycle,
  machine: repairMachine,
  allStates: ['new', 'reported', 'dispatched', 'accepted', 'on_site', 'paused', 'completed', 'verified', 'called_back', 'rework', 'closed', 'cancelled'],
  variants: {
    report: fixed(repairBody),
    dispatch: fixed({ technicianId: 'tech-7' }),
    verify: fixed({ accepted: true }, { accepted: false }),
    callback: fixed({ satisfaction: 'satisfied' }, { satisfaction: 'dissatisfied' }),
    close: fixed({ reason: 'owner unreachable' }, {}),
  },
  key: (f) => [f.arrived, f.callbacks.at(-1)?.satisfaction ?? null],
});

await checkLifecycle<VisitFacts>({
  name: 'visit',
  lifecycle: visitLifecycle,
  machine: visitMachine,
  allStates: ['new', 'received', 'answered', 'referred', 'closed'],
  variants: {
    receive: fixed({
      propertyId: 'demo',
      unit: '3-2-1201',
      category: 'renovation',
      description: '办理装修手续',
      channel: 'walk_in',
      visitor: { name: '赵先生' },
    }),
    answer: fixed({ answer: '已说明装修申报所需材料' }),
    // A referral names a department the visit is not already with (the guard), one the ruleset knows.
    refer: (f) => ['engineering', 'finance'].filter((d) => d !== f.department).map((department) => ({ department })),
    close: fixed({}, { note: '业主已离开' }),
  },
  key: (f) => f.department,
});

// 100.00 yuan billed; a payment of 60 yuan, a waiver of 40 (each settles or leaves something owed,
// by what is owed then), the rest, and a refund of 20 or of everything collected.
await checkLifecycle<FeeFacts>({
  name: 'fee ledger',
  lifecycle: feeLedgerLifecycle,
  machine: feeMachine,
  allStates: ['new', 'outstanding', 'settled'],
  variants: {
    bill: fixed({ propertyId: 'demo', unit: '3-2-1201', period: '2026-03', amountFen: 10_000, dueDate: '2026-03-31' }),
    pay: (f) => [...new Set([6_000, outstandingFen(f)])].filter((a) => a > 0 && a <= outstandingFen(f)).map((amountFen) => ({ amountFen, method: 'wechat' })),
    waive: (f) =>
      [...new Set([4_000, outstandingFen(f)])].filter((a) => a > 0 && a <= outstandingFen(f)).map((amountFen) => ({ amountFen, reason: '空置房减免' })),
    refund: (f) => [...new Set([2_000, collectedFen(f)])].filter((a) => a > 0 && a <= collectedFen(f)).map((amountFen) => ({ amountFen, reason: '重复缴费' })),
  },
  key: (f) => [outstandingFen(f), collectedFen(f)],
  quietEnds: (state, f) =>
    state === 'settled' && collectedFen(f) === 0 ? 'waived in full, nothing was collected to refund: nothing is left to do' : undefined,
});

await checkLifecycle<ActivityFacts>({
  name: 'activity',
  lifecycle: activityLifecycle,
  machine: activityMachine,
  allStates: ['new', 'held'],
  variants: {
    record: fixed({ propertyId: 'demo', title: '中秋游园会', heldOn: '2026-03-01', participants: 240 }),
    'correct-participation': fixed({ participants: 300, reason: '补录签到表' }, { participants: 240, reason: '按签到表更正' }),
  },
  key: (f) => f.participants,
});

await checkLifecycle({
  name: 'archive check',
  lifecycle: archiveCheckLifecycle,
  machine: archiveCheckMachine,
  allStates: ['new', 'correct', 'incorrect', 'corrected'],
  variants: {
    record: fixed({ propertyId: 'demo', unit: '3-2-1201', correct: true }, { propertyId: 'demo', unit: '3-2-1202', correct: false, wrongFields: ['phone'] }),
    correct: fixed({ note: '已更正联系电话' }),
  },
  key: () => null,
});

await checkLifecycle({
  name: 'inspection',
  lifecycle: inspectionLifecycle,
  machine: inspectionMachine,
  allStates: ['new', 'passed', 'failed', 'rectified'],
  variants: {
    record: fixed(
      { propertyId: 'demo', procedure: '来访接待规程', passed: true },
      { propertyId: 'demo', procedure: '投诉受理规程', passed: false, findings: '未登记来电时间' },
    ),
    rectify: fixed({ note: '已培训并复查' }),
  },
  key: () => null,
});
