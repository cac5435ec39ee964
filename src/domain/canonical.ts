import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal content always hashes equally,
 * whatever order a file or a client wrote the keys in. `undefined` members are dropped, as
 * JSON.stringify does.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

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

/** `sha256:<hex>` of the canonical JSON of a value. */
export const contentHash = (value: unknown): string =>
  `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
