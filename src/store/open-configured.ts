import type { EventStore } from './port.js';
import { sqliteStoreFromConfig } from './sqlite-from-config.js';

/**
 * The configured store (from-config.ts), with only its adapter loaded: EventStoreDB's client (gRPC,
 * protobuf: some 20 MB of a thread's memory) is loaded when a connection string names it, never by a
 * command or a thread that works on the SQLite file.
 */
export const openConfiguredStore = async (
  config: {
    DATA_DIR: string;
    EVENTSTORE_CONNECTION_STRING?: string | undefined;
  },
  /** `pageCacheKib`: the SQLite connection's page cache (sqlite-from-config.ts); EventStoreDB has none here. */
  options: { readonly pageCacheKib?: number } = {},
): Promise<{ store: EventStore; description: string }> => {
  if (!config.EVENTSTORE_CONNECTION_STRING) return sqliteStoreFromConfig(config, options);
  const { eventStoreFromConfig } = await import('./from-config.js');
  return eventStoreFromConfig(config);
};
