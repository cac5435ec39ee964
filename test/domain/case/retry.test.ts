import t from 'tap';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { retryDifference } from '../../../src/domain/case/retry.js';
import { initialCaseState } from '../../../src/domain/case/state.js';
import { complaintBody, desk, run } from './fixtures.js';

const received = run(complaintLifecycle, [{ name: 'receive', payload: complaintBody, now: '2026-03-02T01:00:00Z' }]);
const backdated = run(complaintLifecycle, [
  { name: 'receive', payload: complaintBody, now: '2026-03-02T01:00:00Z' },
  { name: 'escalate', payload: { reason: '业主来电' }, now: '2026-03-02T01:20:00Z', occurredAt: '2026-03-02T01:10:00Z' },
]);
const command = (name: string, payload: unknown, occurredAt?: string) => ({
  caseId: 'case-1',
  name,
  payload,
  commandId: 'c',
  actor: desk,
  ...(occurredAt ? { occurredAt } : {}),
});

t.test('the same request again: no difference, whatever key order or spacing the body was sent in', async (t) => {
  const reordered = Object.fromEntries(Object.entries(complaintBody).reverse());
  t.equal(retryDifference(complaintLifecycle, initialCaseState(complaintLifecycle), command('receive', reordered), received.events[0]!), undefined);
  t.equal(
    retryDifference(complaintLifecycle, received.state, command('escalate', { reason: '业主来电' }, '2026-03-02T09:10:00+08:00'), backdated.events[1]!),
    undefined,
    'the same instant written in another offset',
  );
});

t.test('what differs is named', async (t) => {
  const before = received.state;
  const stored = backdated.events[1]!;
  t.equal(retryDifference(complaintLifecycle, before, command('escalate', { reason: '另一个' }, '2026-03-02T01:10:00Z'), stored), 'other fields in the body');
  t.equal(
    retryDifference(complaintLifecycle, before, command('escalate', { reason: '业主来电' }), stored),
    'no occurredAt; the first request claimed 2026-03-02T01:10:00Z',
  );
  t.match(retryDifference(complaintLifecycle, before, command('escalate', { reason: '业主来电' }, '2026-03-02T01:11:00Z'), stored), /^another occurredAt/);
  t.match(
    retryDifference(complaintLifecycle, before, command('withdraw', { reason: '业主来电' }, '2026-03-02T01:10:00Z'), stored),
    /would record ComplaintWithdrawn/,
  );
  t.equal(retryDifference(complaintLifecycle, before, command('escalate', { reason: 42 }), stored), 'a body that is not valid for the action');
  t.equal(retryDifference(complaintLifecycle, before, command('teleport', {}), stored), 'another action than teleport');
});
