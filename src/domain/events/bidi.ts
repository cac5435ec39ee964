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

/** The first string in `value` (an object, array or string, walked to `depth`) that holds a bidirectional control. */
export const findBidiControl = (value: unknown, path: readonly string[] = [], depth = 8): BidiControlFound | undefined => {
  if (typeof value === 'string') {
    const found = BIDI_CONTROL.exec(value);
    return found ? { field: path.join('.'), character: codePoint(found[0]) } : undefined;
  }
  if (depth === 0 || value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = findBidiControl(inner, [...path, key], depth - 1);
    if (found) return found;
  }
  return undefined;
};

export const bidiControlMessage = (found: BidiControlFound) =>
  `holds the bidirectional control character ${found.character}, which can disguise how text reads (e.g. a file name); remove it`;
