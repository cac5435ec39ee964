import { isStoreUnavailable, type StoreUnavailableError } from './errors.js';
import type { EventStore } from './port.js';

/** What an outage stops: appends, or reads (a store may refuse writes, on a full disk, and still read). */
export type OutageKind = 'writes' | 'reads';

/** An outage of the store: what it stops, since when (epoch ms), the first failure's error, and the failed calls so far. */
export interface StoreOutage {
  readonly kind: OutageKind;
  readonly since: number;
  readonly error: StoreUnavailableError;
  readonly failures: number;
}

export interface OutageReport {
  /** The first call of its kind that failed with STORE_UNAVAILABLE after one that succeeded (or the first call). */
  began(outage: StoreOutage): void;
  /** The first call of its kind that the store answered after an outage (a refusal of its own counts: it answered). */
  ended(outage: StoreOutage, at: number): void;
}

/** What a store error says of its cause: SQLite's code and message (`SQLITE_FULL: database or disk is full`), a system call's, or the engine's own. */
export const causeOf = (error: StoreUnavailableError): { code: string | null; message: string } => {
  for (let at: unknown = error.cause, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string') return { code, message: at.message };
  }
  return { code: null, message: error.cause instanceof Error ? error.cause.message : error.message };
};

/**
 * The store, telling `report` when its writes (or its reads) become unavailable and when they
 * work again: once each, however many calls fail in between, so that a long outage (a full disk)
 * is one log line with its cause rather than one a request. Writes and reads are followed apart:
 * a read that succeeds during a full disk says nothing of the next append. The other methods are
 * the store's own.
 */
export const reportingOutages = (store: EventStore, report: OutageReport, now: () => number): EventStore & { outage(): StoreOutage | undefined } => {
  const outages = new Map<OutageKind, StoreOutage>();
  const answered = (kind: OutageKind) => {
    const ended = outages.get(kind);
    if (!ended) return;
    outages.delete(kind);
    report.ended(ended, now());
  };
  const failed = (kind: OutageKind, error: unknown) => {
    if (!isStoreUnavailable(error)) return answered(kind);
    const going = outages.get(kind);
    if (going) {
      outages.set(kind, { ...going, failures: going.failures + 1 });
      return;
    }
    const outage = { kind, since: now(), error, failures: 1 };
    outages.set(kind, outage);
    report.began(outage);
  };
  const watched =
    <A extends unknown[], R>(kind: OutageKind, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await call(...args);
        answered(kind);
        return result;
      } catch (error) {
        failed(kind, error);
        throw error;
      }
    };
  return {
    ...store,
    appendToStream: watched('writes', store.appendToStream),
    readStream: watched('reads', store.readStream),
    ...(store.hasStream ? { hasStream: watched('reads', store.hasStream) } : {}),
    readAll: watched('reads', store.readAll),
    /** The outage going on, writes first. */
    outage: () => outages.get('writes') ?? outages.get('reads'),
  };
};
