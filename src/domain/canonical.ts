import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal content always hashes equally,
 * whatever order a file or a client wrote the keys in. `undefined` members are dropped, as
 * JSON.stringify does.
 */
export const canonicalJson = (value: unknown): string => {
  const written = writePlain(value);
  return written ?? JSON.stringify(sortKeys(value));
};

/** The definition: what canonicalJson returns, for any value. */
export const canonicalJsonByDefinition = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
};

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
/**
 * A string JSON.stringify writes as it is, between quotes: no quote, backslash, control character
 * or surrogate (a lone one is escaped). Testing for that is faster than the call (docs/performance.md).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON must escape.
const JSON_PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** Keys recur (every event has the same metadata keys): each is checked and quoted once. */
const MAX_KEYS_REMEMBERED = 10_000;
const writtenKeys = new Map<string, string | null>();

/** `"key":`, or null for a key the plain writer leaves to the definition. */
const keyPrefix = (key: string): string | null => {
  let prefix = writtenKeys.get(key);
  if (prefix === undefined) {
    prefix = key === 'toJSON' || ARRAY_INDEX.test(key) ? null : `${JSON.stringify(key)}:`;
    if (writtenKeys.size < MAX_KEYS_REMEMBERED) writtenKeys.set(key, prefix);
  }
  return prefix;
};

/**
 * An object's few keys in code-unit order, as Array.prototype.sort orders strings, without the
 * work array sort allocates (events are hashed on every command): an insertion sort, which does
 * no more than compare when the keys already come in order.
 */
const sortedInPlace = (keys: string[]): string[] => {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
};

/**
 * The same text written directly, without building sorted copies: events are hashed on every
 * command. Only for plain JSON data (what events hold); for anything else — class instances,
 * toJSON, integer-like keys (which JSON.stringify orders first), holes, non-finite numbers —
 * it answers undefined and the definition above is used.
 */
const writePlain = (value: unknown): string | undefined => {
  switch (typeof value) {
    case 'string':
      return JSON_PLAIN_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return undefined;
        let text = '[';
        for (let i = 0; i < value.length; i++) {
          const item = writePlain(value[i]);
          if (item === undefined) return undefined;
          text += i === 0 ? item : `,${item}`;
        }
        return `${text}]`;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return undefined;
      const record = value as Record<string, unknown>;
      const keys = sortedInPlace(Object.keys(record));
      let text = '{';
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        const prefix = keyPrefix(key);
        if (prefix === null) return undefined;
        const written = writePlain(member);
        if (written === undefined) return undefined;
        text += first ? prefix + written : `,${prefix}${written}`;
        first = false;
      }
      return `${text}}`;
    }
    default:
      return undefined;
  }
};

/** `sha256:<hex>` of the canonical JSON of a value. */
export const contentHash = (value: unknown): string => `sha256:${hash('sha256', canonicalJson(value), 'hex')}`;
