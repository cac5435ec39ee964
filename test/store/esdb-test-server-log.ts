/**
 * The stand-in EventStoreDB's log: plain data, kept across a stop and restart of the stand-in
 * so a test can drop the server and bring it back with its events. Append and read rules follow
 * EventStoreDB's (see esdb-test-server.ts for what the stand-in cannot prove).
 */

export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent, LogPosition {
  readonly stream: string;
  readonly revision: bigint;
  /** 100-ns ticks since the Unix epoch, as the server sends them. */
  readonly created: string;
}

export interface StandInData {
  /** $all, in log order. */
  readonly events: StoredEvent[];
  readonly streams: Map<string, StoredEvent[]>;
  nextPosition: bigint;
}

export type Expected = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type AppendOutcome =
  | { readonly kind: 'success'; readonly revision: bigint; readonly position: LogPosition }
  | { readonly kind: 'wrong-expected-version'; readonly current: bigint | undefined }
  | { readonly kind: 'too-large'; readonly maxAppendSize: number };

/** EventStoreDB's default `MaxAppendSize`. */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** Record framing in the real log; makes positions monotonic but not contiguous, as they are there. */
const RECORD_OVERHEAD = 64n;

const ticksNow = (): string => (BigInt(Date.now()) * 10_000n).toString();

/**
 * A fresh log. Like a real node's, it does not start empty: a system event comes first, so
 * clients are exercised on skipping `$` streams.
 */
export const createStandInData = (): StandInData => {
  const data: StandInData = { events: [], streams: new Map(), nextPosition: 0n };
  const settings = new TextEncoder().encode('{}');
  const empty = new Uint8Array();
  write(data, '$settings', [
    { id: '00000000-0000-4000-8000-000000000000', type: '$settings', contentType: 'application/json', data: settings, metadata: empty },
  ]);
  return data;
};

export const comparePosition = (a: LogPosition, b: LogPosition): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

/** Index of the first event of $all at or after (`inclusive`) / strictly after `position`. */
export const indexFrom = (data: StandInData, position: LogPosition, inclusive: boolean): number => {
  let low = 0;
  let high = data.events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = comparePosition(data.events[middle]!, position);
    if (order < 0 || (order === 0 && !inclusive)) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** One commit position per append, each event its own prepare position within it. */
const write = (data: StandInData, stream: string, proposed: readonly ProposedEvent[]): AppendOutcome => {
  const events = data.streams.get(stream) ?? [];
  data.streams.set(stream, events);
  const commit = data.nextPosition;
  let prepare = commit;
  const created = ticksNow();
  for (const event of proposed) {
    const stored: StoredEvent = { ...event, stream, revision: BigInt(events.length), commit, prepare, created };
    events.push(stored);
    data.events.push(stored);
    prepare += BigInt(event.data.length + event.metadata.length + event.type.length) + RECORD_OVERHEAD;
  }
  data.nextPosition = prepare + RECORD_OVERHEAD;
  const last = events.at(-1)!;
  return { kind: 'success', revision: last.revision, position: last };
};

/** The original outcome when `proposed` are exactly the stream's events from `first` on. */
const alreadyWritten = (events: readonly StoredEvent[], first: number, proposed: readonly ProposedEvent[]): AppendOutcome | undefined => {
  if (first < 0 || first + proposed.length > events.length) return undefined;
  if (!proposed.every((event, index) => events[first + index]!.id === event.id)) return undefined;
  const last = events[first + proposed.length - 1]!;
  return { kind: 'success', revision: last.revision, position: last };
};

/**
 * EventStoreDB's append decision. Idempotency: with an exact expected revision (or no_stream),
 * events already stored right after that revision with the same ids are acknowledged again with
 * their original result, from the index, durably. With any/stream_exists the server only checks
 * a bounded in-memory cache of recent ids; this log always finds them (the cache never expires).
 * Event ids are unique per stream only: the same ids in another stream are written again.
 */
export const append = (
  data: StandInData,
  stream: string,
  expected: Expected,
  proposed: readonly ProposedEvent[],
  maxAppendSize = DEFAULT_MAX_APPEND_SIZE,
): AppendOutcome => {
  const size = proposed.reduce((sum, event) => sum + event.data.length + event.metadata.length, 0);
  if (size > maxAppendSize) return { kind: 'too-large', maxAppendSize };
  const events = data.streams.get(stream) ?? [];
  const current = events.length === 0 ? undefined : BigInt(events.length - 1);
  const conflict: AppendOutcome = { kind: 'wrong-expected-version', current };

  if (expected === 'any' || expected === 'stream_exists') {
    if (expected === 'stream_exists' && current === undefined) return conflict;
    const first = events.findIndex((event) => event.id === proposed[0]?.id);
    return alreadyWritten(events, first, proposed) ?? write(data, stream, proposed);
  }
  const revision = expected === 'no_stream' ? -1n : expected;
  const at = current ?? -1n;
  if (revision === at) return write(data, stream, proposed);
  if (revision > at) return conflict;
  return alreadyWritten(events, Number(revision + 1n), proposed) ?? conflict;
};

export type StreamStart = 'start' | 'end' | bigint;

/** A stream read; `undefined` when the stream has no events. */
export const readStreamSlice = (data: StandInData, stream: string, from: StreamStart, forwards: boolean, count: number): StoredEvent[] | undefined => {
  const events = data.streams.get(stream);
  if (!events?.length) return undefined;
  if (forwards) {
    const start = from === 'start' ? 0 : from === 'end' ? events.length : Number(from);
    return events.slice(start, start + count);
  }
  const start = from === 'end' || from === 'start' ? events.length - 1 : Math.min(Number(from), events.length - 1);
  return events.slice(Math.max(0, start - count + 1), start + 1).reverse();
};

export type AllStart = 'start' | 'end' | LogPosition;

/** A $all read: forwards inclusive of `from`, backwards strictly before it. */
export const readAllSlice = (data: StandInData, from: AllStart, forwards: boolean, count: number): StoredEvent[] => {
  const length = data.events.length;
  if (forwards) {
    const start = from === 'start' ? 0 : from === 'end' ? length : indexFrom(data, from, true);
    return data.events.slice(start, start + count);
  }
  const end = from === 'end' || from === 'start' ? length : indexFrom(data, from, true);
  return data.events.slice(Math.max(0, end - count), end).reverse();
};
