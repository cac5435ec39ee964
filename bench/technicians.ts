import { staffLookupOf, type Person } from '../src/domain/staff/person.js';

/** The technicians the generated repairs are dispatched to (tech-1 … tech-40), of every property: the directory decide is given. */
export const benchStaff = staffLookupOf(
  new Map(
    Array.from({ length: 40 }, (_, i): [string, Person] => {
      const id = `tech-${i + 1}`;
      return [id, { id, name: id, role: 'technician', department: 'engineering', properties: '*', active: true }];
    }),
  ),
);
