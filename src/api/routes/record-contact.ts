import type { Temporal } from 'temporal-polyfill';
import type { CaseHistory } from '../../app/case-history.js';
import { caseView } from '../../app/case-view.js';
import type { StaffDirectory } from '../../app/staff-directory.js';
import type { Ruleset } from '../../domain/ruleset/ruleset.js';
import type { Actor } from '../../domain/events/envelope.js';
import type { Principal } from '../auth/tokens.js';

/** The parts of a record's data that reach an owner or visitor: personal data. */
const CONTACT_KEYS = ['owner', 'visitor'] as const;
const HONORIFIC = /^(.)(先生|女士|小姐)$/u;

/** `王建国` → `王**`; a name already given as surname and honorific (`王先生`) says no more than that and stays. */
export const maskName = (name: string): string => {
  if (HONORIFIC.test(name)) return name;
  const [first = '', ...rest] = [...name];
  return first + '*'.repeat(Math.max(rest.length, 1));
};

/** `13800000000` → `138****0000`: enough to recognise a number, not to call it. */
export const maskPhone = (phone: string): string => {
  let digits = phone.replace(/\D/g, '');
  if (digits.length > 11 && digits.startsWith('86')) digits = digits.slice(-11);
  if (digits.length < 8) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
};

/**
 * Who sees an owner's name and phone: the front desk and the dispatchers, who call owners back,
 * and the technician the repair is dispatched to, who goes to the door. Everyone else sees them masked.
 */
export const seesOwnerContact = (principal: Principal | undefined, facts: unknown): boolean => {
  if (!principal) return false;
  if (principal.role === 'frontdesk' || principal.role === 'dispatcher') return true;
  const technicianId = (facts as { technicianId?: unknown } | null)?.technicianId;
  return principal.role === 'technician' && principal.personId !== undefined && technicianId === principal.personId;
};

/** A record's data with its owner's (or visitor's) contact masked, unless `visible`. A copy; the stored data is untouched. */
export const withContact = (data: unknown, visible: boolean): unknown => {
  if (visible || data === null || typeof data !== 'object') return data;
  const copy: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const key of CONTACT_KEYS) {
    const contact = copy[key] as { name?: unknown; phone?: unknown } | undefined;
    if (!contact || typeof contact !== 'object') continue;
    copy[key] = {
      ...contact,
      ...(typeof contact.name === 'string' ? { name: maskName(contact.name) } : {}),
      ...(typeof contact.phone === 'string' ? { phone: maskPhone(contact.phone) } : {}),
    };
  }
  return copy;
};

/** An actor as the API shows it: the stored id and role, with the person's name from the directory. */
export const namedActor = (staff: StaffDirectory, actor: Actor) => {
  const name = staff.get(actor.id)?.name;
  return name === undefined ? actor : { ...actor, name };
};

/** Fields of an event's data that hold a person's id from the staff directory (a dispatch's technician). */
const PERSON_FIELDS = ['technicianId'] as const;

/**
 * The directory's names of the people an event's data names by id, e.g. `{ technicianId: '李师傅' }`,
 * or undefined when it names none the directory knows. Beside the data, not in it: the event stays
 * as it was written, and a reader who may not read the directory still sees who was sent.
 */
export const namesInData = (staff: StaffDirectory, data: unknown): Record<string, string> | undefined => {
  if (typeof data !== 'object' || data === null) return undefined;
  const names: Record<string, string> = {};
  for (const field of PERSON_FIELDS) {
    const id = (data as Record<string, unknown>)[field];
    const name = typeof id === 'string' ? staff.get(id)?.name : undefined;
    if (name !== undefined) names[field] = name;
  }
  return Object.keys(names).length > 0 ? names : undefined;
};

/** A record as a caller sees it: the case view, its contact masked unless the caller's work needs it, and who opened and last changed it, by name. */
export const recordViewFor = (
  request: { readonly principal?: Principal },
  staff: StaffDirectory,
  history: CaseHistory,
  at: { readonly ruleset: Ruleset; readonly now: Temporal.Instant; readonly inForce: Ruleset },
) => {
  const view = caseView(history, at.ruleset, at.now, at.inForce);
  const actorOf = (index: number) => namedActor(staff, history.events[index]!.metadata.actor);
  return {
    ...view,
    details: withContact(view.details, seesOwnerContact(request.principal, view.facts)),
    openedBy: actorOf(0),
    lastChangedBy: actorOf(history.events.length - 1),
  };
};
