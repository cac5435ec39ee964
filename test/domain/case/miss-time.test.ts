import t from 'tap';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { decide } from '../../../src/domain/case/decide.js';
import { retryDifference } from '../../../src/domain/case/retry.js';
import { at, complaintBody, dispatcher, refuses, repairBody, run, sampleRuleset, technician } from './fixtures.js';

// A deadline miss occurs at its deadline: its time is a fact of its data, not a claim.

const system = { id: 'deadline-watcher', role: 'system' as const };
const miss = (deadline: string) => ({
  name: 'record-deadline-miss',
  payload: { clock: 'resolution', policyId: 'complaint.resolution', deadline },
  actor: system,
});

t.test('a miss noticed years late is dated at its deadline, beyond the back-dating allowance and before the previous event', async (t) => {
  const { state, events } = run(
    complaintLifecycle,
    [
      { name: 'receive', payload: complaintBody, now: '2023-03-01T01:00:00Z' },
      { name: 'acknowledge', now: '2023-03-01T01:10:00Z' },
      { name: 'escalate', payload: { reason: '业主催促' }, now: '2023-03-09T02:00:00Z' },
      { ...miss('2023-03-06T16:00:00Z'), now: '2026-03-02T01:00:00Z' },
    ],
    { imported: false },
  );
  t.match(events.at(-1)!.metadata, { occurredAt: '2023-03-06T16:00:00Z', recordedAt: '2026-03-02T01:00:00Z' });
  t.equal(state.lastOccurredAt, '2023-03-09T02:00:00Z', 'the next event may still not precede the latest time so far');
  refuses(
    t,
    () =>
      decide(
        complaintLifecycle,
        state,
        {
          caseId: 'case-1',
          name: 'escalate',
          payload: { reason: 'x' },
          commandId: 'late',
          actor: { id: 'a', role: 'admin' },
          occurredAt: '2023-03-08T00:00:00Z',
        },
        { now: at('2023-03-08T00:10:00Z'), ruleset: sampleRuleset, imported: true },
      ),
    'OCCURRED_AT_REFUSED',
    { reason: 'before_previous_event' },
  );
});

t.test('a miss claiming another time than its deadline, or a deadline ahead of the server clock, is refused', async (t) => {
  const { state } = run(complaintLifecycle, [{ name: 'receive', payload: complaintBody, now: '2026-03-02T01:00:00Z' }]);
  const command = (deadline: string, occurredAt?: string) => ({
    caseId: 'case-1',
    ...miss(deadline),
    commandId: 'm',
    ...(occurredAt ? { occurredAt } : {}),
  });
  const context = { now: at('2026-03-06T00:00:00Z'), ruleset: sampleRuleset };
  refuses(t, () => decide(complaintLifecycle, state, command('2026-03-05T16:00:00Z', '2026-03-06T00:00:00Z'), context), 'OCCURRED_AT_REFUSED', {
    reason: 'not_its_own_time',
  });
  refuses(t, () => decide(complaintLifecycle, state, command('2026-03-09T16:00:00Z'), context), 'OCCURRED_AT_REFUSED', { reason: 'future' });
  const [event] = decide(complaintLifecycle, state, command('2026-03-05T16:00:00Z', '2026-03-06T00:00:00+08:00'), context);
  t.equal(event!.metadata.occurredAt, '2026-03-05T16:00:00Z', 'the same instant, claimed in another offset');
  t.equal(
    retryDifference(complaintLifecycle, state, command('2026-03-05T16:00:00Z'), event!),
    undefined,
    'a watcher retrying the miss, claiming no time, is the same request',
  );
});

