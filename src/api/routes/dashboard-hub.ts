import type { ServerResponse } from 'node:http';
import { EngineError } from '../../errors.js';

/** Caps on open dashboard streams; beyond them a new one is answered 429 with Retry-After. */
export interface StreamCaps {
  /** Open streams per token (a manager's tabs and screens). Default 8. */
  readonly perToken: number;
  /** Open streams in this process. Default 500. */
  readonly total: number;
}
export const DEFAULT_STREAM_CAPS: StreamCaps = { perToken: 8, total: 500 };

export const TOO_MANY_STREAMS = 'TOO_MANY_STREAMS' as const;
export class TooManyStreamsError extends EngineError {
  readonly code = TOO_MANY_STREAMS;
}
/** Seconds a refused stream is told to wait: about as long as a tab takes to be closed. */
export const STREAM_RETRY_AFTER_SECONDS = 10;

/** A message of a stream, serialised once for all its viewers: the dashboard, or the problem in its place. */
export interface SharedDashboard {
  readonly event: 'dashboard' | 'problem';
  readonly data: string;
}
const SHARED_MAX = 1_000;

interface OpenStream {
  readonly raw: ServerResponse;
  readonly tokenId: string;
  /** Still good? Checked each second: a revoked or expired token's streams are ended. */
  readonly stillValid: () => boolean;
}

/** When a shared dashboard may be reused, and how often one may be computed. */
export interface ShareOptions {
  /** Its age at most, by the server's clock (a new viewer's first dashboard should tell the time of its connection). */
  readonly freshMs?: number;
  /**
   * Least time between the starts of two computations of the key: an asker of a newer dashboard
   * sooner than that waits for the next one, shared by all who ask meanwhile. Without it, a
   * dashboard newer than the last is computed at once (one asker waiting for an answer now).
   */
  readonly spacingMs?: number;
}

interface Shared {
  readonly version: string;
  /** The server's clock (epoch ms) when it was computed. */
  readonly at: number;
  /** Date.now() when its computation started: the spacing is in real time, as the CPU is. */
  readonly startedAt: number;
  readonly body: Promise<SharedDashboard>;
  /** The next computation of the key, once asked for within the spacing. */
  next?: Promise<SharedDashboard>;
}

/**
 * The open dashboard streams, and what they share.
 *
 * - Each property has a change counter, moved once per applied batch or clock move (not once per
 *   stream). A dashboard computed for a query at a counter value is shared by every stream of the
 *   same query, and every GET of it, until the counter moves: 200 viewers of one board cost one
 *   computation per change, and one serialisation, then 200 writes.
 * - Streams space the computations of their query (`spacingMs`): however many streams follow it
 *   and however often the cases change, a query is computed at most once per interval, and every
 *   stream then sends that one.
 * - Streams are counted per token and in total, and each second every stream's token is checked
 *   again, so a revoked or expired token stops receiving within about a second.
 * - `endAll` ends every stream, for a server that is closing.
 */
export const dashboardHub = (caps: StreamCaps, now: () => number = Date.now) => {
  const open = new Set<OpenStream>();
  const perToken = new Map<string, number>();
  const changes = new Map<string, number>();
  let allChanges = 0;
  const shared = new Map<string, Shared>();

  const versionOf = (propertyId: string) => `${allChanges}.${changes.get(propertyId) ?? 0}`;
  const checker = setInterval(() => {
    for (const stream of open) if (!stream.stillValid()) stream.raw.end();
  }, 1000);
  checker.unref();

  /** Computes the key's dashboard at the property's current change, and keeps it for those who ask next. */
  const computeNow = (propertyId: string, key: string, compute: () => Promise<SharedDashboard>): Promise<SharedDashboard> => {
    const version = versionOf(propertyId);
    // Keys of streams long closed are not kept for ever.
    if (shared.size >= SHARED_MAX) shared.clear();
    const body = compute();
    const entry: Shared = { version, at: now(), startedAt: Date.now(), body };
    shared.set(key, entry);
    body.catch(() => {
      if (shared.get(key) === entry) shared.delete(key);
    });
    return body;
  };

  /**
   * The serialised message of `key` (a property and its query) at the property's current change:
   * the one already computed, or being computed, for it if fresh enough; else the next one,
   * computed at once or, within `spacingMs` of the last, when the spacing allows.
   */
  const dashboard = (propertyId: string, key: string, compute: () => Promise<SharedDashboard>, options: ShareOptions = {}): Promise<SharedDashboard> => {
    const known = shared.get(key);
    if (known && known.version === versionOf(propertyId) && now() - known.at <= (options.freshMs ?? Number.POSITIVE_INFINITY)) return known.body;
    const wait = known && options.spacingMs !== undefined ? known.startedAt + options.spacingMs - Date.now() : 0;
    if (!known || wait <= 0) return computeNow(propertyId, key, compute);
    // Someone may compute a newer one meanwhile (a GET): when the wait is over, that one is shared if still current.
    known.next ??= new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => dashboard(propertyId, key, compute, { freshMs: options.freshMs }));
    return known.next;
  };

  return {
    /** A property's cases changed (an applied batch). */
    changed(propertyId: string) {
      changes.set(propertyId, (changes.get(propertyId) ?? 0) + 1);
    },
    /** Every property's figures changed (the clock moved). */
    changedAll() {
      allChanges++;
    },
    dashboard,
    /** Admits a stream or throws TooManyStreamsError; the returned function forgets it. */
    admit(stream: OpenStream): () => void {
      const mine = perToken.get(stream.tokenId) ?? 0;
      if (mine >= caps.perToken) {
        throw new TooManyStreamsError(`this token already has ${mine} open dashboard streams (at most ${caps.perToken}); close one`, {
          retryAfterSeconds: STREAM_RETRY_AFTER_SECONDS,
        });
      }
      if (open.size >= caps.total) {
        throw new TooManyStreamsError(`the server has ${open.size} open dashboard streams (at most ${caps.total}); try again later`, {
          retryAfterSeconds: STREAM_RETRY_AFTER_SECONDS,
        });
      }
      open.add(stream);
      perToken.set(stream.tokenId, mine + 1);
      let forgotten = false;
      return () => {
        if (forgotten) return;
        forgotten = true;
        open.delete(stream);
        const left = (perToken.get(stream.tokenId) ?? 1) - 1;
        if (left > 0) perToken.set(stream.tokenId, left);
        else perToken.delete(stream.tokenId);
        // Dashboards nobody follows any more are not kept.
        if (open.size === 0) shared.clear();
      };
    },
    get size() {
      return open.size;
    },
    endAll() {
      clearInterval(checker);
      for (const stream of open) stream.raw.end();
    },
  };
};
export type DashboardHub = ReturnType<typeof dashboardHub>;
