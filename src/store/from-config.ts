import { join } from 'node:path';
import { createEsdbEventStore } from './esdb.js';
import type { EventStore } from './port.js';
import { openSqliteEventStore } from './sqlite.js';
import { BACKSTOP_WAL_AUTOCHECKPOINT_PAGES } from './sqlite-schema.js';

/**
 * EventStoreDB when a connection string is configured, else the embedded SQLite file in DATA_DIR.
 * `checkpointedElsewhere`: another thread checkpoints the SQLite file (store.checkpoint()), so this
 * connection's commits leave it to that thread, bar a backstop.
 */
export const eventStoreFromConfig = (
  config: { DATA_DIR: string; EVENTSTORE_CONNECTION_STRING?: string | undefined },
  { checkpointedElsewhere = false }: { readonly checkpointedElsewhere?: boolean } = {},
): { store: EventStore; description: string } =>
  config.EVENTSTORE_CONNECTION_STRING
    ? { store: createEsdbEventStore({ connectionString: config.EVENTSTORE_CONNECTION_STRING }), description: 'EventStoreDB' }
    : {
        store: openSqliteEventStore({
          file: join(config.DATA_DIR, 'events.db'),
          ...(checkpointedElsewhere ? { walAutocheckpointPages: BACKSTOP_WAL_AUTOCHECKPOINT_PAGES } : {}),
        }),
        description: `SQLite ${join(config.DATA_DIR, 'events.db')}`,
      };
