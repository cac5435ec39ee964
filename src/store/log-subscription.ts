/**
 * Subscriptions for the embedded stores, built on re-reading the log rather than on
 * buffering: a subscriber keeps only its last position and a doorbell that commits ring.
 * A slow subscriber therefore costs writers nothing, and catch-up and live delivery are one
 * loop, so no event committed between "caught up" and "live" can slip through.
 */
import { StoreUnavailableError } from './errors.js';
import { matchesFilter, type Position, type RecordedEvent, type SubscribeOptions, type Subscription, type SubscriptionMessage } from './port.js';

/** Events strictly after `after`, in log order, at most `limit`. Throws when the store is closed. */
export type ReadAfter = (after: Position | 'start', limit: number) => RecordedEvent[] | Promise<RecordedEvent[]>;

const PAGE_SIZE = 500;

/** Remembers a ring that came while nobody waited, so a commit between read and wait is not missed. */
class Doorbell {
  private rung = false;
  private wake: (() => void) | undefined;

  ring(): void {
    this.rung = true;
    this.wake?.();
  }

  async wait(): Promise<void> {
    if (!this.rung) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    this.rung = false;
  }
}

export interface SubscriptionHub {
  subscribe(options?: SubscribeOptions): Subscription;
  /** Call after every commit, once the events are readable. */
  committed(): void;
  /** Call when the store closes: pending iterations read again and fail with StoreUnavailableError. */
  closed(): void;
}

export const createSubscriptionHub = (readAfter: ReadAfter): SubscriptionHub => {
  const doorbells = new Set<Doorbell>();
  let open = true;
  const ringAll = () => {
    for (const doorbell of doorbells) doorbell.ring();
  };

  return {
    subscribe(options = {}) {
      if (!open) throw new StoreUnavailableError('the event store is closed');
      const doorbell = new Doorbell();
      // Registered before the first read: a commit racing the catch-up still rings.
      doorbells.add(doorbell);
      let stopped = false;

      async function* deliver(): AsyncGenerator<SubscriptionMessage> {
        let last = options.from ?? 'start';
        let caughtUp = false;
        try {
          while (!stopped) {
            const page = await readAfter(last, PAGE_SIZE);
            for (const event of page) {
              if (stopped) return;
              last = event.position;
              if (matchesFilter(event, options.filter)) yield { kind: 'event', event };
            }
            if (page.length === PAGE_SIZE) continue;
            if (!caughtUp && !stopped) {
              caughtUp = true;
              yield { kind: 'caughtUp', position: last === 'start' ? undefined : last };
            }
            if (!stopped) await doorbell.wait();
          }
        } finally {
          doorbells.delete(doorbell);
        }
      }

      const messages = deliver();
      return {
        [Symbol.asyncIterator]: () => messages,
        async unsubscribe() {
          stopped = true;
          doorbells.delete(doorbell);
          doorbell.ring();
        },
      };
    },
    committed: ringAll,
    closed() {
      open = false;
      ringAll();
    },
  };
};
