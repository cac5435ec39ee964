import { LRUCache } from 'lru-cache';
import type { EventStatements } from './sqlite-schema.js';

/** Stream ids remembered at most; one forgotten is only looked up again. */
const STREAM_IDS_REMEMBERED = 20_000;

/**
 * Stream name → id. Streams are never deleted, so an id once committed holds for good; an id
 * given out by a transaction is only remembered once that transaction has committed.
 */
export const createStreamIds = (sql: EventStatements) => {
  const known = new LRUCache<string, bigint>({ max: STREAM_IDS_REMEMBERED });
  const pending = new Map<string, bigint>();
  const remember = (stream: string, id: bigint) => void known.set(stream, id);
  return {
    /** Inside a write transaction: the stream's id, if it exists. */
    find(stream: string): bigint | undefined {
      const id = pending.get(stream) ?? known.get(stream);
      if (id !== undefined) return id;
      // Not begun by this transaction (that would be pending): committed before it.
      const stored = sql.streamId.get(stream);
      if (stored !== undefined) remember(stream, stored);
      return stored;
    },
    added: (stream: string, id: bigint) => void pending.set(stream, id),
    committed() {
      for (const [stream, id] of pending) remember(stream, id);
      pending.clear();
    },
    rolledBack: () => pending.clear(),
  };
};
