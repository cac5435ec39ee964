import { join } from 'node:path';
import { openTokenStore, type TokenStore } from '../api/auth/tokens.js';
import { openStaffDirectory, type StaffDirectory } from '../app/staff-directory.js';
import { readConfig } from '../config.js';
import { systemClock } from '../runtime/clock.js';
import { clockHeldToLog } from '../runtime/log-clock.js';
import { keepDataDirPrivate } from '../runtime/private-data-dir.js';
import { eventStoreFromConfig } from '../store/from-config.js';

export const accessDbOf = (env: NodeJS.ProcessEnv) => join(env.DATA_DIR || './data', 'access.db');

/** Opens the event store of the configuration (DATA_DIR or EventStoreDB), the staff directory and the tokens; closes them after `work`. */
export const withDirectory = async <T>(work: (staff: StaffDirectory, tokens: TokenStore) => Promise<T>): Promise<T> => {
  const config = readConfig(process.env);
  keepDataDirPrivate(config.DATA_DIR);
  const { store } = eventStoreFromConfig(config);
  const tokens = openTokenStore(join(config.DATA_DIR, 'access.db'));
  try {
    // The directory's events are stamped with recordedAt: held to the log, as the server's clock is.
    const clock = clockHeldToLog(systemClock, await store.lastRecordedAt?.());
    return await work(await openStaffDirectory({ store, clock }), tokens);
  } finally {
    tokens.close();
    await store.close();
  }
};

/** Fixed-width columns for a terminal. */
export const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => [...row[i]!].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};
