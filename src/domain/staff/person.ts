import { z } from 'zod';
import { roleSchema } from '../events/envelope.js';
import { text } from '../events/shared.js';

/** Roles a person holds; `system` is the engine's own (the deadline watcher), never a person's. */
export const staffRoleSchema = roleSchema.exclude(['system']);
export type StaffRole = z.infer<typeof staffRoleSchema>;

export const personIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a person id: lower-case letters, digits, dot, dash, underscore');
/** The properties a person works for, or `*` for all (an administrator or auditor of the company). */
export const workPropertiesSchema = z.union([z.literal('*'), z.array(z.string().min(1).max(100)).min(1).max(100)]);
export type WorkProperties = z.infer<typeof workPropertiesSchema>;

/** Who a person is in the department; personal data of staff, shown to those who work with them. */
export const personFieldsSchema = z.strictObject({
  name: text(100),
  role: staffRoleSchema,
  department: text(100),
  properties: workPropertiesSchema,
  /** Technicians: where the dispatcher and the owner reach them. */
  phone: z
    .string()
    .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'a phone number')
    .optional(),
  /** Technicians: the repair categories they take. */
  skills: z.array(z.string().min(1).max(50)).max(50).optional(),
});
export type PersonFields = z.infer<typeof personFieldsSchema>;

export interface Person extends PersonFields {
  readonly id: string;
  readonly active: boolean;
}

/** The directory as the domain asks it: a pure lookup, filled by the application beforehand. */
export interface StaffLookup {
  person(id: string): Person | undefined;
  /** Everyone the directory knows, active or not. */
  people(): readonly Person[];
}

export const worksFor = (person: Pick<Person, 'properties'>, propertyId: string): boolean =>
  person.properties === '*' || person.properties.includes(propertyId);

/** The technicians a repair of this property may be dispatched to: active, of the property. */
export const dispatchableTechnicians = (staff: StaffLookup, propertyId: string): string[] =>
  staff
    .people()
    .filter((p) => p.active && p.role === 'technician' && worksFor(p, propertyId))
    .map((p) => p.id);

export const staffLookupOf = (people: ReadonlyMap<string, Person>): StaffLookup => ({
  person: (id) => people.get(id),
  people: () => [...people.values()],
});
