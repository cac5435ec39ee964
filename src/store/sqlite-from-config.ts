import { join } from 'node:path';
import type { EventStore } from './port.js';
import { openSqliteEventStore } from './sqlite.js';
import { BACKSTOP_WAL_AUTOCHECKPOINT_PAGES } from './sqlite-schema.js';

/**
 * The embedded SQLite file in DATA_DIR. `checkpointedElsewhere`: another thread checkpoints the file
 * (store.checkpoint()), so this connection's commits leave it to that thread, bar a backstop.
 * `pageCacheKib`: this connection's page cache (openEventDatabase), for a connection that reads little.
 */
export const sqliteStoreFromConfig = (
  config: { DATA_DIR: string },
  { checkpointedElsewhere = false, pageCacheKib }: { readonly checkpointedElsewhere?: boolean; readonly pageCacheKib?: number | undefined } = {},
): { store: EventStore; description: string } => ({
  store: openSqliteEventStore({
    file: join(config.DATA_DIR, 'events.db'),
    ...(checkpointedElsewhere ? { walAutocheckpointPages: BACKSTOP_WAL_AUTOCHECKPOINT_PAGES } : {}),
    ...(pageCacheKib === undefined ? {} : { pageCacheKib }),
  }),
  description: `SQLite ${join(config.DATA_DIR, 'events.db')}`,
});
