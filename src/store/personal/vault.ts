import { isSealed, mapPersonal, SEALED_PREFIX, valueAt } from '../../domain/record/personal.js';
import { isRecordType, recordOf } from '../../domain/records.js';
import { decrypt, encrypt } from './cipher.js';
import { PersonalDataKeyError, type KeyStore } from './key-store.js';

/** The personal fields of a record type's creating event; none for a type that keeps none. */
export const personalFieldsOf = (caseType: string): readonly string[] => (isRecordType(caseType) ? (recordOf(caseType).personal ?? []) : []);

const SEALED = /^pii:v1:([0-9a-f]{32}):([A-Za-z0-9_-]+)$/;

/** The data key id a sealed field names. */
export const keyIdOf = (sealed: string): string | undefined => SEALED.exec(sealed)?.[1];

/**
 * Seals and opens the personal fields of records' creating events, one data key per record (its
 * creating event's fields, all under one key): erasing a record's person destroys that key, and
 * nothing else. Per record rather than per person, because a phone does not name one person (a
 * household shares it, a person changes it, a visitor may leave none); a person's records are found
 * by their phone when they are erased (src/app/erasure.ts).
 */
export const personalVault = (keys: KeyStore) => {
  /** A creating event's data with each personal field sealed under a new data key. */
  const seal = (caseType: string, data: unknown): unknown => {
    const paths = personalFieldsOf(caseType);
    if (paths.length === 0 || !paths.some((path) => typeof valueAt(data, path) === 'string')) return data;
    const { id, key } = keys.take();
    return mapPersonal(data, paths, (value, path) =>
      typeof value === 'string' && !isSealed(value)
        ? `${SEALED_PREFIX}${id}:${encrypt(key, Buffer.from(value, 'utf8'), `${id}:${path}`).toString('base64url')}`
        : value,
    );
  };

  /**
   * A creating event's data with its sealed fields opened (or read as erased, with who erased them
   * and when); undefined when it holds nothing sealed (an event stored before sealing: as written).
   */
  const open = (caseType: string, data: unknown): unknown => {
    const paths = personalFieldsOf(caseType);
    if (paths.length === 0 || !paths.some((path) => isSealed(valueAt(data, path)))) return undefined;
    return mapPersonal(data, paths, (value, path) => {
      if (!isSealed(value)) return value;
      const [, id, body] = SEALED.exec(value) ?? [];
      if (id === undefined || body === undefined) throw new PersonalDataKeyError(`the sealed field ${path} is not in the form pii:v1:<key id>:<ciphertext>`);
      const key = keys.key(id);
      if (key.kind === 'erased') return { erased: true, erasedAt: key.erasedAt, erasedBy: key.erasedBy };
      try {
        return decrypt(key.key, Buffer.from(body, 'base64url'), `${id}:${path}`).toString('utf8');
      } catch {
        throw new PersonalDataKeyError(`the sealed field ${path} does not open with data key ${id}: the event or the key was altered`);
      }
    });
  };

  /** The data keys a stored creating event's personal fields are sealed with. */
  const keysIn = (caseType: string, data: unknown): string[] => [
    ...new Set(
      personalFieldsOf(caseType)
        .map((path) => valueAt(data, path))
        .filter(isSealed)
        .map(keyIdOf)
        .filter((id): id is string => id !== undefined),
    ),
  ];

  return { seal, open, keysIn, keys };
};
export type PersonalVault = ReturnType<typeof personalVault>;
