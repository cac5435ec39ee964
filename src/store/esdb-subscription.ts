/**
 * A $all subscription that survives connection drops. The client ends a subscription on the
 * first error and never resubscribes; this one subscribes again from the last event it saw, with
 * capped exponential backoff, until `unsubscribe()`. Events at or before the last seen position
 * are dropped, so a resubscription neither repeats nor skips anything.
 */
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import { isStoreUnavailable } from './errors.js';
import { backoffDelay, toStoreError, type RetryPolicy } from './esdb-errors.js';
import { positionOf, toRecordedEvent } from './esdb-convert.js';
import { comparePositions, type Position, type RecordedEvent, type Subscription, type SubscriptionMessage } from './port.js';

export interface ResubscribingOptions {
  /** Opens a client subscription delivering what follows `from` (exclusive). */
  readonly open: (from: Position | 'start') => AllStreamSubscription;
  readonly from: Position | 'start';
  /** Client-side part of the filter; the server-side part is already in `open`. */
  readonly accept: (event: RecordedEvent) => boolean;
  readonly backoff: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>;
  readonly onEnd?: () => void;
}

/** Undelivered messages held before the client stream is paused (bounded memory during catch-up). */
const HIGH_WATER = 512;
const LOW_WATER = 64;

export const resubscribingSubscription = (options: ResubscribingOptions): Subscription => {
  const queue: SubscriptionMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  let stopped = false;
  let current: AllStreamSubscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retries = 0;
  let lastSeen: Position | undefined = options.from === 'start' ? undefined : options.from;
  let caughtUpSent = false;
  /** Events the client had already taken in when it signalled caughtUp but not yet handed over. */
  let eventsBeforeCaughtUp: number | undefined;

  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const enqueue = (message: SubscriptionMessage): void => {
    queue.push(message);
    if (queue.length >= HIGH_WATER) current?.pause();
    notify();
  };
  const emitCaughtUp = (): void => {
    eventsBeforeCaughtUp = undefined;
    if (caughtUpSent) return; // a resubscription catches up again; the consumer is told once
    caughtUpSent = true;
    enqueue({ kind: 'caughtUp', position: lastSeen });
  };

  const onEvent = (resolved: AllStreamResolvedEvent): void => {
    retries = 0;
    const position = positionOf(resolved);
    if (position && lastSeen && comparePositions(position, lastSeen) <= 0) {
      countDownToCaughtUp();
      return;
    }
    if (position) lastSeen = position;
    const event = toRecordedEvent(resolved);
    if (event && options.accept(event)) enqueue({ kind: 'event', event });
    countDownToCaughtUp();
  };
  const countDownToCaughtUp = (): void => {
    if (eventsBeforeCaughtUp === undefined) return;
    eventsBeforeCaughtUp -= 1;
    if (eventsBeforeCaughtUp <= 0) emitCaughtUp();
  };
  /**
   * The client emits `caughtUp` as soon as it parses the message, while events parsed before it
   * may still wait in its readable buffer: count them out before passing the signal on.
   */
  const onCaughtUp = (subscription: AllStreamSubscription): void => {
    const pending = subscription.readableLength;
    if (pending === 0) emitCaughtUp();
    else eventsBeforeCaughtUp = pending;
  };

  const detach = (): void => {
    const subscription = current;
    current = undefined;
    eventsBeforeCaughtUp = undefined;
    if (!subscription) return;
    subscription.removeAllListeners();
    subscription.on('error', () => undefined); // late errors of an abandoned stream are expected
    subscription.unsubscribe().catch(() => undefined);
  };

  const connect = (): void => {
    timer = undefined;
    if (stopped) return;
    const subscription = options.open(lastSeen ?? options.from);
    current = subscription;
    subscription.on('data', onEvent);
    subscription.on('confirmation', () => (retries = 0));
    subscription.on('caughtUp', () => onCaughtUp(subscription));
    subscription.on('error', (error: unknown) => dropped(error));
    // A server that ends the call cleanly is going away all the same.
    subscription.on('end', () => dropped(undefined));
  };

  const dropped = (error: unknown): void => {
    if (stopped) return;
    detach();
    const mapped = error === undefined ? undefined : toStoreError(error);
    if (mapped !== undefined && !isStoreUnavailable(mapped)) {
      finish(mapped);
      return;
    }
    timer = setTimeout(connect, backoffDelay(options.backoff, retries));
    retries += 1;
  };

  const finish = (error?: unknown): void => {
    if (stopped) return;
    stopped = true;
    failure = error;
    if (timer) clearTimeout(timer);
    detach();
    options.onEnd?.();
    notify();
  };

  const next = async (): Promise<IteratorResult<SubscriptionMessage>> => {
    for (;;) {
      const message = queue.shift();
      if (message) {
        if (queue.length <= LOW_WATER && current?.isPaused()) current.resume();
        return { done: false, value: message };
      }
      if (stopped) {
        const error = failure;
        failure = undefined;
        if (error !== undefined) throw error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  const unsubscribe = async (): Promise<void> => {
    queue.length = 0;
    finish();
  };

  connect();
  return {
    unsubscribe,
    [Symbol.asyncIterator]: () => ({
      next,
      return: async () => {
        await unsubscribe();
        return { done: true, value: undefined };
      },
    }),
  };
};
