import t from 'tap';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { complaintBody, dispatcher } from '../case/fixtures.js';
import { spec } from './given.js';

const given = spec(t, complaintLifecycle);
const received = [{ name: 'receive', payload: complaintBody }];
const assigned = [...received, { name: 'acknowledge' }, { name: 'assign', payload: { department: 'security' }, actor: dispatcher }];
const resolved = [...assigned, { name: 'resolve', payload: { resolution: '已协调' } }];

given('nothing yet', [])
  .when({ name: 'receive', payload: complaintBody })
  .thenDecides({
    events: [{ type: 'ComplaintReceived', data: { unit: '3-2-1201', category: 'noise' } }],
    state: 'received',
    allowed: ['acknowledge', 'escalate', 'withdraw', 'reject'],
  });
given('nothing yet', [])
  .when({ name: 'receive', payload: { ...complaintBody, category: 'weather' } })
  .thenRefused('INVALID_COMMAND', /unknown complaint category "weather"/);
given('a complaint received', received)
  .when({ name: 'acknowledge' })
  .thenDecides({ events: [{ type: 'ComplaintHandlingStarted' }], state: 'handling' });
given('a complaint with security', assigned)
  .when({ name: 'assign', payload: { department: 'security' }, actor: dispatcher })
  .thenRefused('TRANSITION_NOT_ALLOWED', /the complaint is already with that department/);
given('a complaint resolved', resolved)
  .when({ name: 'callback', payload: { satisfaction: 'dissatisfied' } })
  .thenDecides({
    events: [{ type: 'CallbackRecorded', data: { satisfaction: 'dissatisfied' } }],
    state: 'called_back',
    // The demo agreement requires a dissatisfied owner to be followed up: no close until then.
    allowed: ['callback', 'reopen', 'escalate'],
  });
given('a complaint resolved, the owner unreachable', resolved)
  .when({ name: 'close', payload: { reason: '业主电话无人接听' } })
  .thenDecides({
    events: [{ type: 'ComplaintClosed', data: { withoutCallback: true } }],
    state: 'closed',
    allowed: [],
  });
