/**
 * An import file read in parts, so that a file of millions of rows is never held whole: its bytes
 * are cut after whole records (a CSV record's quoted cells may hold line breaks), and each part is
 * read by the same parser as a whole file (format.ts), its rows and byte offsets then counted from
 * the file's start. The cuts are made on ASCII bytes (line feed, quote, comma), which in every
 * supported encoding stand only for themselves (encoding.ts), so no character is cut in two.
 */
import { open } from 'node:fs/promises';
import { invalidBytesMessage, importEncoding, type ImportEncoding } from './encoding.js';
import { parseImportBytes, type CsvColumns, type ImportFormat, type ParsedImport, type RowProblem } from './format.js';

/**
 * Rows in one part: enough that a part keeps the import's window full, few enough that the two
 * parts under way and the one read ahead stay small (docs/performance.md, "parts that overlap").
 */
export const PART_ROWS = 1_000;
const READ_BYTES = 1 << 20;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Where a CSV's records end, fed byte by byte as the parser in format.ts reads them: a quote opens
 * a quoted cell only at the cell's start, a doubled quote inside one is a quote, and a line feed
 * outside a quoted cell ends the record. Its state carries over from one block of the file to the next.
 */
const csvRecordEnds = () => {
  let quoted = false;
  let cellEmpty = true;
  /** Inside a quoted cell, a quote whose meaning the next byte decides (a doubled quote, or the cell's end). */
  let quoteSeen = false;
  return (byte: number): boolean => {
    if (quoted) {
      if (quoteSeen) {
        quoteSeen = false;
        if (byte === QUOTE) {
          cellEmpty = false;
          return false;
        }
        quoted = false;
      } else {
        if (byte === QUOTE) quoteSeen = true;
        else cellEmpty = false;
        return false;
      }
    }
    if (byte === QUOTE && cellEmpty) {
      quoted = true;
      return false;
    }
    if (byte === COMMA || byte === LF || byte === CR) {
      cellEmpty = true;
      return byte === LF;
    }
    cellEmpty = false;
    return false;
  };
};

const countLineFeeds = (bytes: Uint8Array, end = bytes.length) => {
  let n = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === LF) n++;
  return n;
};

const firstByteOf = (bytes: Uint8Array): number | undefined => {
  // A UTF-8 byte order mark, then white space, before the first character that tells the format.
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === LF || bytes[i] === CR)) i++;
  return bytes[i];
};

/** The format detectFormat (format.ts) would find, from the file's first bytes. */
const formatOf = (start: Uint8Array): ImportFormat => {
  const first = firstByteOf(start);
  return first === 0x5b ? 'json' : first === 0x7b ? 'jsonl' : 'csv';
};

async function* blocksOf(file: string): AsyncGenerator<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    for (;;) {
      const buffer = new Uint8Array(READ_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  if (parts.length === 1) return parts[0]!;
  const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
};

/** A run of whole records of the file: its bytes, where they start in the file, and the line feeds before them. */
interface Span {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly linesBefore: number;
}

/** The file cut after whole records, about `rows` records a span (the CSV's header is the first span of its own). */
async function* spansOf(file: string, format: ImportFormat, rows: number): AsyncGenerator<Span> {
  const endsRecord = format === 'csv' ? csvRecordEnds() : (byte: number) => byte === LF;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let offset = 0;
  let linesBefore = 0;
  let records = 0;
  // The CSV header is a span alone: its first record with more than a line break.
  let header = format === 'csv';
  let headerHasContent = false;
  const take = (upTo: Uint8Array): Span => {
    const bytes = concat([...pending, upTo]);
    const span = { bytes, offset, linesBefore };
    offset += bytes.length;
    linesBefore += countLineFeeds(bytes);
    pending = [];
    pendingBytes = 0;
    records = 0;
    return span;
  };
  for await (const block of blocksOf(file)) {
    let from = 0;
    for (let i = 0; i < block.length; i++) {
      const byte = block[i]!;
      if (header && byte !== LF && byte !== CR) headerHasContent = true;
      if (!endsRecord(byte)) continue;
      if (header) {
        if (!headerHasContent) continue;
        header = false;
        yield take(block.subarray(from, i + 1));
        from = i + 1;
        continue;
      }
      if (++records >= rows) {
        yield take(block.subarray(from, i + 1));
        from = i + 1;
      }
    }
    if (from < block.length) {
      pending.push(block.subarray(from));
      pendingBytes += block.length - from;
    }
  }
  if (pendingBytes > 0) yield take(new Uint8Array(0));
}

/** A problem of a part as the file's: its row, and for undecodable bytes their offset and line, counted from the file's start. */
const inFile = (problem: RowProblem, rowsBefore: number, encoding: ImportEncoding, at: { span: Span; headerBytes: number }): RowProblem => {
  const row = problem.row + rowsBefore;
  if (problem.byteOffset === undefined) return { ...problem, row };
  const inSpan = problem.byteOffset - at.headerBytes;
  const byteOffset = at.span.offset + inSpan;
  const line = at.span.linesBefore + countLineFeeds(at.span.bytes, inSpan) + 1;
  return { ...problem, row, byteOffset, message: invalidBytesMessage(encoding, { line, byteOffset, bytes: problem.value ?? '' }) };
};

export interface FileInParts {
  readonly format: ImportFormat;
  readonly encoding: ImportEncoding;
  /** Header columns of a CSV its shape does not know. */
  readonly unknownColumns: readonly string[];
  /** The file's rows, part by part, numbered as a whole file's would be; each call reads the file again. */
  parts(): AsyncGenerator<ParsedImport>;
}

/**
 * Opens an import file for reading in parts, or answers undefined when its format cannot be (a JSON
 * array is one value: it is read whole). A CSV header the shape refuses is refused here, before any row.
 */
export const readInParts = async (
  file: string,
  options: { format?: ImportFormat; encoding?: string; columns: CsvColumns; rows?: number },
): Promise<FileInParts | undefined> => {
  const encoding = importEncoding(options.encoding);
  let start: Uint8Array = new Uint8Array(0);
  for await (const block of blocksOf(file)) {
    start = block;
    break;
  }
  const format = options.format ?? formatOf(start);
  if (format === 'json') return undefined;
  const rows = options.rows ?? PART_ROWS;
  const parse = (bytes: Uint8Array) => parseImportBytes(bytes, { format, encoding, columns: options.columns });
  let header: Uint8Array = new Uint8Array(0);
  if (format === 'csv') {
    for await (const span of spansOf(file, format, rows)) {
      header = span.bytes;
      break;
    }
  }
  const unknownColumns = format === 'csv' ? (parse(header).unknownColumns ?? []) : [];
  async function* parts(): AsyncGenerator<ParsedImport> {
    let rowsBefore = 0;
    let first = true;
    for await (const span of spansOf(file, format, rows)) {
      if (first && format === 'csv') {
        first = false;
        continue;
      }
      first = false;
      const parsed = parse(header.length > 0 ? concat([header, span.bytes]) : span.bytes);
      const at = { span, headerBytes: header.length };
      // CSV rows count records after the header; JSON lines count lines, blank ones included.
      const before = format === 'csv' ? rowsBefore : span.linesBefore;
      yield {
        rows: parsed.rows.map((r) => ({ ...r, row: r.row + before })),
        problems: parsed.problems.map((p) => inFile(p, before, encoding, at)),
        unknownColumns,
      };
      rowsBefore += parsed.rows.length + parsed.problems.length;
    }
  }
  return { format, encoding, unknownColumns, parts };
};
