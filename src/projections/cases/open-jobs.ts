import type Database from 'better-sqlite3';

/**
 * How many open repairs of a property each technician holds now, from the cases read model: the
 * load a dispatcher weighs before dispatching another. Technicians with none are absent.
 */
export const openJobsByTechnician = (db: Database.Database, propertyId: string): Map<string, number> => {
  const rows = db
    .prepare(
      `SELECT technician_id, count(*) AS jobs FROM cases
        WHERE property_id = ? AND open = 1 AND case_type = 'repair' AND technician_id IS NOT NULL
        GROUP BY technician_id`,
    )
    .all(propertyId) as Array<{ technician_id: string; jobs: number }>;
  return new Map(rows.map((r) => [r.technician_id, r.jobs]));
};
