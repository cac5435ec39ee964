import t from 'tap';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { dispatcher, repairBody, technician } from '../case/fixtures.js';
import { spec } from './given.js';

const given = spec(t, repairLifecycle);
const reported = [{ name: 'report', payload: repairBody }];
const dispatched = [...reported, { name: 'dispatch', payload: { technicianId: 'tech-7' }, actor: dispatcher }];
const onSite = [...dispatched, { name: 'accept', actor: technician }, { name: 'arrive', actor: technician }];
const completed = [...onSite, { name: 'complete', payload: { workDone: '更换阀门' }, actor: technician }];

given('a repair reported', [])
  .when({ name: 'report', payload: repairBody })
  .thenDecides({
    events: [{ type: 'RepairReported', data: { location: '5-1-302', complexity: 'general' } }],
    state: 'reported',
    allowed: ['dispatch', 'cancel', 'reclassify'],
  });
given('a repair reported', reported)
  .when({ name: 'dispatch', payload: { technicianId: 'tech-7' }, actor: dispatcher })
  .thenDecides({
    events: [{ type: 'RepairDispatched', data: { technicianId: 'tech-7' } }],
    state: 'dispatched',
  });
given('a repair dispatched to tech-7', dispatched)
  .when({ name: 'dispatch', payload: { technicianId: 'tech-7' }, actor: dispatcher })
  .thenRefused('TRANSITION_NOT_ALLOWED', /the repair is already with that technician/);
given('a repair dispatched', dispatched)
  .when({ name: 'complete', payload: { workDone: 'x' } })
  .thenRefused('TRANSITION_NOT_ALLOWED', /complete is not allowed in state dispatched; allowed now: .*accept/);
given('a technician on site', onSite)
  .when({ name: 'pause', payload: { reason: 'awaiting_parts' }, actor: technician })
  .thenDecides({
    events: [{ type: 'RepairPaused', data: { reason: 'awaiting_parts' } }],
    state: 'paused',
    allowed: ['resume', 'cancel', 'reclassify'],
  });
given('a repair completed', completed)
  .when({ name: 'verify', payload: { accepted: false, note: '仍然漏水' } })
  .thenDecides({
    events: [{ type: 'RepairReworkRequested' }],
    state: 'rework',
  });
given('a repair completed, nobody called back', completed)
  .when({ name: 'close', payload: {} })
  .thenRefused('TRANSITION_NOT_ALLOWED', /closing without a callback needs a reason/);
given('a repair reported', reported)
  .when({ name: 'reclassify', payload: { complexity: 'general', reason: '一般维修' } })
  .thenRefused('TRANSITION_NOT_ALLOWED', /the repair already has that complexity/);