t.test('an event after a recorded miss may be dated before its deadline, unless it would meet that deadline after the fact', async (t) => {
  const steps = [
    { name: 'receive', payload: complaintBody, now: '2023-03-01T02:00:00Z' },
    {
      name: 'record-deadline-miss',
      payload: { clock: 'response', policyId: 'complaint.response', deadline: '2023-03-01T04:00:00Z' },
      actor: system,
      now: '2026-03-02T01:00:00Z',
    },
  ];
  const { state } = run(complaintLifecycle, steps, { imported: true });
  t.equal(state.lastOccurredAt, '2023-03-01T02:00:00Z', 'the miss does not bound what follows');
  const acknowledge = (occurredAt: string) => () =>
    decide(
      complaintLifecycle,
      state,
      { caseId: 'case-1', name: 'acknowledge', payload: {}, commandId: occurredAt, actor: { id: 'li.na', role: 'frontdesk' }, occurredAt },
      { now: at('2026-03-02T02:00:00Z'), ruleset: sampleRuleset, imported: true },
    );
  refuses(t, acknowledge('2023-03-01T03:59:00Z'), 'OCCURRED_AT_REFUSED', { reason: 'contradicts_recorded_miss' });
  refuses(t, acknowledge('2023-03-01T04:00:00Z'), 'OCCURRED_AT_REFUSED', { reason: 'contradicts_recorded_miss' });
  t.match(
    acknowledge('2023-03-01T04:00:01Z')(),
    [{ type: 'ComplaintHandlingStarted', metadata: { occurredAt: '2023-03-01T04:00:01Z' } }],
    'after the deadline: missed, as recorded',
  );
  const escalate = decide(
    complaintLifecycle,
    state,
    {
      caseId: 'case-1',
      name: 'escalate',
      payload: { reason: '业主催促' },
      commandId: 'e',
      actor: { id: 'li.na', role: 'frontdesk' },
      occurredAt: '2023-03-01T03:00:00Z',
    },
    { now: at('2026-03-02T02:00:00Z'), ruleset: sampleRuleset, imported: true },
  );
  t.match(escalate, [{ metadata: { occurredAt: '2023-03-01T03:00:00Z' } }], 'an event that stops no missed clock, dated before the deadline');
});

t.test('an imported step that skips the steps before it is checked against a recorded miss as any other', async (t) => {
  // The watcher recorded the general repair's 24-hour completion as missed; a later export brings its completion, with no arrival.
  const { state } = run(
    repairLifecycle,
    [
      { name: 'report', payload: repairBody, now: '2023-06-05T00:00:00Z' },
      { name: 'dispatch', payload: { technicianId: 'tech-7' }, actor: dispatcher, now: '2023-06-05T00:20:00Z' },
      {
        name: 'record-deadline-miss',
        payload: { clock: 'completion', policyId: 'repair.completion.general', deadline: '2023-06-06T00:00:00Z' },
        actor: system,
        now: '2026-03-02T01:00:00Z',
      },
    ],
    { imported: true },
  );
  const complete = (occurredAt: string) => () =>
    decide(
      repairLifecycle,
      state,
      { caseId: 'case-1', name: 'complete', payload: { workDone: '更换水管' }, commandId: occurredAt, actor: technician, occurredAt },
      { now: at('2026-03-02T02:00:00Z'), ruleset: sampleRuleset, imported: true },
    );
  t.match(
    complete('2023-06-07T02:00:00Z')(),
    [{ type: 'RepairCompleted', metadata: { occurredAt: '2023-06-07T02:00:00Z', imported: true } }],
    'after the deadline: completed late, as recorded',
  );
  refuses(t, complete('2023-06-05T18:00:00Z'), 'OCCURRED_AT_REFUSED', { reason: 'contradicts_recorded_miss' });
  refuses(
    t,
    () =>
      decide(
        repairLifecycle,
        state,
        { caseId: 'case-1', name: 'complete', payload: { workDone: '更换水管' }, commandId: 'desk', actor: technician, occurredAt: '2026-03-02T01:30:00Z' },
        { now: at('2026-03-02T02:00:00Z'), ruleset: sampleRuleset },
      ),
    'TRANSITION_NOT_ALLOWED',
    {},
  );
});
