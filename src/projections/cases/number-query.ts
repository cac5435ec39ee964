import type Database from 'better-sqlite3';

/** A record a work-order number names, as the `cases` read model holds it. */
export interface NumberedCase {
  readonly caseId: string;
  readonly propertyId: string;
}

const statements = new WeakMap<Database.Database, Database.Statement<[string, string], NumberedCase>>();

/**
 * The records of a type with this number: one per property at most, since each property counts
 * its own days (the same number may name a record of another property). A record is found once
 * the projection has applied its creating event.
 */
export const casesByNumber = (db: Database.Database, caseType: string, number: string): NumberedCase[] => {
  let statement = statements.get(db);
  if (!statement) {
    statement = db.prepare<[string, string], NumberedCase>(
      'SELECT case_id AS caseId, property_id AS propertyId FROM cases WHERE number = ? AND case_type = ? ORDER BY property_id',
    );
    statements.set(db, statement);
  }
  return statement.all(number, caseType);
};
