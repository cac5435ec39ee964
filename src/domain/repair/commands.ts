import { z } from 'zod';
import { command, deskRoles, dispatchRoles, fieldRoles, systemRoles, type AnyCommandSpec } from '../case/command.js';
import { InvalidCommandError } from '../case/errors.js';
import { followUpBeforeClosing } from '../case/follow-up.js';
import { complexitySchema, repairEventSchemas, importedRepairReport, repairReport } from './events.js';
import { optionalNote, text } from '../events/shared.js';
import type { RepairFacts } from './facts.js';
import { checkAssignee, checkTechnician } from './technician.js';

const s = repairEventSchemas;
const empty = z.strictObject({});

/** The repair commands, named as the API's actions. */
export const repairCommands: readonly AnyCommandSpec<RepairFacts>[] = [
  command({
    name: 'report',
    summary: 'Record a repair request (报修)',
    creates: true,
    roles: deskRoles,
    payload: repairReport,
    importPayload: importedRepairReport,
    emits: ['RepairReported'],
    toEvent: (data) => ({ type: 'RepairReported', data }),
    validate: (data, ruleset) => {
      if (!ruleset.hasCategory('repair', data.category)) {
        throw new InvalidCommandError(
          'category',
          `unknown repair category "${data.category}"`,
          ruleset.spec.categories.repair.map((c) => c.id),
        );
      }
    },
  }),
  command({
    name: 'dispatch',
    summary: 'Dispatch to a technician (派单; the first stops the response clock)',
    roles: dispatchRoles,
    payload: s.RepairDispatched,
    emits: ['RepairDispatched'],
    toEvent: (data) => ({ type: 'RepairDispatched', data }),
    people: (data) => [data.technicianId],
    validate: (data, _ruleset, facts, context) => checkTechnician(data.technicianId, facts.propertyId, context),
  }),
  command({
    name: 'accept',
    summary: 'The technician accepts the job',
    roles: fieldRoles,
    payload: empty,
    emits: ['RepairAccepted'],
    toEvent: () => ({ type: 'RepairAccepted', data: {} }),
    validate: (_data, _ruleset, facts, context) => checkAssignee('accept', facts.technicianId, context),
  }),
  command({
    name: 'arrive',
    summary: 'The technician is on site',
    roles: fieldRoles,
    payload: empty,
    emits: ['RepairArrived'],
    toEvent: () => ({ type: 'RepairArrived', data: {} }),
    validate: (_data, _ruleset, facts, context) => checkAssignee('arrive', facts.technicianId, context),
  }),
  command({
    name: 'pause',
    summary: 'Pause (the completion clock stops)',
    roles: fieldRoles,
    payload: s.RepairPaused,
    emits: ['RepairPaused'],
    toEvent: (data) => ({ type: 'RepairPaused', data }),
    validate: (_data, _ruleset, facts, context) => checkAssignee('pause', facts.technicianId, context),
  }),
  command({
    name: 'resume',
    summary: 'Resume after a pause',
    roles: fieldRoles,
    payload: empty,
    emits: ['RepairResumed'],
    toEvent: () => ({ type: 'RepairResumed', data: {} }),
    validate: (_data, _ruleset, facts, context) => checkAssignee('resume', facts.technicianId, context),
  }),
  command({
    name: 'complete',
    summary: 'Work completed (stops the completion clock)',
    roles: fieldRoles,
    payload: s.RepairCompleted,
    emits: ['RepairCompleted'],
    toEvent: (data) => ({ type: 'RepairCompleted', data }),
    validate: (_data, _ruleset, facts, context) => checkAssignee('complete', facts.technicianId, context),
  }),
  command({
    name: 'verify',
    summary: 'The owner accepts the work, or not (返修)',
    roles: deskRoles,
    payload: z.strictObject({ accepted: z.boolean(), note: optionalNote }),
    emits: ['RepairVerified', 'RepairReworkRequested'],
    toEvent: ({ accepted, note }) => ({ type: accepted ? 'RepairVerified' : 'RepairReworkRequested', data: note === undefined ? {} : { note } }),
    // After a callback only a rework is possible (the owner now rejects the work): try that one there.
  }),
  command({
    name: 'callback',
    summary: "Record a callback (回访) and the owner's rating",
    roles: deskRoles,
    payload: s.CallbackRecorded,
    emits: ['CallbackRecorded'],
    toEvent: (data) => ({ type: 'CallbackRecorded', data }),
  }),
  command({
    name: 'close',
    summary: 'Close; without a callback a reason is required',
    roles: deskRoles,
    payload: z.strictObject({ reason: text(2000).optional() }),
    emits: ['RepairClosed'],
    toEvent: (data, facts) => ({ type: 'RepairClosed', data: { withoutCallback: facts.callbacks.length === 0, ...data } }),
    policy: followUpBeforeClosing('repair', 'rework or call back again'),
  }),
  command({
    name: 'cancel',
    summary: 'The owner cancelled the request',
    roles: deskRoles,
    payload: z.strictObject({ reason: text(2000) }),
    emits: ['RepairCancelled'],
    toEvent: (data) => ({ type: 'RepairCancelled', data }),
  }),
  command({
    name: 'reclassify',
    summary: 'Change general ⇄ complex (the new completion target applies from the report time)',
    roles: dispatchRoles,
    payload: z.strictObject({ complexity: complexitySchema, reason: text(2000) }),
    emits: ['RepairReclassified'],
    toEvent: ({ complexity, reason }, facts) => ({ type: 'RepairReclassified', data: { from: facts.complexity, to: complexity, reason } }),
  }),
  command({
    name: 'record-deadline-miss',
    summary: "A clock's deadline passed without its stopping event",
    roles: systemRoles,
    payload: s.RepairDeadlineMissed,
    emits: ['RepairDeadlineMissed'],
    toEvent: (data) => ({ type: 'RepairDeadlineMissed', data }),
    occursAt: (data) => data.deadline,
  }),
];
