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

/** What a search matches, and how well: its number, then its unit, then its description. */
const searchOf = (q: string): { rank: string; match: string; params: Record<string, unknown> } => {
  const number = q.toUpperCase();
  const text =
    [...q].length >= TRIGRAM
      ? 'SELECT s.case_type, s.case_id FROM case_text JOIN case_search s ON s.id = case_text.rowid WHERE case_text MATCH @phrase'
      : "SELECT s.case_type, s.case_id FROM case_text JOIN case_search s ON s.id = case_text.rowid WHERE case_text.description LIKE @contains ESCAPE '\\'";
  const byNumber = "(c.number = @number OR c.number LIKE @numberStart ESCAPE '\\')";
  return {
    rank: `CASE WHEN ${byNumber} THEN 0 WHEN ${unitSql('qUnit')} THEN 1 ELSE 2 END`,
    match: `(${byNumber} OR ${unitSql('qUnit')} OR (c.case_type, c.case_id) IN (${text}))`,
    params: {
      number,
      numberStart: `${likeEscaped(number)}%`,
      ...unitParams('qUnit', q),
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
  if (query.phoneDigest !== undefined) {
    where.push('(c.case_type, c.case_id) IN (SELECT p.case_type, p.case_id FROM case_search p WHERE p.phone_digest = @phoneDigest)');
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
  let rank = '0';
  if (query.q !== undefined) {
    const search = searchOf(query.q);
    rank = search.rank;
    where.push(search.match);
    Object.assign(params, search.params);
  }
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
    FROM cases c
    WHERE ${where.join(' AND ')}
    ORDER BY rank, received_at DESC, c.case_type DESC, c.case_id DESC
    LIMIT @limit`;
  return db.prepare(sql).all(params) as CaseListRow[];
};
