import { LRUCache } from 'lru-cache';
import { v5 as uuidv5 } from 'uuid';
import { formatWorkOrderNumber } from '../domain/record/number.js';
import { isRevisionConflict, isStreamNotFound } from '../store/errors.js';
import { NO_STREAM, type EventStore } from '../store/port.js';
import type { Clock } from '../runtime/clock.js';

/**
 * Counter streams are named apart from every record type's `<type>-<id>`, so the projections and
 * the hash-chain verification, which read record streams by their prefix, pass them by.
 */
export const NUMBERING_STREAM_PREFIX = 'numbering-';
export const NUMBER_MINTED = 'WorkOrderNumberMinted';

/** One counter a property, record type and local day: its events are the numbers handed out that day. */
export const counterStream = (propertyId: string, prefix: string, localDate: string) =>
  `${NUMBERING_STREAM_PREFIX}${propertyId}-${prefix}-${localDate.replaceAll('-', '')}`;

export interface NumberRequest {
  readonly propertyId: string;
  readonly prefix: string;
  /** The local date of receipt in the property's zone, YYYY-MM-DD. */
  readonly localDate: string;
  /** The command the number is for, kept in the counter event so that a gap can be explained. */
  readonly commandId: string;
  /** The record it is for. */
  readonly caseId: string;
}

const DEFAULT_MAX_ATTEMPTS = 100;
/** Numbers remembered by the command they were given to. */
const REMEMBERED = 1_000;
const EVENT_ID_NAMESPACE = '2b9c4e71-6a3f-5d08-8e1b-7c5a9f3d2e64';

/**
 * A counter event's id, of the command and the place it is appended at: the store takes an append
 * of ids already at that place as a retry and writes nothing, so an id of the place alone would let
 * two requests share a number; an id of the command alone would be refused at the next place.
 */
const counterEventId = (commandId: string, stream: string, sequence: number) => uuidv5(`${commandId}@${stream}#${sequence}`, EVENT_ID_NAMESPACE);

/**
 * Mints work-order numbers through the event-store port, so it works alike on SQLite and
 * EventStoreDB. The n-th event of a counter stream is the number n of that day: the append expects
 * the revision read, so two minters (two processes, or two servers on one EventStoreDB) never get
 * the same number, and a number once appended is durable and never handed out again, across
 * crashes and restarts. Within one process the mints of one counter wait for each other, so they
 * do not fight over its revision; across processes a conflict is retried at the revision found.
 * A crash between minting and the record's append leaves a gap in the day's sequence, never a
 * duplicate.
 */
export const workOrderNumbers = (deps: { store: EventStore; clock: Clock; maxAttempts?: number }) => {
  const { store, clock } = deps;
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const queues = new Map<string, Promise<unknown>>();
  // Requests retried with one Idempotency-Key while the first is still deciding all ask for a
  // number: the record's command already holds one, so they are given it rather than each a new one.
  const given = new LRUCache<string, string>({ max: REMEMBERED });

  const lastRevision = async (stream: string): Promise<bigint | typeof NO_STREAM> => {
    const known = store.knownRevision?.(stream);
    if (known !== undefined) return known;
    try {
      const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      return last === undefined ? NO_STREAM : last.revision;
    } catch (error) {
      if (isStreamNotFound(error)) return NO_STREAM;
      throw error;
    }
  };

  const append = async (stream: string, request: NumberRequest): Promise<string> => {
    const key = `${stream}|${request.caseId}|${request.commandId}`;
    const earlier = given.get(key);
    if (earlier !== undefined) return earlier;
    const number = await appendNext(stream, request);
    given.set(key, number);
    return number;
  };

  const appendNext = async (stream: string, request: NumberRequest): Promise<string> => {
    let expected = await lastRevision(stream);
    for (let attempt = 1; ; attempt++) {
      const sequence = expected === NO_STREAM ? 1 : Number(expected) + 2;
      const number = formatWorkOrderNumber(request.prefix, request.localDate, sequence);
      const recordedAt = clock.now().toString();
      try {
        await store.appendToStream(
          stream,
          [
            {
              id: counterEventId(request.commandId, stream, sequence),
              type: NUMBER_MINTED,
              data: { number, sequence, propertyId: request.propertyId, date: request.localDate },
              metadata: { commandId: request.commandId, recordedAt },
            },
          ],
          { expectedRevision: expected },
        );
        return number;
      } catch (error) {
        if (!isRevisionConflict(error) || attempt >= maxAttempts) throw error;
        expected = error.actual ?? NO_STREAM;
      }
    }
  };

  /** The next number of the property's day for the record type. */
  const mint = (request: NumberRequest): Promise<string> => {
    const stream = counterStream(request.propertyId, request.prefix, request.localDate);
    const before = queues.get(stream) ?? Promise.resolve();
    const minted = before.then(() => append(stream, request));
    const settled = minted.catch(() => undefined);
    queues.set(stream, settled);
    // The queue of a day no longer minted for is dropped once its last mint is done.
    void settled.then(() => {
      if (queues.get(stream) === settled) queues.delete(stream);
    });
    return minted;
  };

  return { mint };
};
export type WorkOrderNumbers = ReturnType<typeof workOrderNumbers>;
