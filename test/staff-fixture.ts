import type { StaffDirectory } from '../src/app/staff-directory.js';
import { staffLookupOf, type Person, type PersonFields } from '../src/domain/staff/person.js';

/** The technicians the tests dispatch repairs to: the sample ruleset's two properties. */
export const technicianIds = ['t', 'tech-1', 'tech-2', 'tech-3', 'tech-7', 'tech-8', 'tech-9'] as const;

export const technicianFields = (id: string): PersonFields => ({
  name: `维修工${id}`,
  role: 'technician',
  department: 'engineering',
  properties: ['demo', 'riverside'],
  phone: '13700000000',
  skills: ['plumbing', 'electrical'],
});

export const testTechnicians: readonly Person[] = technicianIds.map((id) => ({ id, active: true, ...technicianFields(id) }));

/** The directory as decide reads it, for the domain's tests. */
export const testStaff = staffLookupOf(new Map(testTechnicians.map((p) => [p.id, p])));

/** Adds the test technicians to a directory, as an administrator would. */
export const seedTechnicians = async (directory: StaffDirectory) => {
  for (const id of technicianIds) if (!directory.get(id)) await directory.add(id, technicianFields(id), { id: 'admin', role: 'admin' });
};
