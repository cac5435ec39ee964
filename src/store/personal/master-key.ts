import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { KEY_BYTES } from './cipher.js';

/** The master key's file in DATA_DIR, made on first start when neither MASTER_KEY nor MASTER_KEY_FILE is set. */
export const MASTER_KEY_FILE = 'master.key';

/** The key that wraps every record's data key (keys.db), and its public id: the first bytes of its hash. */
export interface MasterKey {
  readonly key: Buffer;
  readonly id: string;
  /** Where it came from, for messages: `MASTER_KEY`, or the file. */
  readonly source: string;
}

const KEY_TEXT = /^[0-9a-fA-F]{64}$/;

/** A master key from its text: 64 hex digits (`openssl rand -hex 32`). */
export const masterKeyOf = (text: string, source: string): MasterKey => {
  const trimmed = text.trim();
  if (!KEY_TEXT.test(trimmed)) throw new Error(`${source} must hold a 256-bit key as 64 hex digits, e.g. the output of \`openssl rand -hex 32\``);
  const key = Buffer.from(trimmed, 'hex');
  return { key, id: createHash('sha256').update('wuye master key id\0').update(key).digest('hex').slice(0, 16), source };
};

/**
 * The master key: MASTER_KEY when set, else the file MASTER_KEY_FILE names, else DATA_DIR's own
 * random key, written once (0600) so that `npm start` works on a bare machine. A production server
 * keeps it outside DATA_DIR (docs/security.md): a copy of the directory then holds no key to its data.
 */
export const masterKeyFromConfig = (config: {
  readonly MASTER_KEY?: string | undefined;
  readonly MASTER_KEY_FILE?: string | undefined;
  readonly DATA_DIR: string;
}): MasterKey => {
  if (config.MASTER_KEY !== undefined) return masterKeyOf(config.MASTER_KEY, 'MASTER_KEY');
  if (config.MASTER_KEY_FILE !== undefined) {
    let text: string;
    try {
      text = readFileSync(config.MASTER_KEY_FILE, 'utf8');
    } catch (error) {
      throw new Error(`MASTER_KEY_FILE ${config.MASTER_KEY_FILE} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return masterKeyOf(text, `MASTER_KEY_FILE ${config.MASTER_KEY_FILE}`);
  }
  const file = join(config.DATA_DIR, MASTER_KEY_FILE);
  mkdirSync(config.DATA_DIR, { recursive: true });
  if (existsSync(file)) return masterKeyOf(readFileSync(file, 'utf8'), file);
  // Written whole under a name of its own, then linked into place: the key file appears with its
  // content or not at all, so a process starting beside this one (the CLI, a thread) never reads it
  // half written; the link fails when another made the key first, and that key is read.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  const fd = openSync(draft, 'wx', 0o600);
  try {
    try {
      writeSync(fd, `${randomBytes(KEY_BYTES).toString('hex')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(draft, file);
  } catch (error) {
    // Made before (or by another process or thread a moment ago): read it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return masterKeyOf(readFileSync(file, 'utf8'), file);
};
