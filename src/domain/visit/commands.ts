import { command, deskRoles, systemRoles, type AnyCommandSpec } from '../case/command.js';
import { InvalidCommandError } from '../case/errors.js';
import { checkUnit } from '../case/units.js';
import { visitEventSchemas, importedVisitReceipt, visitReceipt } from './events.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { VisitFacts } from './facts.js';

const s = visitEventSchemas;

const knownDepartment = (department: string, ruleset: Ruleset) => {
  if (!ruleset.hasDepartment(department)) {
    throw new InvalidCommandError(
      'department',
      `unknown department "${department}"`,
      ruleset.spec.categories.departments.map((d) => d.id),
    );
  }
};

/** The visit commands, named as the API's actions. */
export const visitCommands: readonly AnyCommandSpec<VisitFacts>[] = [
  command({
    name: 'receive',
    summary: 'Record a visit to the desk (来访登记; starts the reception clock)',
    creates: true,
    roles: deskRoles,
    payload: visitReceipt,
    importPayload: importedVisitReceipt,
    emits: ['VisitReceived'],
    toEvent: (data) => ({ type: 'VisitReceived', data }),
    validate: (data, ruleset, _facts, context) => {
      checkUnit(data.unit, data.propertyId, ruleset, context);
      if (!ruleset.hasCategory('visit', data.category)) {
        const known = ruleset.spec.categories.visit.map((c) => c.id);
        throw new InvalidCommandError(
          'category',
          `unknown visit category "${data.category}"${known.length === 0 ? ' (categories.yaml lists no visit categories)' : ''}`,
          known,
        );
      }
    },
  }),
  command({
    name: 'answer',
    summary: 'Answer the visitor (stops the reception clock)',
    roles: deskRoles,
    payload: s.VisitAnswered,
    emits: ['VisitAnswered'],
    toEvent: (data) => ({ type: 'VisitAnswered', data }),
  }),
  command({
    name: 'refer',
    summary: 'Refer the visit to a department (stops the reception clock)',
    roles: deskRoles,
    payload: s.VisitReferred,
    emits: ['VisitReferred'],
    toEvent: (data) => ({ type: 'VisitReferred', data }),
    validate: (data, ruleset) => knownDepartment(data.department, ruleset),
  }),
  command({
    name: 'close',
    summary: 'Close the visit once answered or referred',
    roles: deskRoles,
    payload: s.VisitClosed,
    emits: ['VisitClosed'],
    toEvent: (data) => ({ type: 'VisitClosed', data }),
  }),
  command({
    name: 'record-deadline-miss',
    summary: "The reception clock's deadline passed without an answer",
    roles: systemRoles,
    payload: s.VisitDeadlineMissed,
    emits: ['VisitDeadlineMissed'],
    toEvent: (data) => ({ type: 'VisitDeadlineMissed', data }),
    occursAt: (data) => data.deadline,
  }),
];
