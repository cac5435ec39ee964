import { z } from 'zod';
import { actorSchema, instantSchema } from '../events/envelope.js';

/**
 * Personal data in stored events. A record type names, in its descriptor (`personal`), the fields of
 * its creating event that hold the name and phone of the person it is for; the application stores
 * each of them sealed (`pii:v1:<key id>:<ciphertext>`, AES-256-GCM under the record's own data key:
 * src/store/personal) and opens them as they are read. A field whose key was destroyed (an erasure)
 * opens as `ErasedField`: who erased it and when. Events stored before sealing hold the plain value
 * and read as they were written.
 */
export const SEALED_PREFIX = 'pii:v1:';

/** A sealed field as stored: the key's id and the base64url of IV, ciphertext and tag. */
export const sealedFieldSchema = z.string().regex(/^pii:v1:[0-9a-f]{32}:[A-Za-z0-9_-]+$/, 'a sealed personal field');

/** What an erased personal field reads as: the person's data is gone, the fact of its erasure is not. */
export const erasedFieldSchema = z.strictObject({
  erased: z.literal(true),
  erasedAt: instantSchema,
  erasedBy: actorSchema,
});
export type ErasedField = z.infer<typeof erasedFieldSchema>;

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(SEALED_PREFIX);
export const isErased = (value: unknown): value is ErasedField =>
  typeof value === 'object' && value !== null && (value as { erased?: unknown }).erased === true;

/**
 * A personal field of a stored event: its value as written (opened, or stored before sealing), still
 * sealed (read without the keys), or erased. Commands take the plain schema; only events read this.
 */
export const storedPersonal = <S extends z.ZodType>(schema: S) => z.union([schema, sealedFieldSchema, erasedFieldSchema]);

/** The value at a dotted path (`owner.phone`) of an event's data. */
export const valueAt = (data: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), data);

/** A copy of `data` with the value at each path that holds a string replaced by `replace(value, path)`; the rest shared. */
export const mapPersonal = (data: unknown, paths: readonly string[], replace: (value: unknown, path: string) => unknown): unknown => {
  let copy = data;
  for (const path of paths) {
    const value = valueAt(copy, path);
    if (value === undefined) continue;
    const next = replace(value, path);
    if (next !== value) copy = setAt(copy, path.split('.'), next);
  }
  return copy;
};

const setAt = (data: unknown, keys: readonly string[], value: unknown): unknown => {
  const [key, ...rest] = keys;
  const object = data as Record<string, unknown>;
  return { ...object, [key!]: rest.length === 0 ? value : setAt(object[key!], rest, value) };
};
