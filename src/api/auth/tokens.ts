import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Role } from '../../domain/events/envelope.js';

/** Who a bearer token belongs to: a role and the properties it may act on (`*` for all). */
export interface Principal {
  readonly tokenId: string;
  readonly label: string;
  readonly role: Role;
  readonly properties: readonly string[] | '*';
}

export interface TokenStore {
  /** Creates a token; the secret is returned once and only its hash is kept. */
  create(input: { role: Role; properties: readonly string[] | '*'; label?: string; id?: string }): { token: string; principal: Principal };
  /** Sets a token with a known secret (the ADMIN_TOKEN bootstrap). */
  put(id: string, secret: string, principal: Omit<Principal, 'tokenId'>): void;
  verify(token: string): Principal | undefined;
  close(): void;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest();

/** Tokens recently verified, so a busy caller costs a hash and a lookup, not a database read. */
const VERIFIED_MAX = 1_000;
/** How long a verification is reused: bounds how late a change by another process is seen. */
const VERIFIED_FOR_MS = 60_000;

/**
 * Tokens look like `wk_<id>_<secret>`: the id finds the row, the secret is compared in constant
 * time against its SHA-256. Secrets are 256-bit random, so a plain hash (no slow KDF) is enough.
 */
export const openTokenStore = (file: string): TokenStore => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, secret_hash BLOB NOT NULL, role TEXT NOT NULL, properties TEXT NOT NULL,
    label TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  ) STRICT`);
  const upsert = db.prepare(`INSERT INTO tokens (id, secret_hash, role, properties, label) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET secret_hash = excluded.secret_hash, role = excluded.role, properties = excluded.properties, label = excluded.label`);
  const find = db.prepare<[string], { secret_hash: Buffer; role: Role; properties: string; label: string }>(
    'SELECT secret_hash, role, properties, label FROM tokens WHERE id = ?',
  );
  // Keyed by the hash of the whole token (never the secret itself); only successes are kept,
  // so guessing fills nothing. Tokens are not revoked; a changed one (put) clears it all.
  const verified = new Map<string, { readonly principal: Principal; readonly until: number }>();
  const put: TokenStore['put'] = (id, secret, p) => {
    upsert.run(id, hash(secret), p.role, JSON.stringify(p.properties), p.label);
    verified.clear();
  };
  const lookup = (token: string): Principal | undefined => {
    const match = /^wk_([a-z0-9]+)_([A-Za-z0-9_-]+)$/.exec(token);
    // Anything not in the issued format can only be the operator's ADMIN_TOKEN.
    const [id, secret] = match ? [match[1]!, match[2]!] : [BOOTSTRAP_ID, token];
    const row = find.get(id);
    if (!row || !timingSafeEqual(row.secret_hash, hash(secret))) return undefined;
    const properties = JSON.parse(row.properties) as Principal['properties'];
    return Object.freeze({ tokenId: id, role: row.role, properties: Array.isArray(properties) ? Object.freeze(properties) : properties, label: row.label });
  };
  return {
    put,
    create: ({ role, properties, label, id }) => {
      const tokenId = id ?? randomBytes(6).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      const principal = { tokenId, role, properties, label: label ?? `${role} token` };
      put(tokenId, secret, principal);
      return { token: `wk_${tokenId}_${secret}`, principal };
    },
    verify: (token) => {
      const key = hash(token).toString('base64');
      const now = Date.now();
      const known = verified.get(key);
      if (known !== undefined && known.until > now) return known.principal;
      const principal = lookup(token);
      verified.delete(key);
      if (principal === undefined) return undefined;
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
      verified.set(key, { principal, until: now + VERIFIED_FOR_MS });
      return principal;
    },
    close: () => db.close(),
  };
};

const BOOTSTRAP_ID = 'bootstrap-admin';

/** The operator's ADMIN_TOKEN (any string) becomes an admin token at start; a new value replaces the old. */
export const bootstrapAdmin = (tokens: TokenStore, adminToken: string): void => {
  tokens.put(BOOTSTRAP_ID, adminToken, { role: 'admin', properties: '*', label: 'ADMIN_TOKEN' });
};
