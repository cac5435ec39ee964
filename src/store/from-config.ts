import { join } from 'node:path';
import { createEsdbEventStore } from './esdb.js';
import type { EventStore } from './port.js';
import { openSqliteEventStore } from './sqlite.js';

/** EventStoreDB when a connection string is configured, else the embedded SQLite file in DATA_DIR. */
export const eventStoreFromConfig = (config: { DATA_DIR: string; EVENTSTORE_CONNECTION_STRING?: string | undefined }): { store: EventStore; description: string } =>
  config.EVENTSTORE_CONNECTION_STRING
    ? { store: createEsdbEventStore({ connectionString: config.EVENTSTORE_CONNECTION_STRING }), description: 'EventStoreDB' }
    : { store: openSqliteEventStore({ file: join(config.DATA_DIR, 'events.db') }), description: `SQLite ${join(config.DATA_DIR, 'events.db')}` };
