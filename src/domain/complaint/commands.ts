import { z } from 'zod';
import { command, deskRoles, dispatchRoles, systemRoles, type AnyCommandSpec } from '../case/command.js';
import { InvalidCommandError } from '../case/errors.js';
import { checkUnit } from '../case/units.js';
import { followUpBeforeClosing } from '../case/follow-up.js';
import { complaintEventSchemas, importedComplaintReceipt, complaintReceipt } from './events.js';
import { deadlineMissedSchema, text } from '../events/shared.js';
import type { ComplaintFacts } from './facts.js';

const s = complaintEventSchemas;
const reason = z.strictObject({ reason: text(2000) });
/**
 * An escalation's reason, and the missed deadline when the deadline watcher escalates: `missed` is
 * the engine's (marked `system`, so a form for people leaves it out).
 */
const escalation = z.strictObject({ reason: text(2000), missed: deadlineMissedSchema.optional().meta({ system: true }) });

/** The complaint commands, named as the API's actions. */
export const complaintCommands: readonly AnyCommandSpec<ComplaintFacts>[] = [
  command({
    name: 'receive',
    summary: 'Record a complaint (受理)',
    creates: true,
    roles: deskRoles,
    payload: complaintReceipt,
    importPayload: importedComplaintReceipt,
    emits: ['ComplaintReceived'],
    toEvent: (data) => ({ type: 'ComplaintReceived', data }),
    validate: (data, ruleset, _facts, context) => {
      checkUnit(data.unit, data.propertyId, ruleset, context);
      if (!ruleset.hasCategory('complaint', data.category)) {
        throw new InvalidCommandError(
          'category',
          `unknown complaint category "${data.category}"`,
          ruleset.spec.categories.complaint.map((c) => c.id),
        );
      }
    },
  }),
  command({
    name: 'acknowledge',
    summary: 'Start handling (stops the response clock)',
    roles: deskRoles,
    payload: s.ComplaintHandlingStarted,
    emits: ['ComplaintHandlingStarted'],
    toEvent: (data) => ({ type: 'ComplaintHandlingStarted', data }),
  }),
  command({
    name: 'assign',
    summary: 'Assign or reassign to a department',
    roles: dispatchRoles,
    payload: s.ComplaintAssigned,
    emits: ['ComplaintAssigned'],
    toEvent: (data) => ({ type: 'ComplaintAssigned', data }),
    validate: (data, ruleset) => {
      if (!ruleset.hasDepartment(data.department)) {
        throw new InvalidCommandError(
          'department',
          `unknown department "${data.department}"`,
          ruleset.spec.categories.departments.map((d) => d.id),
        );
      }
    },
  }),
  command({
    name: 'resolve',
    summary: 'Record the resolution (stops the resolution clock)',
    roles: deskRoles,
    payload: s.ComplaintResolved,
    emits: ['ComplaintResolved'],
    toEvent: (data) => ({ type: 'ComplaintResolved', data }),
  }),
  command({
    name: 'notify-owner',
    summary: 'Tell the owner the result',
    roles: deskRoles,
    payload: s.ComplaintOwnerNotified,
    emits: ['ComplaintOwnerNotified'],
    toEvent: (data) => ({ type: 'ComplaintOwnerNotified', data }),
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
    emits: ['ComplaintClosed'],
    toEvent: (data, facts) => ({ type: 'ComplaintClosed', data: { withoutCallback: facts.callbacks.length === 0, ...data } }),
    policy: followUpBeforeClosing('complaint', 'reopen, escalate or call back again'),
  }),
  command({
    name: 'reopen',
    summary: 'Reopen after the owner is not satisfied',
    roles: deskRoles,
    payload: reason,
    emits: ['ComplaintReopened'],
    toEvent: (data) => ({ type: 'ComplaintReopened', data }),
  }),
  command({
    name: 'escalate',
    summary: 'Report to management (重要投诉)',
    roles: deskRoles,
    payload: escalation,
    emits: ['ComplaintEscalated'],
    toEvent: (data) => ({ type: 'ComplaintEscalated', data }),
    validate: (data, _ruleset, _facts, context) => {
      // A missed deadline is the watcher's finding: a person escalating says why in `reason`, and cannot claim a miss.
      if (data.missed !== undefined && context.actor.role !== 'system') {
        throw new InvalidCommandError('missed', 'a missed deadline is recorded by the deadline watcher only; leave it out and say why in reason');
      }
    },
  }),
  command({
    name: 'withdraw',
    summary: 'The owner withdrew the complaint',
    roles: deskRoles,
    payload: reason,
    emits: ['ComplaintWithdrawn'],
    toEvent: (data) => ({ type: 'ComplaintWithdrawn', data }),
  }),
  command({
    name: 'reject',
    summary: "Not the property company's responsibility",
    roles: dispatchRoles,
    payload: reason,
    emits: ['ComplaintRejected'],
    toEvent: (data) => ({ type: 'ComplaintRejected', data }),
  }),
  command({
    name: 'record-deadline-miss',
    summary: "A clock's deadline passed without its stopping event",
    roles: systemRoles,
    payload: s.ComplaintDeadlineMissed,
    emits: ['ComplaintDeadlineMissed'],
    toEvent: (data) => ({ type: 'ComplaintDeadlineMissed', data }),
    occursAt: (data) => data.deadline,
  }),
];
