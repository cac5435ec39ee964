/**
 * Bidirectional control characters: embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) and the directional marks (U+200E, U+200F, U+061C). None has a use in a unit, a
 * description or a name typed at a front desk, and an override makes "gnp.exe" display as
 * "exe.png", so text that holds one is refused where it comes in, naming the field.
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

export interface BidiControlFound {
  /** Where in the value: `description`, `owner.name`, `items.2.note`. */
  readonly field: string;
  /** The character, as U+XXXX. */
  readonly character: string;
}

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first match in `value`, with `path` left at the string that holds it (a path is joined only for a find). */
const firstControl = (value: unknown, path: string[], depth: number): RegExpExecArray | null => {
  if (typeof value === 'string') return BIDI_CONTROL.exec(value);
  if (depth === 0 || value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    path.push(key);
    const found = firstControl(record[key], path, depth - 1);
    if (found) return found;
    path.pop();
  }
  return null;
};

/** The first string in `value` (an object, array or string, walked to `depth`) that holds a bidirectional control. */
export const findBidiControl = (value: unknown, path: readonly string[] = [], depth = 8): BidiControlFound | undefined => {
  const at = [...path];
  const found = firstControl(value, at, depth);
  return found ? { field: at.join('.'), character: codePoint(found[0]) } : undefined;
};

export const bidiControlMessage = (found: BidiControlFound) =>
  `holds the bidirectional control character ${found.character}, which can disguise how text reads (e.g. a file name); remove it`;
