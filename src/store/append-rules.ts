/**
 * The append rules every embedded adapter applies the same way: size limit, optimistic
 * concurrency and recognition of a retried command. Adapters supply lookups; the decision
 * lives here, once.
 */
import { EventTooLargeError, RevisionConflictError } from './errors.js';
import { ANY, NO_STREAM, STREAM_EXISTS, type AppendResult, type EventToAppend, type ExpectedRevision, type Position, type RecordedEvent } from './port.js';

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** Embedded stores keep one sequence; EventStoreDB's two numbers are then the same. */
export const sequencePosition = (sequence: bigint): Position => ({ commit: sequence, prepare: sequence });

/** An event as it is stored: payloads already serialised, so size and validity are known. */
export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** An event as an embedded store keeps it, before its payloads are parsed back for a reader. */
export interface StoredEvent extends SerializedEvent {
  readonly streamName: string;
  readonly revision: bigint;
}

/** Parsing on every read hands each reader its own copy: nobody can mutate stored history. */
export const recordedEvent = (stored: StoredEvent, sequence: bigint): RecordedEvent => ({
  id: stored.id,
  type: stored.type,
  data: JSON.parse(stored.data),
  metadata: JSON.parse(stored.metadata),
  streamName: stored.streamName,
  revision: stored.revision,
  position: sequencePosition(sequence),
});

/**
 * Serialises before anything is queued or written, so a payload that cannot be stored fails
 * its own append only.
 */
export const serializeForAppend = (stream: string, events: readonly EventToAppend[], maxEventBytes: number): SerializedEvent[] => {
  // Programming errors rather than runtime conditions, hence no engine error code.
  if (events.length === 0) throw new TypeError(`an append to ${stream} carries no events`);
  if (events.length > 1) {
    const ids = new Set<string>();
    for (const { id } of events) {
      if (ids.has(id)) throw new TypeError(`event id ${id} appears twice in one append to ${stream}`);
      ids.add(id);
    }
  }
  return events.map((event) => {
    const data = JSON.stringify(event.data);
    const metadata = JSON.stringify(event.metadata);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit, so most events need no counting.
    if ((data.length + metadata.length) * 3 > maxEventBytes) {
      const size = Buffer.byteLength(data) + Buffer.byteLength(metadata);
      if (size > maxEventBytes) throw new EventTooLargeError(stream, size, maxEventBytes);
    }
    return { id: event.id, type: event.type, data, metadata };
  });
};

/** Where an already stored event sits. */
export interface Placement {
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: Position;
}

/** What an adapter knows about the stream and the ids, read in the same transaction as the write. */
export interface AppendLookup {
  /** The stream's last revision, `undefined` when it has no events. */
  currentRevision(stream: string): bigint | undefined;
  placementOf(eventId: string): Placement | undefined;
}

export type AppendPlan = { readonly kind: 'retried'; readonly result: AppendResult } | { readonly kind: 'write'; readonly firstRevision: bigint };

/**
 * Decides an append: either it repeats one already stored (return the original result, write
 * nothing) or its events go at `firstRevision` onwards. Throws RevisionConflictError otherwise.
 */
export const planAppend = (stream: string, events: readonly Pick<EventToAppend, 'id'>[], expected: ExpectedRevision, lookup: AppendLookup): AppendPlan => {
  const current = lookup.currentRevision(stream);
  const placements = events.map((event) => lookup.placementOf(event.id));
  if (placements.some((placement) => placement !== undefined)) {
    return { kind: 'retried', result: recognizeRetry(stream, placements, expected, current) };
  }
  if (!revisionHolds(expected, current)) throw new RevisionConflictError(stream, expected, current);
  return { kind: 'write', firstRevision: current === undefined ? 0n : current + 1n };
};

const revisionHolds = (expected: ExpectedRevision, current: bigint | undefined): boolean => {
  if (expected === ANY) return true;
  if (expected === NO_STREAM) return current === undefined;
  if (expected === STREAM_EXISTS) return current !== undefined;
  return current === expected;
};

/**
 * A retry is recognised only when every id is stored, in this stream, in the same order, at
 * the place the expected revision names. Any other overlap (ids stored in another stream,
 * partly stored, or further along) is reported as a RevisionConflictError: the stream is not
 * where the writer believes it is, and re-reading it shows the command's events already there,
 * which is exactly the reaction a conflict asks for. Writing them again would duplicate facts.
 */
const recognizeRetry = (
  stream: string,
  placements: readonly (Placement | undefined)[],
  expected: ExpectedRevision,
  current: bigint | undefined,
): AppendResult => {
  const first = placements[0];
  const last = placements[placements.length - 1];
  const inOrder =
    first !== undefined &&
    placements.every((placement, index) => placement !== undefined && placement.streamName === stream && placement.revision === first.revision + BigInt(index));
  if (!inOrder || last === undefined || !placeMatches(expected, first.revision)) {
    throw new RevisionConflictError(stream, expected, current);
  }
  return { nextRevision: last.revision, position: last.position };
};

const placeMatches = (expected: ExpectedRevision, firstRevision: bigint): boolean => {
  if (expected === ANY) return true;
  if (expected === NO_STREAM) return firstRevision === 0n;
  if (expected === STREAM_EXISTS) return firstRevision > 0n;
  return firstRevision === expected + 1n;
};
