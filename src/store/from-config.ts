import { createEsdbEventStore } from './esdb.js';
import type { EventStore } from './port.js';
import { sqliteStoreFromConfig } from './sqlite-from-config.js';

/**
 * EventStoreDB when a connection string is configured, else the embedded SQLite file in DATA_DIR
 * (sqlite-from-config.ts). `checkpointedElsewhere`: another thread checkpoints the SQLite file
 * (store.checkpoint()), so this connection's commits leave it to that thread, bar a backstop.
 */
export const eventStoreFromConfig = (
  config: { DATA_DIR: string; EVENTSTORE_CONNECTION_STRING?: string | undefined },
  options: { readonly checkpointedElsewhere?: boolean } = {},
): { store: EventStore; description: string } =>
  config.EVENTSTORE_CONNECTION_STRING
    ? { store: createEsdbEventStore({ connectionString: config.EVENTSTORE_CONNECTION_STRING }), description: 'EventStoreDB' }
    : sqliteStoreFromConfig(config, options);
