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
  const put: TokenStore['put'] = (id, secret, p) => {
    upsert.run(id, hash(secret), p.role, JSON.stringify(p.properties), p.label);
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
      const match = /^wk_([a-z0-9]+)_([A-Za-z0-9_-]+)$/.exec(token);
      // Anything not in the issued format can only be the operator's ADMIN_TOKEN.
      const [id, secret] = match ? [match[1]!, match[2]!] : [BOOTSTRAP_ID, token];
      const row = find.get(id);
      if (!row || !timingSafeEqual(row.secret_hash, hash(secret))) return undefined;
      return { tokenId: id, role: row.role, properties: JSON.parse(row.properties) as Principal['properties'], label: row.label };
    },
    close: () => db.close(),
  };
};

const BOOTSTRAP_ID = 'bootstrap-admin';

/** The operator's ADMIN_TOKEN (any string) becomes an admin token at start; a new value replaces the old. */
export const bootstrapAdmin = (tokens: TokenStore, adminToken: string): void => {
  tokens.put(BOOTSTRAP_ID, adminToken, { role: 'admin', properties: '*', label: 'ADMIN_TOKEN' });
};
