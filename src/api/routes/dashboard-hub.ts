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

/**
 * The open dashboard streams, and what they share.
 *
 * - Each property has a change counter, moved once per applied batch or clock move (not once per
 *   stream). A dashboard computed for a query at a counter value is shared by every stream of the
 *   same query until the counter moves: 200 viewers of one board cost one computation per change,
 *   and one serialisation, then 200 writes.
 * - Streams are counted per token and in total, and each second every stream's token is checked
 *   again, so a revoked or expired token stops receiving within about a second.
 * - `endAll` ends every stream, for a server that is closing.
 */
export const dashboardHub = (caps: StreamCaps) => {
  const open = new Set<OpenStream>();
  const perToken = new Map<string, number>();
  const changes = new Map<string, number>();
  let allChanges = 0;
  const shared = new Map<string, { readonly version: string; readonly at: number; readonly body: Promise<SharedDashboard> }>();

  const versionOf = (propertyId: string) => `${allChanges}.${changes.get(propertyId) ?? 0}`;
  const checker = setInterval(() => {
    for (const stream of open) if (!stream.stillValid()) stream.raw.end();
  }, 1000);
  checker.unref();

  return {
    /** A property's cases changed (an applied batch). */
    changed(propertyId: string) {
      changes.set(propertyId, (changes.get(propertyId) ?? 0) + 1);
    },
    /** Every property's figures changed (the clock moved). */
    changedAll() {
      allChanges++;
    },
    /**
     * The serialised message of `key` (a property and its query) at the property's current
     * change: the one already computed, or being computed, for it; else `compute`'s. `freshMs`
     * bounds its age (a new viewer's first dashboard should tell the time of its connection).
     */
    dashboard(propertyId: string, key: string, compute: () => Promise<SharedDashboard>, freshMs = Number.POSITIVE_INFINITY): Promise<SharedDashboard> {
      const version = versionOf(propertyId);
      const known = shared.get(key);
      if (known && known.version === version && Date.now() - known.at <= freshMs) return known.body;
      // Keys of streams long closed are not kept for ever.
      if (shared.size >= SHARED_MAX) shared.clear();
      const body = compute();
      shared.set(key, { version, at: Date.now(), body });
      body.catch(() => shared.delete(key));
      return body;
    },
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
