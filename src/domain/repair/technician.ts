import type { CommandContext } from '../case/command.js';
import { InvalidCommandError, NotAssignedError } from '../case/errors.js';
import { dispatchableTechnicians, worksFor, type StaffLookup } from '../staff/person.js';

/** Why the person may not take a repair of the property, or undefined when they may. */
const refusalOf = (staff: StaffLookup, technicianId: string, propertyId: string): string | undefined => {
  const person = staff.person(technicianId);
  if (!person) return `no person "${technicianId}" in the staff directory`;
  if (!person.active) return `${technicianId} (${person.name}) is no longer active`;
  if (person.role !== 'technician') return `${technicianId} (${person.name}) is a ${person.role}, not a technician`;
  if (!worksFor(person, propertyId)) return `${technicianId} (${person.name}) does not work for property ${propertyId}`;
  return undefined;
};

/**
 * A repair is dispatched to a technician of the staff directory: known, active, a technician, and
 * working for the repair's property. An administrator's import records who did the work then,
 * whoever the directory lists today, so it is not checked.
 */
export const checkTechnician = (technicianId: string, propertyId: string, context: CommandContext): void => {
  if (context.imported) return;
  const { staff } = context;
  if (!staff) throw new InvalidCommandError('technicianId', 'no staff directory to check the technician against');
  const refusal = refusalOf(staff, technicianId, propertyId);
  if (refusal === undefined) return;
  const allowed = dispatchableTechnicians(staff, propertyId);
  throw new InvalidCommandError('technicianId', `${refusal}; the technicians of property ${propertyId}: ${allowed.join(', ') || 'none'}`, allowed);
};

/**
 * A technician works only on the repairs dispatched to them; a dispatcher or an administrator may
 * act for them, and the event then names who did. Before a dispatch there is no one's job to
 * guard: the lifecycle refuses the action itself. An import records the work as it was done.
 */
export const checkAssignee = (action: string, technicianId: string | null, context: CommandContext): void => {
  if (context.imported || context.actor.role !== 'technician' || technicianId === null) return;
  if (technicianId !== context.actor.id) throw new NotAssignedError(action, technicianId, context.actor.id);
};
