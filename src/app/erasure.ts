import { randomUUID } from 'node:crypto';
import { RecordNotFoundError } from '../domain/case/errors.js';
import type { Actor } from '../domain/events/envelope.js';
import { isSealed, valueAt } from '../domain/record/personal.js';
import { normalisePhone } from '../domain/record/phone.js';
import { recordOf, type RecordType } from '../domain/records.js';
import { EngineError, hasCode } from '../errors.js';
import type { Clock } from '../runtime/clock.js';
import { isStreamNotFound } from '../store/errors.js';
import { personalVaultOf } from '../store/personal/store.js';
import { personalFieldsOf } from '../store/personal/vault.js';
import { NO_STREAM, type EventStore, type RecordedEvent } from '../store/port.js';
import { caseOfStream, scanLog } from './log-scan.js';
import { streamName } from './case-history.js';

/** The streams of erasures: one event each, `PersonalDataErased`, naming the records and keys, never the person. */
export const ERASURE_STREAM_PREFIX = 'erasure-';
export const PERSONAL_DATA_ERASED = 'PersonalDataErased';

export const NO_PERSONAL_DATA_KEYS = 'NO_PERSONAL_DATA_KEYS' as const;
/** The store was opened without the keys of personal data: nothing can be erased through it. */
export class NoPersonalDataKeysError extends EngineError {
  readonly code = NO_PERSONAL_DATA_KEYS;
}
export const isNoPersonalDataKeys = hasCode<NoPersonalDataKeysError>(NO_PERSONAL_DATA_KEYS);

/** Whose personal data: a person by their phone (all their records), or one record's person. */
export type ErasureTarget = { readonly phone: string } | { readonly caseType: RecordType; readonly caseId: string };

export interface ErasedRecord {
  readonly caseType: string;
  readonly caseId: string;
  readonly propertyId: string;
  /** False for a record stored before personal data was sealed: its fields are in the log as written and cannot be shredded. */
  readonly sealed: boolean;
}

export interface ErasureResult {
  readonly erasureId: string;
  readonly records: readonly ErasedRecord[];
  /** Data keys destroyed now (a key erased before is not counted again). */
  readonly keysDestroyed: number;
  readonly erasedAt: string;
  readonly erasedBy: Actor;
}

/** A record's creating event, as a person's record: its property, its keys, and whether its phone is the one asked for. */
const recordOfEvent = (event: RecordedEvent) => {
  const of = caseOfStream(event.streamName);
  if (!of || event.revision !== 0n || personalFieldsOf(of.caseType).length === 0) return undefined;
  const propertyId = (event.metadata as { propertyId?: unknown } | null)?.propertyId;
  const sealed = personalFieldsOf(of.caseType).some((path) => isSealed(valueAt(event.data, path)));
  return { ...of, propertyId: typeof propertyId === 'string' ? propertyId : '', sealed };
};

/**
 * Erases one person's personal data by destroying the data keys their records' fields are sealed
 * with ("crypto-shredding"): the events stay as they are, so every record, its timeline, its hash
 * chain and its KPIs stay intact and verifiable, and the fields read as erased, with who erased
 * them and when. The erasure is an event of its own (stream `erasure-<id>`), written before the keys
 * are destroyed: an erasure that stops between the two is recorded, and doing it again finishes it.
 * A person named by phone is found by reading every record's creating event in the log (their
 * phone opened and compared in one spelling): exact, whatever the read models hold.
 * `visible` limits it to the records of the properties the caller may see.
 */
export const erasePersonalData = async (
  deps: { readonly store: EventStore; readonly clock: Clock },
  target: ErasureTarget,
  erasedBy: Actor,
  visible: (propertyId: string) => boolean = () => true,
): Promise<ErasureResult> => {
  const vault = personalVaultOf(deps.store);
  if (!vault) throw new NoPersonalDataKeysError('the event store was opened without the keys of personal data (keys.db and the master key)');
  const found: Array<{ record: ErasedRecord; keys: string[] }> = [];
  const take = (event: RecordedEvent) => {
    const record = recordOfEvent(event);
    if (!record || !visible(record.propertyId)) return false;
    found.push({ record, keys: vault.keysIn(record.caseType, event.data) });
    return true;
  };
  if ('phone' in target) {
    const wanted = normalisePhone(target.phone);
    await scanLog(deps.store, (event) => {
      const of = caseOfStream(event.streamName);
      if (!of || event.revision !== 0n) return;
      const phone = recordOf(of.caseType).contactPhone?.(event.opened ?? event.data);
      if (phone && normalisePhone(phone) === wanted) take(event);
    });
  } else {
    let first: RecordedEvent | undefined;
    try {
      [first] = await deps.store.readStream(streamName(target.caseType, target.caseId), { maxCount: 1 });
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
    }
    if (!first || !take(first)) throw new RecordNotFoundError(target.caseType, target.caseId);
  }
  const erasureId = randomUUID();
  const erasedAt = deps.clock.now().toString();
  const keys = [...new Set(found.flatMap((f) => f.keys))];
  const records = found.map((f) => f.record);
  if (records.length > 0) {
    const event = {
      id: erasureId,
      type: PERSONAL_DATA_ERASED,
      data: {
        by: 'phone' in target ? 'phone' : 'record',
        records: records.map(({ caseType, caseId, propertyId, sealed }) => ({ caseType, caseId, propertyId, sealed })),
        keys,
      },
      metadata: { actor: erasedBy, recordedAt: erasedAt },
    };
    await deps.store.appendToStream(`${ERASURE_STREAM_PREFIX}${erasureId}`, [event], { expectedRevision: NO_STREAM });
  }
  const keysDestroyed = vault.keys.erase(keys, erasedBy, erasedAt);
  return { erasureId, records, keysDestroyed, erasedAt, erasedBy };
};
