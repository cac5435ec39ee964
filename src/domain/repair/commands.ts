import { z } from 'zod';
import { command, deskRoles, dispatchRoles, fieldRoles, systemRoles, type AnyCommandSpec } from '../case/command.js';
import { InvalidCommandError } from '../case/errors.js';
import { followUpBeforeClosing } from '../case/follow-up.js';
import { complexitySchema, repairEventSchemas } from '../events/repair.js';
import { optionalNote, text } from '../events/shared.js';
import type { RepairFacts } from './facts.js';

const s = repairEventSchemas;
const empty = z.strictObject({});

/** The repair commands, named as the API's actions. */
export const repairCommands: readonly AnyCommandSpec<RepairFacts>[] = [
  command({
    name: 'report', summary: 'Record a repair request (报修)', creates: true, roles: deskRoles,
    payload: s.RepairReported,
    toEvent: (data) => ({ type: 'RepairReported', data }),
    sample: () => ({ propertyId: 'p', location: 'l', category: 'c', complexity: 'general' as const, description: 'd', owner: { name: 'n', phone: '00000' } }),
    validate: (data, ruleset) => {
      if (!ruleset.hasCategory('repair', data.category)) {
        throw new InvalidCommandError('category', `unknown repair category "${data.category}"`, ruleset.spec.categories.repair.map((c) => c.id));
      }
    },
  }),
  command({
    name: 'dispatch', summary: 'Dispatch to a technician (派单; the first stops the response clock)', roles: dispatchRoles,
    payload: s.RepairDispatched,
    toEvent: (data) => ({ type: 'RepairDispatched', data }),
    sample: (facts) => ({ technicianId: `${facts.technicianId ?? ''}\u0000other` }),
  }),
  command({
    name: 'accept', summary: 'The technician accepts the job', roles: fieldRoles,
    payload: empty, toEvent: () => ({ type: 'RepairAccepted', data: {} }), sample: () => ({}),
  }),
  command({
    name: 'arrive', summary: 'The technician is on site', roles: fieldRoles,
    payload: empty, toEvent: () => ({ type: 'RepairArrived', data: {} }), sample: () => ({}),
  }),
  command({
    name: 'pause', summary: 'Pause (the completion clock stops)', roles: fieldRoles,
    payload: s.RepairPaused, toEvent: (data) => ({ type: 'RepairPaused', data }), sample: () => ({ reason: 'owner_absent' as const }),
  }),
  command({
    name: 'resume', summary: 'Resume after a pause', roles: fieldRoles,
    payload: empty, toEvent: () => ({ type: 'RepairResumed', data: {} }), sample: () => ({}),
  }),
  command({
    name: 'complete', summary: 'Work completed (stops the completion clock)', roles: fieldRoles,
    payload: s.RepairCompleted, toEvent: (data) => ({ type: 'RepairCompleted', data }), sample: () => ({ workDone: 'w' }),
  }),
  command({
    name: 'verify', summary: 'The owner accepts the work, or not (返修)', roles: deskRoles,
    payload: z.strictObject({ accepted: z.boolean(), note: optionalNote }),
    toEvent: ({ accepted, note }) => ({ type: accepted ? 'RepairVerified' : 'RepairReworkRequested', data: note === undefined ? {} : { note } }),
    // After a callback only a rework is possible (the owner now rejects the work): try that one there.
    sample: (facts) => ({ accepted: facts.callbacks.length === 0 }),
  }),
  command({
    name: 'callback', summary: 'Record a callback (回访) and the owner\'s rating', roles: deskRoles,
    payload: s.CallbackRecorded, toEvent: (data) => ({ type: 'CallbackRecorded', data }), sample: () => ({ satisfaction: 'satisfied' as const }),
  }),
  command({
    name: 'close', summary: 'Close; without a callback a reason is required', roles: deskRoles,
    payload: z.strictObject({ reason: text(2000).optional() }),
    toEvent: (data, facts) => ({ type: 'RepairClosed', data: { withoutCallback: facts.callbacks.length === 0, ...data } }),
    sample: () => ({ reason: 'r' }),
    policy: followUpBeforeClosing('repair'),
  }),
  command({
    name: 'cancel', summary: 'The owner cancelled the request', roles: deskRoles,
    payload: z.strictObject({ reason: text(2000) }), toEvent: (data) => ({ type: 'RepairCancelled', data }), sample: () => ({ reason: 'r' }),
  }),
  command({
    name: 'reclassify', summary: 'Change general ⇄ complex (the new completion target applies from the report time)', roles: dispatchRoles,
    payload: z.strictObject({ complexity: complexitySchema, reason: text(2000) }),
    toEvent: ({ complexity, reason }, facts) => ({ type: 'RepairReclassified', data: { from: facts.complexity, to: complexity, reason } }),
    sample: (facts) => ({ complexity: facts.complexity === 'general' ? ('complex' as const) : ('general' as const), reason: 'r' }),
  }),
  command({
    name: 'record-deadline-miss', summary: 'A clock\'s deadline passed without its stopping event', roles: systemRoles,
    payload: s.RepairDeadlineMissed,
    toEvent: (data) => ({ type: 'RepairDeadlineMissed', data }),
    sample: () => ({ clock: 'response' as const, policyId: 'p', deadline: '2000-01-01T00:00:00Z' }),
  }),
];
