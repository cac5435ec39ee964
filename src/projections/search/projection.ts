import type Database from 'better-sqlite3';
import { isRecordType, recordOf } from '../../domain/records.js';
import type { Projection } from '../projection.js';
import { phoneDigest } from './phone-digest.js';

export const SEARCH_PROJECTION = 'case_search';

/**
 * The text a record is searched by: the description its creating event recorded, in an FTS5 table
 * with the trigram tokenizer, which finds any substring of three characters or more, Chinese
 * included, without a word list; shorter queries use the same table's LIKE (a scan of its text).
 * `case_search` gives each record the rowid of its text, and the keyed digest of its owner's (or
 * visitor's) phone (phone-digest.ts): the number itself is never written here.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS case_search (
  id        INTEGER PRIMARY KEY,
  case_type TEXT NOT NULL,
  case_id   TEXT NOT NULL,
  phone_digest TEXT,
  UNIQUE (case_type, case_id)
);
CREATE INDEX IF NOT EXISTS case_search_phone ON case_search (phone_digest) WHERE phone_digest IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS case_text USING fts5(description, tokenize = 'trigram');
`;
const TEARDOWN = 'DROP TABLE IF EXISTS case_text; DROP TABLE IF EXISTS case_search;';

const descriptionOf = (data: unknown): string | null => {
  const description = (data as { description?: unknown } | null)?.description;
  return typeof description === 'string' ? description : null;
};

const contactPhoneOf = (caseType: string, data: unknown): string | null => (isRecordType(caseType) ? (recordOf(caseType).contactPhone?.(data) ?? null) : null);

export interface SearchProjectionOptions {
  /** The key of the phones' digests; without it no phone is kept, and none can be looked up. */
  readonly phoneKey?: Buffer | undefined;
}

/** Writes each record's text and phone digest once, from its creating event; the rest of a record's events change nothing searched. */
export const searchProjection = (options: SearchProjectionOptions = {}): Projection => {
  const statements = new WeakMap<
    Database.Database,
    { record: Database.Statement<[string, string, string | null]>; text: Database.Statement<[bigint, string]> }
  >();
  const sqlOf = (db: Database.Database) => {
    let sql = statements.get(db);
    if (!sql) {
      sql = {
        record: db.prepare('INSERT OR IGNORE INTO case_search (case_type, case_id, phone_digest) VALUES (?, ?, ?)'),
        text: db.prepare('INSERT INTO case_text (rowid, description) VALUES (?, ?)'),
      };
      statements.set(db, sql);
    }
    return sql;
  };
  return {
    name: SEARCH_PROJECTION,
    // 2: the phone digest.
    version: 2,
    setup: (db) => db.exec(DDL),
    teardown(db) {
      db.exec(TEARDOWN);
      statements.delete(db);
    },
    apply(db, event) {
      if (event.revision !== 0n) return;
      const description = descriptionOf(event.data);
      const phone = options.phoneKey ? contactPhoneOf(event.caseType, event.data) : null;
      if (description === null && phone === null) return;
      const sql = sqlOf(db);
      const digest = phone === null ? null : phoneDigest(options.phoneKey!, phone);
      // Delivered again (at-least-once): the record is there already, and its text with it.
      const added = sql.record.run(event.caseType, event.metadata.caseId, digest);
      if (added.changes === 1 && description !== null) sql.text.run(BigInt(added.lastInsertRowid), description);
    },
  };
};
