import type Database from 'better-sqlite3';
import { liveClockSql } from '../clock-status.js';

/** Where a page ends: the sort key of its last item. */
export interface ListCursor {
  /** What matched the search (0 its number, 1 its unit, 2 its description); 0 without a search. */
  readonly rank: number;
  readonly receivedAt: number;
  readonly caseType: string;
  readonly caseId: string;
}

/** A condition on the row `c` of `cases` (and its clocks), with its own named parameters. */
export interface RowCondition {
  readonly sql: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface CaseListQuery {
  readonly propertyId: string;
  readonly type?: string | undefined;
  readonly state?: string | undefined;
  readonly q?: string | undefined;
  /** The keyed digest of an owner's (or visitor's) phone (phone-digest.ts): their records. */
  readonly phoneDigest?: string | undefined;
  readonly unit?: string | undefined;
  readonly building?: string | undefined;
  readonly department?: string | undefined;
  readonly technician?: string | undefined;
  /** Local dates of receipt (the reporting date of the row), inclusive. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit: number;
  readonly after?: ListCursor | undefined;
  /** Further conditions, e.g. a queue's. */
  readonly where?: readonly RowCondition[];
}

export interface CaseListRow {
  readonly case_type: string;
  readonly case_id: string;
  readonly number: string | null;
  readonly state: string;
  readonly place: string | null;
  readonly category: string | null;
  readonly received_at: number;
  readonly department: string | null;
  readonly technician_id: string | null;
  readonly next_deadline: number | null;
  readonly rank: number;
}

/** Searches of fewer characters than a trigram cannot use the FTS5 index: they use its LIKE instead. */
const TRIGRAM = 3;
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
/** The text as one FTS5 phrase: any substring, whatever operators it holds. */
const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** A unit and every unit under it: `3-2` is building 3, entrance 2, and all its flats; not `3-20`. */
const unitSql = (param: string) => `(c.place = @${param} OR c.place LIKE @${param}Under ESCAPE '\\')`;
const unitParams = (param: string, unit: string) => ({ [param]: unit, [`${param}Under`]: `${likeEscaped(unit)}-%` });

/** Every text that starts with `prefix` sorts from it to it followed by the last character: a range an index can read. */
const LAST_CHARACTER = '\u{10FFFF}';

/**
 * The records a search matches, each with how well (0 its number, 1 its unit, 2 its description;
 * the best of them): each read through its own index (the numbers', the units', the text's FTS5
 * trigrams) and only then joined to the cases, so a search reads what it finds, not every record of
 * the property. The ranges narrow to the prefix's rows; the LIKE after them says exactly which match.
 */
const searchOf = (q: string): { hits: string; params: Record<string, unknown> } => {
  const number = q.toUpperCase();
  const text =
    [...q].length >= TRIGRAM
      ? 'SELECT s.case_type, s.case_id, 2 FROM case_text JOIN case_search s ON s.id = case_text.rowid WHERE case_text MATCH @phrase'
      : "SELECT s.case_type, s.case_id, 2 FROM case_text JOIN case_search s ON s.id = case_text.rowid WHERE case_text.description LIKE @contains ESCAPE '\\'";
  return {
    hits: `SELECT case_type, case_id, min(rank) AS rank FROM (
        SELECT n.case_type, n.case_id, 0 AS rank FROM cases n
          WHERE n.number >= @number AND n.number < @numberEnd AND (n.number = @number OR n.number LIKE @numberStart ESCAPE '\\')
        UNION ALL
        SELECT u.case_type, u.case_id, 1 FROM cases u
          WHERE u.property_id = @propertyId AND u.place >= @qUnit AND u.place < @qUnitEnd AND (u.place = @qUnit OR u.place LIKE @qUnitUnder ESCAPE '\\')
        UNION ALL
        ${text}
      ) GROUP BY case_type, case_id`,
    params: {
      number,
      numberEnd: `${number}${LAST_CHARACTER}`,
      numberStart: `${likeEscaped(number)}%`,
      qUnit: q,
      qUnitEnd: `${q}${LAST_CHARACTER}`,
      qUnitUnder: `${likeEscaped(q)}-%`,
      phrase: phrase(q),
      contains: `%${likeEscaped(q)}%`,
    },
  };
};

/**
 * A property's records, newest received first (with a search: best match first, then newest),
 * one page after `after`: keyset pagination on (rank, received, type, id), so a page never repeats
 * or skips a record because others were added meanwhile. Reads `limit + 1` rows: the one more says
 * whether another page follows.
 */
export const listCases = (db: Database.Database, query: CaseListQuery): CaseListRow[] => {
  const where: string[] = ['c.property_id = @propertyId'];
  const params: Record<string, unknown> = { propertyId: query.propertyId, limit: query.limit + 1 };
  const equal = (column: string, name: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`c.${column} = @${name}`);
    params[name] = value;
  };
  equal('case_type', 'type', query.type);
  equal('state', 'state', query.state);
  equal('building', 'building', query.building);
  equal('department', 'department', query.department);
  equal('technician_id', 'technician', query.technician);
  if (query.unit !== undefined) {
    where.push(unitSql('unit'));
    Object.assign(params, unitParams('unit', query.unit));
  }
  // A search, or else a phone, gives the records to read (`hits`), a few among the property's many.
  let hits: string | undefined;
  if (query.phoneDigest !== undefined) {
    const byPhone = 'SELECT p.case_type, p.case_id FROM case_search p WHERE p.phone_digest = @phoneDigest';
    if (query.q === undefined) hits = `SELECT case_type, case_id, 0 AS rank FROM (${byPhone}) GROUP BY case_type, case_id`;
    else where.push(`(c.case_type, c.case_id) IN (${byPhone})`);
    params.phoneDigest = query.phoneDigest;
  }
  if (query.from !== undefined) {
    where.push('c.received_date >= @from');
    params.from = query.from;
  }
  if (query.to !== undefined) {
    where.push('c.received_date <= @to');
    params.to = query.to;
  }
  if (query.q !== undefined) {
    const search = searchOf(query.q);
    hits = search.hits;
    Object.assign(params, search.params);
  }
  const rank = hits === undefined ? '0' : 'h.rank';
  for (const condition of query.where ?? []) {
    where.push(condition.sql);
    Object.assign(params, condition.params);
  }
  const at = 'coalesce(c.received_at, 0)';
  if (query.after) {
    where.push(`(${rank} > @afterRank OR (${rank} = @afterRank AND (${at} < @afterAt OR (${at} = @afterAt AND
      (c.case_type < @afterType OR (c.case_type = @afterType AND c.case_id < @afterId))))))`);
    Object.assign(params, { afterRank: query.after.rank, afterAt: query.after.receivedAt, afterType: query.after.caseType, afterId: query.after.caseId });
  }
  const sql = `SELECT c.case_type, c.case_id, c.number, c.state, c.place, c.category, ${at} AS received_at, c.department, c.technician_id,
      (SELECT min(k.deadline) FROM case_clocks k WHERE k.case_type = c.case_type AND k.case_id = c.case_id AND k.started_at IS NOT NULL AND ${liveClockSql('k')}) AS next_deadline,
      ${rank} AS rank
    FROM ${hits === undefined ? 'cases c' : `(${hits}) h CROSS JOIN cases c ON c.case_type = h.case_type AND c.case_id = h.case_id`}
    WHERE ${where.join(' AND ')}
    ORDER BY rank, received_at DESC, c.case_type DESC, c.case_id DESC
    LIMIT @limit`;
  return db.prepare(sql).all(params) as CaseListRow[];
};
