import { join } from 'node:path';
import type { EventStore } from '../port.js';
import { KEY_STORE_FILE, openKeyStore, type KeyStore } from './key-store.js';
import { masterKeyFromConfig, masterKeyOf, type MasterKey } from './master-key.js';
import { withPersonalData } from './store.js';
import { personalVault } from './vault.js';

export interface PersonalDataConfig {
  readonly DATA_DIR: string;
  readonly MASTER_KEY?: string | undefined;
  readonly MASTER_KEY_FILE?: string | undefined;
}

/**
 * The master key from configuration and DATA_DIR's key store, checked against each other: a wrong
 * master key stops a start (or a command) with the key's id and where it came from, before any read.
 */
export const openPersonalData = (
  config: PersonalDataConfig,
  master: MasterKey = masterKeyFromConfig(config),
  /** Data keys made ahead at once (key-store.ts, KEY_BATCH by default), and keys.db's page cache in KiB. */
  options: { readonly keyBatch?: number; readonly keyPageCacheKib?: number } = {},
) => {
  const keys = openKeyStore(join(config.DATA_DIR, KEY_STORE_FILE), master, {
    ...(options.keyBatch === undefined ? {} : { batch: options.keyBatch }),
    ...(options.keyPageCacheKib === undefined ? {} : { pageCacheKib: options.keyPageCacheKib }),
  });
  try {
    keys.check();
  } catch (error) {
    keys.close();
    throw error;
  }
  const vault = personalVault(keys);
  return { master, keys, vault, open: <S extends EventStore>(store: S): S => withPersonalData(store, vault) };
};
export type PersonalData = ReturnType<typeof openPersonalData>;

/** The master key as a thread receives it (hex, and where it came from). */
export const masterKeyFromThread = (passed: { readonly hex: string; readonly source: string }): MasterKey => masterKeyOf(passed.hex, passed.source);

export type { KeyStore, MasterKey };
