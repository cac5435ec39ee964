import t from 'tap';
import { activityLifecycle } from '../../../src/domain/activity/lifecycle.js';
import { archiveCheckLifecycle } from '../../../src/domain/archive-check/lifecycle.js';
import { feeLedgerLifecycle } from '../../../src/domain/fee/lifecycle.js';
import { inspectionLifecycle } from '../../../src/domain/inspection/lifecycle.js';
import { visitLifecycle } from '../../../src/domain/visit/lifecycle.js';
import { activityBody, billBody, visitBody } from '../case/fixtures.js';
import { spec } from './given.js';

const inspector = { id: 'qa-1', role: 'inspector' } as const;
const finance = { id: 'fin-1', role: 'finance' } as const;

const visit = spec(t, visitLifecycle);
visit('a visit received', [{ name: 'receive', payload: visitBody }])
  .when({ name: 'refer', payload: { department: 'engineering' } })
  .thenDecides({
    events: [{ type: 'VisitReferred', data: { department: 'engineering' } }],
    state: 'referred',
  });
visit('a visit referred to engineering', [
  { name: 'receive', payload: visitBody },
  { name: 'refer', payload: { department: 'engineering' } },
])
  .when({ name: 'refer', payload: { department: 'engineering' } })
  .thenRefused('TRANSITION_NOT_ALLOWED', /the visit is already with that department/);

const fee = spec(t, feeLedgerLifecycle);
const billed = [{ name: 'bill', payload: billBody, actor: finance }];
fee('a ledger of 100.00 yuan', billed)
  .when({ name: 'pay', payload: { amountFen: 6_000, method: 'wechat' } })
  .thenDecides({
    events: [{ type: 'FeePaid', data: { amountFen: 6_000 } }],
    state: 'outstanding',
    allowed: ['pay', 'waive', 'refund'],
  });
fee('a ledger of 100.00 yuan', billed)
  .when({ name: 'pay', payload: { amountFen: 10_001, method: 'cash' } })
  .thenRefused('INVALID_COMMAND', /more than the 10000 fen still owed/);
fee('a ledger waived in full', [...billed, { name: 'waive', payload: { amountFen: 10_000, reason: '空置房减免' } }])
  .when({ name: 'refund', payload: { amountFen: 1, reason: '重复缴费' } })
  .thenRefused('INVALID_COMMAND', /more than the 0 fen collected/);

const activity = spec(t, activityLifecycle);
activity('an activity held', [{ name: 'record', payload: activityBody }])
  .when({ name: 'correct-participation', payload: { participants: 240, reason: '按签到表' } })
  .thenRefused('TRANSITION_NOT_ALLOWED', /the activity already has that count/);

const archive = spec(t, archiveCheckLifecycle);
archive('nothing yet', [])
  .when({ name: 'record', payload: { propertyId: 'demo', unit: '3-2-1201', correct: false, wrongFields: ['phone'] } })
  .thenDecides({
    events: [{ type: 'ArchiveChecked', data: { correct: false } }],
    state: 'incorrect',
    allowed: ['correct'],
  });

const inspection = spec(t, inspectionLifecycle);
inspection('nothing yet', [])
  .when({ name: 'record', payload: { propertyId: 'demo', procedure: '投诉受理规程', passed: true }, actor: inspector })
  .thenDecides({
    events: [{ type: 'InspectionRecorded', data: { passed: true } }],
    state: 'passed',
    allowed: [],
  });
