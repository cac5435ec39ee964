/**
 * The stand-in's Streams.Read: stream reads, $all reads and $all subscriptions
 * (confirmation → catch-up → caughtUp → live, with filters and checkpoints).
 */
import { randomUUID } from 'node:crypto';
import grpc from '@grpc/grpc-js';
import { indexFrom, readAllSlice, readStreamSlice, type AllStart, type StandInData, type StoredEvent, type StreamStart } from './esdb-test-server-log.js';
import { checkpoint, readEvent, ReadResp, streamIdentifier, streamNameOf, type streamsPb } from './esdb-test-server-messages.js';

type ReadCall = grpc.ServerWritableStream<InstanceType<typeof streamsPb.ReadReq>, InstanceType<typeof streamsPb.ReadResp>>;
type ReadOptions = InstanceType<typeof streamsPb.ReadReq.Options>;
type FilterOptions = InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions>;

/** Wakes live subscriptions after each append. */
export interface AppendSignal {
  wait(): Promise<void>;
  notify(): void;
}

export const createAppendSignal = (): AppendSignal => {
  let waiters: (() => void)[] = [];
  return {
    wait: () => new Promise((resolve) => waiters.push(resolve)),
    notify: () => {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
};

export interface ReadSettings {
  readonly data: StandInData;
  readonly appended: AppendSignal;
  /** Servers before 23.10 never send caughtUp. */
  readonly signalCaughtUp: boolean;
}

const FORWARDS = 0;
/** The client's checkpoint interval is a multiplier of this many scanned events. */
const CHECKPOINT_WINDOW = 32;

const streamStart = (options: InstanceType<typeof streamsPb.ReadReq.Options.StreamOptions>): StreamStart =>
  options.hasRevision() ? BigInt(options.getRevision()) : options.hasEnd() ? 'end' : 'start';

const allStart = (options: InstanceType<typeof streamsPb.ReadReq.Options.AllOptions>): AllStart => {
  const position = options.getPosition();
  if (position) return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
  return options.hasEnd() ? 'end' : 'start';
};

/** Prefixes or a regex (JavaScript's dialect, not .NET's), on the stream name or the event type. */
const eventFilter = (filter: FilterOptions | undefined): ((event: StoredEvent) => boolean) | undefined => {
  const onStream = filter?.hasStreamIdentifier() ?? false;
  const expression = onStream ? filter?.getStreamIdentifier() : filter?.getEventType();
  if (!expression) return undefined;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (event) => {
    const subject = onStream ? event.stream : event.type;
    if (prefixes.length > 0) return prefixes.some((prefix) => subject.startsWith(prefix));
    return regex ? regex.test(subject) : true;
  };
};

const drainedOrGone = (call: ReadCall): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });

/** Writes with backpressure; false once the client has gone. */
const send = async (call: ReadCall, message: InstanceType<typeof streamsPb.ReadResp>): Promise<boolean> => {
  if (call.cancelled || call.destroyed) return false;
  if (!call.write(message)) await drainedOrGone(call);
  return !call.cancelled;
};

const subscribeToAll = async (call: ReadCall, options: ReadOptions, settings: ReadSettings): Promise<void> => {
  const { data, appended } = settings;
  const from = allStart(options.getAll()!);
  let next = from === 'start' ? 0 : from === 'end' ? data.events.length : indexFrom(data, from, false);
  const matches = eventFilter(options.getFilter());
  const checkpointEvery = (options.getFilter()?.getCheckpointintervalmultiplier() || 1) * CHECKPOINT_WINDOW;
  let scanned = 0;
  let caughtUp = false;
  let gone = false;
  call.on('cancelled', () => {
    gone = true;
    appended.notify();
  });

  const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
  if (!(await send(call, new ReadResp().setConfirmation(confirmation)))) return;
  while (!gone) {
    while (next < data.events.length) {
      const event = data.events[next++]!;
      scanned += 1;
      if (!matches || matches(event)) {
        if (!(await send(call, readEvent(event)))) return;
      } else if (scanned % checkpointEvery === 0) {
        if (!(await send(call, checkpoint(event)))) return;
      }
    }
    if (!caughtUp) {
      caughtUp = true;
      if (settings.signalCaughtUp && !(await send(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) return;
    }
    await appended.wait();
  }
};

export const handleRead = async (call: ReadCall, settings: ReadSettings): Promise<void> => {
  const options = call.request.getOptions();
  if (!options) return void call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'no read options' });
  const forwards = options.getReadDirection() === FORWARDS;
  const count = Number(options.getCount() || '0');

  if (options.hasAll()) {
    if (options.hasSubscription()) return subscribeToAll(call, options, settings);
    for (const event of readAllSlice(settings.data, allStart(options.getAll()!), forwards, count)) {
      if (!(await send(call, readEvent(event)))) return;
    }
    return void call.end();
  }

  const streamOptions = options.getStream();
  if (!streamOptions || options.hasSubscription()) {
    return void call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'the stand-in reads $all and streams, and subscribes to $all only' });
  }
  const name = streamNameOf(streamOptions.getStreamIdentifier());
  const events = readStreamSlice(settings.data, name, streamStart(streamOptions), forwards, count);
  if (!events) {
    const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
    await send(call, new ReadResp().setStreamNotFound(notFound));
    return void call.end();
  }
  for (const event of events) {
    if (!(await send(call, readEvent(event)))) return;
  }
  call.end();
};
