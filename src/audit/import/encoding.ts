import { EngineError } from '../../errors.js';

/**
 * Encodings an import file may be in: UTF-8 and the ASCII-compatible encodings of old office
 * systems (GB18030 covers GBK and GB2312). In each of them the bytes of line feed, carriage
 * return, quote and comma stand only for themselves — no multi-byte character uses them — so a
 * file can be cut into lines on its bytes before it is decoded, and a bad byte pinned to its row.
 */
export const SUPPORTED_ENCODINGS = ['utf-8', 'gb18030', 'gbk', 'big5', 'shift_jis', 'euc-jp', 'euc-kr', 'windows-1252'] as const;
export type ImportEncoding = (typeof SUPPORTED_ENCODINGS)[number];

export const UNSUPPORTED_ENCODING = 'UNSUPPORTED_ENCODING' as const;
/** An import declared in an encoding the engine does not know, or cannot cut into rows safely. */
export class UnsupportedEncodingError extends EngineError {
  readonly code = UNSUPPORTED_ENCODING;
  constructor(
    readonly encoding: string,
    reason: string,
  ) {
    super(`${reason}; supported: ${SUPPORTED_ENCODINGS.join(', ')} (or their usual labels, e.g. GBK, gb2312, latin1)`, {
      encoding,
      supported: SUPPORTED_ENCODINGS,
    });
  }
}

/** The encoding a declared label names (WHATWG labels: `GBK`, `gb2312`, `latin1` …); UTF-8 when none is declared. */
export const importEncoding = (label: string | undefined): ImportEncoding => {
  const given = label?.trim().replace(/^"(.*)"$/, '$1') ?? '';
  if (given === '') return 'utf-8';
  let name: string;
  try {
    name = new TextDecoder(given).encoding;
  } catch {
    throw new UnsupportedEncodingError(given, `unknown encoding ${given}`);
  }
  if (!(SUPPORTED_ENCODINGS as readonly string[]).includes(name)) {
    throw new UnsupportedEncodingError(given, `encoding ${given} (${name}) is not supported for imports: its rows cannot be told apart by their bytes`);
  }
  return name as ImportEncoding;
};

/** The charset parameter of a Content-Type header, if any. */
export const charsetOf = (contentType: string | undefined): string | undefined =>
  contentType
    ?.split(';')
    .slice(1)
    .map((p) => p.trim().split('='))
    .find(([name]) => name?.trim().toLowerCase() === 'charset')?.[1];

/** A byte sequence that is not valid in the declared encoding: its 1-based line and its offset from the file's start. */
export interface InvalidBytes {
  readonly line: number;
  readonly byteOffset: number;
  /** Up to four bytes from the offset, in hex, to find them in an editor. */
  readonly bytes: string;
}

const decodes = (encoding: ImportEncoding, bytes: Uint8Array, stream: boolean): boolean => {
  try {
    new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
};

/**
 * Where in a line its first invalid sequence starts: the shortest prefix the decoder refuses
 * (an unfinished sequence at the line's end is refused only at its end), then back to the last
 * character boundary before it.
 */
const invalidAt = (encoding: ImportEncoding, line: Uint8Array): number => {
  let refused = line.length + 1;
  for (let lo = 1, hi = line.length; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    if (decodes(encoding, line.subarray(0, mid), true)) lo = mid + 1;
    else {
      refused = mid;
      hi = mid - 1;
    }
  }
  let start = Math.min(refused - 1, line.length);
  while (start > 0 && !decodes(encoding, line.subarray(0, start), false)) start--;
  return start;
};

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/**
 * Decodes a file line by line with a fatal decoder. A line holding bytes invalid in the encoding
 * is listed with the offset of the first, and kept as the lossy decoder reads it only so that the
 * file's structure (its quotes, commas and line breaks, all ASCII) can still be parsed: the row it
 * belongs to is refused, so no U+FFFD it holds is ever stored. A leading BOM is dropped.
 */
export const decodeLines = (bytes: Uint8Array, encoding: ImportEncoding): { text: string; invalid: InvalidBytes[] } => {
  const fatal = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  const lines: string[] = [];
  const invalid: InvalidBytes[] = [];
  for (let start = 0; ; ) {
    const found = bytes.indexOf(0x0a, start);
    const end = found < 0 ? bytes.length : found;
    const line = bytes.subarray(start, end);
    try {
      lines.push(fatal.decode(line));
    } catch {
      const at = invalidAt(encoding, line);
      invalid.push({ line: lines.length + 1, byteOffset: start + at, bytes: hex(line.subarray(at, at + 4)) });
      lines.push(new TextDecoder(encoding, { ignoreBOM: true }).decode(line));
    }
    if (found < 0) break;
    start = end + 1;
  }
  const text = lines.join('\n');
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text, invalid };
};

export const invalidBytesMessage = (encoding: ImportEncoding, at: InvalidBytes) =>
  `bytes not valid ${encoding} at byte offset ${at.byteOffset} (line ${at.line}: ${at.bytes}): the row is refused rather than stored with replacement characters; declare the file's real encoding or fix the bytes`;

/**
 * Where a row holds U+FFFD, the replacement character: the mark of text decoded in the wrong
 * encoding before it reached the engine (a JSON body is read as UTF-8 by the server itself).
 * Such a row is refused too, so that the import never stores damaged text.
 */
export const findReplacementCharacter = (value: unknown, path: readonly string[] = [], depth = 8): string | undefined => {
  const at = [...path];
  return holdsReplacement(value, at, depth) ? at.join('.') || 'row' : undefined;
};

/** Whether `value` holds U+FFFD, with `path` left at the string that holds it (a path is joined only for a find). */
const holdsReplacement = (value: unknown, path: string[], depth: number): boolean => {
  if (typeof value === 'string') return value.includes('\uFFFD');
  if (depth === 0 || value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    path.push(key);
    if (holdsReplacement(record[key], path, depth - 1)) return true;
    path.pop();
  }
  return false;
};

export const REPLACEMENT_CHARACTER_MESSAGE =
  'holds U+FFFD (�), the replacement character: the text was damaged by decoding it in the wrong encoding; send the original bytes with their charset';
