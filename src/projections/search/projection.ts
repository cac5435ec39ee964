import type Database from 'better-sqlite3';
import { evolve, initialCaseState } from '../../domain/case/state.js';
import { isRecordType, recordOf } from '../../domain/records.js';
import { epochMillis } from '../../domain/time/index.js';
import type { ProjectedEvent, Projection } from '../projection.js';
import { phoneDigest } from './phone-digest.js';
import { RECEIPT_SLOTS, TEXT_END } from './text-match.js';

export const SEARCH_PROJECTION = 'case_search';

/**
 * The text a record is searched by: the description its creating event recorded, in an FTS5 table
 * with the trigram tokenizer, which finds any substring of three characters or more, Chinese
 * included, without a word list. `case_text_terms` lists the index's trigrams, through which a
 * search of one or two characters finds the trigrams that begin with it (text-match.ts); each text
 * ends with TEXT_END, so that its last characters begin trigrams too. `case_search` gives each
 * record the rowid of its text, and the keyed digest of its owner's (or visitor's) phone
 * (phone-digest.ts): the number itself is never written here.
 *
 * A record's rowid orders it by receipt: its time of receipt in milliseconds times 2^20, plus its
 * place among the records received in the same millisecond. FTS5 reads its matches in rowid order,
 * so the newest matches of a search are read first and a page stops reading once it is full,
 * however many records match (case-list.ts). Every record type receives a record at its creating
 * event, which is all this projection reads of it.
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
CREATE VIRTUAL TABLE IF NOT EXISTS case_text_terms USING fts5vocab(case_text, 'row');
`;
const TEARDOWN = 'DROP TABLE IF EXISTS case_text_terms; DROP TABLE IF EXISTS case_text; DROP TABLE IF EXISTS case_search;';

const descriptionOf = (data: unknown): string | null => {
  const description = (data as { description?: unknown } | null)?.description;
  return typeof description === 'string' ? description : null;
};

const contactPhoneOf = (caseType: string, data: unknown): string | null => (isRecordType(caseType) ? (recordOf(caseType).contactPhone?.(data) ?? null) : null);

/** When the creating event says the record was received, as the `cases` row keeps it (epoch milliseconds; 0 when it says nothing). */
const receivedAtOf = (event: ProjectedEvent): number => {
  if (!isRecordType(event.caseType)) return 0;
  const record = recordOf(event.caseType);
  const created = evolve(record.lifecycle, initialCaseState(record.lifecycle), event);
  const received = record.row(created.snapshot.facts).received;
  return received === null ? 0 : epochMillis(received);
};

export interface SearchProjectionOptions {
  /** The key of the phones' digests; without it no phone is kept, and none can be looked up. */
  readonly phoneKey?: Buffer | undefined;
}

interface Statements {
  readonly record: Database.Statement<[{ receivedAt: number; caseType: string; caseId: string; digest: string | null }]>;
  readonly text: Database.Statement<[{ caseType: string; caseId: string; description: string }]>;
}

/** Writes each record's text and phone digest once, from its creating event; the rest of a record's events change nothing searched. */
export const searchProjection = (options: SearchProjectionOptions = {}): Projection => {
  const statements = new WeakMap<Database.Database, Statements>();
  const sqlOf = (db: Database.Database) => {
    let sql = statements.get(db);
    if (!sql) {
      sql = {
        record: db.prepare(`INSERT OR IGNORE INTO case_search (id, case_type, case_id, phone_digest)
          VALUES ((SELECT coalesce(max(id) + 1, @receivedAt * ${RECEIPT_SLOTS}) FROM case_search
                    WHERE id >= @receivedAt * ${RECEIPT_SLOTS} AND id < (@receivedAt + 1) * ${RECEIPT_SLOTS}),
                  @caseType, @caseId, @digest)`),
        text: db.prepare(
          'INSERT INTO case_text (rowid, description) SELECT id, @description FROM case_search WHERE case_type = @caseType AND case_id = @caseId',
        ),
      };
      statements.set(db, sql);
    }
    return sql;
  };
  return {
    name: SEARCH_PROJECTION,
    // 2: the phone digest. 3: rowids in order of receipt, and the trigrams' list. 4: two end marks.
    version: 4,
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
      const record = { caseType: event.caseType, caseId: event.metadata.caseId };
      const digest = phone === null ? null : phoneDigest(options.phoneKey!, phone);
      // Delivered again (at-least-once): the record is there already, and its text with it.
      const added = sql.record.run({ ...record, receivedAt: receivedAtOf(event), digest });
      if (added.changes === 1 && description !== null) sql.text.run({ ...record, description: `${description}${TEXT_END}` });
    },
  };
};
