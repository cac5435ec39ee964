/** Translation between the port's shapes and `@eventstore/db-client`'s. */
import {
  ANY as CLIENT_ANY,
  NO_STREAM as CLIENT_NO_STREAM,
  STREAM_EXISTS as CLIENT_STREAM_EXISTS,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type Position as ClientPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { ANY, NO_STREAM, STREAM_EXISTS, type EventToAppend, type ExpectedRevision, type Json, type Position, type RecordedEvent } from './port.js';

export const toClientRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case NO_STREAM:
      return CLIENT_NO_STREAM;
    case STREAM_EXISTS:
      return CLIENT_STREAM_EXISTS;
    case ANY:
      return CLIENT_ANY;
    default:
      return expected;
  }
};

export const toClientPosition = (position: Position): ClientPosition => ({ commit: position.commit, prepare: position.prepare });

const utf8 = new TextEncoder();

/**
 * Metadata is handed to the client as JSON bytes rather than as an object: the client drops a
 * falsy metadata value (`null`, `0`, `false`, `""`), and the bytes are exactly what it would
 * have sent for an object, so other readers of the stream see the same thing.
 */
export const toClientEvent = (event: EventToAppend): EventData =>
  jsonEvent({
    id: event.id,
    type: event.type,
    // The client types data as object | array | string; any JSON value serialises the same way.
    data: event.data as JSONType,
    metadata: utf8.encode(JSON.stringify(event.metadata)),
  });

/** Payload bytes of an append, to report the size when the server refuses it. */
export const appendSize = (events: readonly EventToAppend[]): number =>
  events.reduce((sum, event) => sum + utf8.encode(JSON.stringify(event.data)).length + utf8.encode(JSON.stringify(event.metadata)).length, 0);

const decoder = new TextDecoder();

/** Bytes the client could not parse as JSON (written by some other tool) are returned as text. */
const toJson = (value: unknown): Json => {
  if (value === undefined) return null;
  if (value instanceof Uint8Array) {
    const text = decoder.decode(value);
    try {
      return JSON.parse(text) as Json;
    } catch {
      return text;
    }
  }
  return value as Json;
};

const isSystem = (name: string): boolean => name.startsWith('$');

/**
 * Where a read or delivered event sits in $all. $all reads always carry it; some server versions
 * omit it on stream reads, where only the commit position of the enclosing read is known.
 */
export const positionOf = (resolved: ResolvedEvent): Position | undefined => {
  const position = resolved.event?.position;
  if (position) return { commit: position.commit, prepare: position.prepare };
  const commit = resolved.commitPosition;
  return commit === undefined ? undefined : { commit, prepare: commit };
};

/**
 * The port's view of a read or delivered event; `undefined` for what the engine must not see:
 * system events (`$`-prefixed type or stream) and unresolved links.
 */
export const toRecordedEvent = (resolved: ResolvedEvent): RecordedEvent | undefined => {
  const event = resolved.event;
  if (!event || isSystem(event.type) || isSystem(event.streamId)) return undefined;
  return {
    id: event.id,
    type: event.type,
    data: toJson(event.data),
    metadata: toJson(event.metadata),
    streamName: event.streamId,
    revision: event.revision,
    position: positionOf(resolved) ?? { commit: -1n, prepare: -1n },
  };
};
