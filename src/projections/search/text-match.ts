import type Database from 'better-sqlite3';

/**
 * What every indexed text ends with (projection.ts): twice a control character no one types, after
 * which each of a text's characters, its last two included, begins a trigram of its own.
 */
const END_MARK = '\u0003';
export const TEXT_END = `${END_MARK}${END_MARK}`;

/** The records received in one millisecond share 2^20 rowids of `case_text`, which order records by receipt (projection.ts). */
export const RECEIPT_SLOTS = 1_048_576;

/**
 * A search of one or two characters reads the trigrams beginning with it; beyond this many, their
 * union costs more than a scan, which for text that common stops after a few rows.
 */
const MAX_TERMS = 200;

/** How the FTS5 table `ct` (case_text) finds a search's text: the condition and its one parameter, `@text`. */
export interface TextMatch {
  readonly sql: string;
  readonly text: string;
}

const NOTHING: TextMatch = { sql: '0', text: '' };

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
/** The text as one FTS5 phrase: any substring, whatever operators it holds. */
const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`;
const match = (expression: string): TextMatch => ({ sql: 'ct.case_text MATCH @text', text: expression });
const scan = (q: string): TextMatch => ({ sql: "ct.description LIKE @text ESCAPE '\\'", text: `%${likeEscaped(q)}%` });

/** Every text that starts with `prefix` sorts from it to it followed by the last character: a range an index can read. */
export const LAST_CHARACTER = '\u{10FFFF}';

/**
 * A search of three characters or more is a phrase of the trigram index. One or two characters make
 * no trigram, but every place they occur begins one (the text's end marks included): the index's
 * list of trigrams (`case_text_terms`) gives those beginning with them, lower-cased as the tokenizer
 * folds them, and their union is the search, read through the index like any other. Characters
 * that begin more trigrams than MAX_TERMS, or a text holding the end mark, are found by a scan
 * (LIKE), which stops as soon as a page is full.
 */
export const textMatchOf = (db: Database.Database, q: string): TextMatch => {
  if (q.includes(END_MARK)) return scan(q);
  if ([...q].length >= 3) return match(phrase(q));
  const start = q.toLowerCase();
  const terms = db
    .prepare('SELECT term FROM case_text_terms WHERE term >= ? AND term < ? LIMIT ?')
    .pluck()
    .all(start, `${start}${LAST_CHARACTER}`, MAX_TERMS + 1) as string[];
  if (terms.length === 0) return NOTHING;
  if (terms.length > MAX_TERMS) return scan(q);
  return match(terms.map(phrase).join(' OR '));
};
