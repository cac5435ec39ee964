import t from 'tap';
import { allowedCommands } from '../../../src/domain/case/decide.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { visitLifecycle } from '../../../src/domain/visit/lifecycle.js';
import { complaintBody, refuses, repairBody, run } from './fixtures.js';

const NOW = '2026-03-02T01:00:00Z';
const { owner: _owner, ...repairWithoutOwner } = repairBody;

t.test('an imported repair may be completed and closed without the steps the old system did not record', async (t) => {
  const { state, events } = run(
    repairLifecycle,
    [
      { name: 'report', payload: repairWithoutOwner, now: NOW, occurredAt: '2023-06-03T06:00:00Z' },
      { name: 'complete', payload: { workDone: '原系统未记录' }, now: NOW, occurredAt: '2023-06-03T07:00:00Z' },
      { name: 'close', payload: { reason: '原系统未记录回访' }, now: NOW, occurredAt: '2023-06-03T10:00:00Z' },
    ],
    { imported: true },
  );
  t.same(
    events.map((e) => e.type),
    ['RepairReported', 'RepairCompleted', 'RepairClosed'],
  );
  t.match(state.snapshot, { state: 'closed', facts: { dispatchedAt: null, completedAt: '2023-06-03T07:00:00Z', closedWithoutCallback: true } });
  t.notOk('owner' in (events[0]!.data as object), 'no owner: none made up');
});

t.test('people cannot skip a step: refused as before, and never offered', async (t) => {
  const { state } = run(repairLifecycle, [{ name: 'report', payload: repairBody, now: NOW }]);
  t.same(allowedCommands(repairLifecycle, state), ['dispatch', 'cancel', 'reclassify']);
  refuses(
    t,
    () =>
      run(repairLifecycle, [
        { name: 'report', payload: repairBody, now: NOW },
        { name: 'complete', payload: { workDone: '更换' }, now: NOW },
      ]),
    'TRANSITION_NOT_ALLOWED',
    { allowed: ['dispatch', 'cancel', 'reclassify'] },
  );
  refuses(t, () => run(repairLifecycle, [{ name: 'report', payload: repairWithoutOwner, now: NOW }]), 'INVALID_COMMAND', { field: 'owner' });
});

t.test('an imported close without a callback still needs its reason', async (t) => {
  refuses(
    t,
    () =>
      run(
        complaintLifecycle,
        [
          { name: 'receive', payload: complaintBody, now: NOW, occurredAt: '2023-05-07T01:00:00Z' },
          { name: 'close', payload: {}, now: NOW, occurredAt: '2023-05-09T01:00:00Z' },
        ],
        { imported: true },
      ),
    'TRANSITION_NOT_ALLOWED',
    { reason: /closing without a callback needs a reason/ },
  );
});

t.test('an imported visit may be closed without an answer', async (t) => {
  const { state } = run(
    visitLifecycle,
    [
      {
        name: 'receive',
        payload: { propertyId: 'demo', unit: '1-1-101', category: 'inquiry', description: '咨询' },
        now: NOW,
        occurredAt: '2023-07-03T02:00:00Z',
      },
      { name: 'close', payload: {}, now: NOW, occurredAt: '2023-07-03T04:00:00Z' },
    ],
    { imported: true },
  );
  t.match(state.snapshot, { state: 'closed', facts: { answeredAt: null } });
});
