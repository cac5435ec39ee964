import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { normalisePhone } from '../../domain/record/phone.js';

/**
 * An owner's phone in the read model, as a keyed digest (HMAC-SHA256) of its one spelling: the
 * desk finds their records by it, and a copy of the read-model file without the key tells no
 * number, not even by hashing every mobile number (there are only ten billion).
 */
export const phoneDigest = (key: Buffer, phone: string): string => createHmac('sha256', key).update(normalisePhone(phone)).digest('hex');

/** The key's file in DATA_DIR, made on first start when PHONE_DIGEST_KEY is not set. */
export const PHONE_KEY_FILE = 'phone-digest.key';

/**
 * The key digests are made with: PHONE_DIGEST_KEY when set, else the data directory's own random
 * key, written once (readable by its owner only) so that lookups work out of the box and stay the
 * same across restarts and rebuilds.
 */
export const phoneDigestKey = (config: { readonly PHONE_DIGEST_KEY?: string | undefined; readonly DATA_DIR: string }): Buffer => {
  if (config.PHONE_DIGEST_KEY !== undefined) return Buffer.from(config.PHONE_DIGEST_KEY, 'utf8');
  const file = join(config.DATA_DIR, PHONE_KEY_FILE);
  mkdirSync(config.DATA_DIR, { recursive: true });
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32).toString('hex'));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    // Made before (or by the projection thread a moment ago): read it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = readFileSync(file, 'utf8').trim();
  if (text.length < 32) throw new Error(`${file} holds no phone digest key: remove it to make a new one, then rebuild case_search`);
  return Buffer.from(text, 'utf8');
};
