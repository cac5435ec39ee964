import t from 'tap';
import { allowedCommands } from '../../../src/domain/case/decide.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { complaintBody, refuses, repairBody, rulesetWithFollowUp, run, sampleRuleset } from './fixtures.js';

// The agreement's follow-up rule (回访不满意业主并改进): whether a case may be closed after a
// dissatisfied callback without a follow-up. demo-2026: complaint required, repair optional;
// riverside-2026: both required.

const T0 = '2026-03-02T01:00:00Z';
const step = (name: string, payload: unknown = {}) => ({ name, payload, now: T0 });
const rated = (satisfaction: string) => step('callback', { satisfaction });
const close = step('close');
const complaintRated = [step('receive', complaintBody), step('acknowledge'), step('resolve', { resolution: '已协调' }), rated('dissatisfied')];
const repairDone = (propertyId = 'demo') => [
  step('report', { ...repairBody, propertyId }),
  step('dispatch', { technicianId: 'tech-7' }),
  step('accept'),
  step('arrive'),
  step('complete', { workDone: '更换阀门' }),
];
const COMPLAINT_RULE = 'agreements/demo-2026.yaml followUp.complaint: required';

t.test('a complaint rated dissatisfied is not closed before a follow-up, and the refusal names the rule', async (t) => {
  refuses(t, () => run(complaintLifecycle, [...complaintRated, close]), 'TRANSITION_NOT_ALLOWED', {
    command: 'close',
    state: 'called_back',
    allowed: ['callback', 'reopen', 'escalate'],
    reason: 'the last callback was dissatisfied: reopen, escalate or call back again first',
    rule: COMPLAINT_RULE,
  });
  t.throws(() => run(complaintLifecycle, [...complaintRated, close]), {
    message:
      /\(the last callback was dissatisfied: reopen, escalate or call back again first; rule agreements\/demo-2026\.yaml followUp\.complaint: required\)/,
  });
  const { state } = run(complaintLifecycle, complaintRated);
  t.same(allowedCommands(complaintLifecycle, state), ['callback', 'close', 'reopen', 'escalate'], 'the lifecycle alone allows closing');
  t.same(allowedCommands(complaintLifecycle, state, sampleRuleset), ['callback', 'reopen', 'escalate'], 'the agreement hides it');
  refuses(t, () => run(complaintLifecycle, [...complaintRated, rated('dissatisfied'), close]), 'TRANSITION_NOT_ALLOWED', { rule: COMPLAINT_RULE });
  const later = (s: ReturnType<typeof step>, minutes: number) => ({ ...s, now: new Date(Date.parse(T0) + minutes * 60_000).toISOString() });
  const escalatedEarlier = [
    step('receive', complaintBody),
    later(step('escalate', { reason: '业主情绪激动' }), 5),
    later(step('acknowledge'), 10),
    later(step('resolve', { resolution: '已协调' }), 60),
    later(rated('dissatisfied'), 120),
    later(close, 130),
  ];
  refuses(t, () => run(complaintLifecycle, escalatedEarlier), 'TRANSITION_NOT_ALLOWED', { rule: COMPLAINT_RULE });
});

t.test('a complaint rated dissatisfied closes after an escalation, another callback or a reopening', async (t) => {
  const closes = (steps: ReturnType<typeof step>[], why: string) => {
    const { state, events } = run(complaintLifecycle, steps);
    t.equal(state.snapshot.state, 'closed', why);
    t.equal(events.at(-1)!.type, 'ComplaintClosed');
  };
  closes([...complaintRated, step('escalate', { reason: '向经理报告' }), close], 'escalated to management after the rating');
  closes([...complaintRated, rated('satisfied'), close], 'called back again, satisfied');
  closes([...complaintRated, rated('neutral'), close], 'called back again: the last rating is the one that stands');
  closes(
    [...complaintRated, step('reopen', { reason: '仍有噪音' }), step('resolve', { resolution: '已限定施工时间' }), rated('satisfied'), close],
    'reopened, resolved again and called back',
  );
  closes(
    [
      ...complaintRated,
      step('reopen', { reason: '仍有噪音' }),
      step('resolve', { resolution: '已限定施工时间' }),
      step('close', { reason: 'owner unreachable' }),
    ],
    'reopened: the dissatisfied rating belongs to the earlier resolution',
  );
  const lenient = run(complaintLifecycle, [...complaintRated, close], { ruleset: rulesetWithFollowUp('optional') });
  t.equal(lenient.state.snapshot.state, 'closed', 'an agreement with followUp.complaint: optional lets it close');
});

t.test('a repair may close after a dissatisfied callback unless its agreement requires a follow-up', async (t) => {
  const closed = run(repairLifecycle, [...repairDone(), rated('dissatisfied'), close]);
  t.equal(closed.state.snapshot.state, 'closed', 'demo-2026: followUp.repair optional');
  t.match(closed.state.snapshot.facts.allCallbacks, [{ satisfaction: 'dissatisfied' }], 'the rating stays, to count against satisfaction');

  const strict = rulesetWithFollowUp('required');
  refuses(t, () => run(repairLifecycle, [...repairDone(), rated('dissatisfied'), close], { ruleset: strict }), 'TRANSITION_NOT_ALLOWED', {
    command: 'close',
    state: 'called_back',
    reason: 'the last callback was dissatisfied: rework or call back again first',
    rule: 'agreements/demo-2026.yaml followUp.repair: required',
  });
  const { state } = run(repairLifecycle, [...repairDone(), rated('dissatisfied')], { ruleset: strict });
  t.notOk(allowedCommands(repairLifecycle, state, strict).includes('close'));
  t.ok(allowedCommands(repairLifecycle, state, sampleRuleset).includes('close'));
  t.equal(
    run(repairLifecycle, [...repairDone(), rated('dissatisfied'), rated('satisfied'), close], { ruleset: strict }).state.snapshot.state,
    'closed',
    'called back again',
  );
  const reworked = run(
    repairLifecycle,
    [
      ...repairDone(),
      rated('dissatisfied'),
      step('verify', { accepted: false }),
      step('arrive'),
      step('complete', { workDone: '重新更换' }),
      rated('satisfied'),
      close,
    ],
    { ruleset: strict },
  );
  t.equal(reworked.state.snapshot.state, 'closed', 'reworked and called back');

  refuses(t, () => run(repairLifecycle, [...repairDone('riverside'), rated('dissatisfied'), close]), 'TRANSITION_NOT_ALLOWED', {
    rule: 'agreements/riverside-2026.yaml followUp.repair: required',
  });
});
