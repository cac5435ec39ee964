import type Database from 'better-sqlite3';
import { isMissingTable } from '../projections/dashboard-queries.js';

/**
 * The work-order numbers the `cases` read model holds for some of a property's records, by id:
 * what a list of ids (a report's failing records) is read by at the desk. A record without a number
 * (opened before numbers, imported without one) is not in the map; without read models, or while
 * they are set up, the map is empty: numbers name records, ids identify them.
 */
export const recordNumbers = (db: Database.Database | undefined, propertyId: string, ids: Iterable<string>): ReadonlyMap<string, string> => {
  const wanted = [...new Set(ids)];
  if (!db || wanted.length === 0) return new Map();
  try {
    const rows = db
      .prepare('SELECT case_id, number FROM cases WHERE property_id = ? AND number IS NOT NULL AND case_id IN (SELECT value FROM json_each(?))')
      .all(propertyId, JSON.stringify(wanted)) as Array<{ case_id: string; number: string }>;
    return new Map(rows.map((r) => [r.case_id, r.number]));
  } catch (error) {
    if (isMissingTable(error)) return new Map();
    throw error;
  }
};
