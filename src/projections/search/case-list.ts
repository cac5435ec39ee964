import type Database from 'better-sqlite3';
import { liveClockSql } from '../clock-status.js';
import { LAST_CHARACTER, RECEIPT_SLOTS, textMatchOf, type TextMatch } from './text-match.js';

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

const RECEIVED = 'coalesce(c.received_at, 0)';

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A unit and every unit under it: `3-2` is building 3, entrance 2, and all its flats; not `3-20`. */
const unitSql = (param: string) => `(c.place = @${param} OR c.place LIKE @${param}Under ESCAPE '\\')`;
const unitParams = (param: string, unit: string) => ({ [param]: unit, [`${param}Under`]: `${likeEscaped(unit)}-%` });

/** The search matches the row `c` by its number (prefix) or by its unit (and the units under it). */
const numberSql = "(c.number >= @number AND c.number < @numberEnd AND (c.number = @number OR c.number LIKE @numberStart ESCAPE '\\'))";
const placeSql = "(c.place >= @qUnit AND c.place < @qUnitEnd AND (c.place = @qUnit OR c.place LIKE @qUnitUnder ESCAPE '\\'))";

const searchParams = (q: string, text: TextMatch) => {
  const number = q.toUpperCase();
  return {
    number,
    numberEnd: `${number}${LAST_CHARACTER}`,
    numberStart: `${likeEscaped(number)}%`,
    qUnit: q,
    qUnitEnd: `${q}${LAST_CHARACTER}`,
    qUnitUnder: `${likeEscaped(q)}-%`,
    text: text.text,
  };
};

/**
 * The records a search matches, each with how well (0 its number, 1 its unit, 2 its description;
 * the best of them): each read through its own index (the numbers', the units', the text's FTS5
 * trigrams) and only then joined to the cases, so a search reads what it finds, not every record of
 * the property. The ranges narrow to the prefix's rows; the LIKE after them says exactly which match.
 * The text's matches are many for a common word (one record in thirty): only those received at or
 * after `@textFloor` are read, when a floor is given (textFloorOf).
 */
const hitsOf = (text: TextMatch, floored: boolean) => `SELECT case_type, case_id, min(rank) AS rank FROM (
    SELECT c.case_type, c.case_id, 0 AS rank FROM cases c WHERE ${numberSql}
    UNION ALL
    SELECT c.case_type, c.case_id, 1 FROM cases c WHERE c.property_id = @propertyId AND ${placeSql}
    UNION ALL
    SELECT s.case_type, s.case_id, 2 FROM case_text ct JOIN case_search s ON s.id = ct.rowid
      WHERE ${text.sql}${floored ? ' AND ct.rowid >= @textFloor' : ''}
  ) GROUP BY case_type, case_id`;

/**
 * The lowest rowid of `case_text` a page of a search needs: the text's matches are read newest
 * first (their rowids order them by receipt, projection.ts) through the page's own conditions,
 * leaving out those the number or unit match first and those before the cursor, and the one after
 * the page's `limit + 1` rows gives the floor, lowered to the start of its millisecond so that
 * records received in the same millisecond are all read and ordered as the page orders them.
 * Undefined when fewer match: then all are read.
 */
const textFloorOf = (db: Database.Database, text: TextMatch, conditions: readonly string[], after: ListCursor | undefined, params: Record<string, unknown>) => {
  const afterText =
    after?.rank === 2
      ? ` AND (${RECEIVED} < @afterAt OR (${RECEIVED} = @afterAt AND (c.case_type < @afterType OR (c.case_type = @afterType AND c.case_id < @afterId))))`
      : '';
  const sql = `SELECT ct.rowid FROM case_text ct JOIN case_search s ON s.id = ct.rowid
      CROSS JOIN cases c ON c.case_type = s.case_type AND c.case_id = s.case_id
    WHERE ${text.sql} AND ${conditions.join(' AND ')} AND NOT coalesce(${numberSql} OR ${placeSql}, 0)${afterText}
    ORDER BY ct.rowid DESC LIMIT 1 OFFSET @limit - 1`;
  const rowid = db.prepare(sql).safeIntegers(true).pluck().get(params) as bigint | undefined;
  return rowid === undefined ? undefined : millisecondStart(rowid);
};

const SLOTS = BigInt(RECEIPT_SLOTS);
/** The first rowid of the millisecond a rowid belongs to (rounded down, before 1970 as after). */
const millisecondStart = (rowid: bigint) => {
  const remainder = ((rowid % SLOTS) + SLOTS) % SLOTS;
  return rowid - remainder;
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
  for (const condition of query.where ?? []) {
    where.push(condition.sql);
    Object.assign(params, condition.params);
  }
  if (query.after) {
    Object.assign(params, { afterRank: query.after.rank, afterAt: query.after.receivedAt, afterType: query.after.caseType, afterId: query.after.caseId });
  }
  let rank = hits === undefined ? '0' : 'h.rank';
  if (query.q !== undefined) {
    const text = textMatchOf(db, query.q);
    Object.assign(params, searchParams(query.q, text));
    const floor = textFloorOf(db, text, where, query.after, params);
    if (floor !== undefined) params.textFloor = floor;
    hits = hitsOf(text, floor !== undefined);
    rank = 'h.rank';
  }
  const afterReceipt = `(${RECEIVED} < @afterAt OR (${RECEIVED} = @afterAt AND (c.case_type < @afterType OR (c.case_type = @afterType AND c.case_id < @afterId))))`;
  if (query.after && hits !== undefined) where.push(`(h.rank > @afterRank OR (h.rank = @afterRank AND ${afterReceipt}))`);
  // Without a search every record ranks 0: the page is read down the newest-first index from the cursor.
  else if (query.after && query.after.rank > 0) return [];
  else if (query.after && query.after.rank === 0) where.push(afterReceipt);
  // A list without a search or a queue is read down the newest-first indexes (cases_newest, a
  // technician's), stopping once the page is full. A search's hits and a queue's records are a few
  // among the property's many: read through their own indexes and sorted (the leading rank keeps the
  // planner from walking the newest-first index past every record for a queue that holds none).
  const sorted = hits !== undefined || (query.where?.length ?? 0) > 0;
  // The page is chosen first, and only its rows are completed (their next deadline): a sort holds
  // whole rows, and a subquery in them would run for every record the conditions pass.
  const page = `SELECT c.case_type, c.case_id, c.number, c.state, c.place, c.category, ${RECEIVED} AS received_at, c.department, c.technician_id, ${rank} AS rank
    FROM ${hits === undefined ? 'cases c' : `(${hits}) h CROSS JOIN cases c ON c.case_type = h.case_type AND c.case_id = h.case_id`}
    WHERE ${where.join(' AND ')}
    ORDER BY ${sorted ? 'rank, ' : ''}received_at DESC, c.case_type DESC, c.case_id DESC
    LIMIT @limit`;
  const sql = `SELECT p.*,
      (SELECT min(k.deadline) FROM case_clocks k WHERE k.case_type = p.case_type AND k.case_id = p.case_id AND k.started_at IS NOT NULL AND ${liveClockSql('k')}) AS next_deadline
    FROM (${page}) p
    ORDER BY p.rank, p.received_at DESC, p.case_type DESC, p.case_id DESC`;
  return db.prepare(sql).all(params) as CaseListRow[];
};
