import type Database from 'better-sqlite3';
import type { Role } from '../../domain/events/envelope.js';

/** A token as `token list` shows it: never its secret. */
export interface TokenInfo {
  readonly id: string;
  readonly personId: string | null;
  readonly label: string;
  readonly role: Role;
  readonly properties: readonly string[] | '*';
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

interface Row {
  id: string;
  secret_hash: Buffer;
  role: Role;
  properties: string;
  label: string;
  person_id: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

/** Columns added after the first version of the file: older files gain them at start. */
const ADDED_COLUMNS = ['person_id TEXT', 'last_used_at TEXT', 'expires_at TEXT', 'revoked_at TEXT'];

const infoOf = (row: Row): TokenInfo => ({
  id: row.id,
  personId: row.person_id,
  label: row.label,
  role: row.role,
  properties: JSON.parse(row.properties) as TokenInfo['properties'],
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

/**
 * access.db: hashed tokens, and a generation counter that every revocation increments, so that
 * each process sharing the file learns of one by reading a single row.
 */
export const openAccessDb = (db: Database.Database) => {
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, secret_hash BLOB NOT NULL, role TEXT NOT NULL, properties TEXT NOT NULL,
    label TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  ) STRICT`);
  const columns = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(tokens)')
      .all()
      .map((c) => c.name),
  );
  for (const column of ADDED_COLUMNS) if (!columns.has(column.split(' ')[0]!)) db.exec(`ALTER TABLE tokens ADD COLUMN ${column}`);
  db.exec(`CREATE TABLE IF NOT EXISTS token_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL) STRICT;
    INSERT OR IGNORE INTO token_generation (id, value) VALUES (1, 0)`);
  const upsert = db.prepare(`INSERT INTO tokens (id, secret_hash, role, properties, label, person_id, created_at, expires_at, revoked_at, last_used_at)
    VALUES (@id, @secretHash, @role, @properties, @label, @personId, @createdAt, @expiresAt, NULL, NULL)
    ON CONFLICT(id) DO UPDATE SET secret_hash = excluded.secret_hash, role = excluded.role, properties = excluded.properties,
      label = excluded.label, person_id = excluded.person_id, expires_at = excluded.expires_at, revoked_at = NULL`);
  const find = db.prepare<[string], Row>('SELECT * FROM tokens WHERE id = ?');
  const all = db.prepare<[], Row>('SELECT * FROM tokens ORDER BY created_at, id');
  const bump = db.prepare('UPDATE token_generation SET value = value + 1 WHERE id = 1');
  const readGeneration = db.prepare<[], { value: number }>('SELECT value FROM token_generation WHERE id = 1');
  const revokeOne = db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const revokeOf = db.prepare('UPDATE tokens SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL');
  const used = db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?');
  const revoking = (statement: Database.Statement) =>
    db.transaction((at: string, key: string) => {
      const changes = statement.run(at, key).changes;
      bump.run();
      return changes;
    });
  const revokeToken = revoking(revokeOne);
  const revokePersonTokens = revoking(revokeOf);
  return {
    upsert: (t: {
      id: string;
      secretHash: Buffer;
      role: Role;
      properties: readonly string[] | '*';
      label: string;
      personId: string | null;
      createdAt: string;
      expiresAt: string | null;
    }) => {
      upsert.run({ ...t, properties: JSON.stringify(t.properties) });
      // A replaced secret (a new ADMIN_TOKEN) must end the old one's cached verifications everywhere.
      bump.run();
    },
    find: (id: string) => {
      const row = find.get(id);
      return (
        row && {
          ...infoOf(row),
          secretHash: row.secret_hash,
        }
      );
    },
    info: (id: string) => {
      const row = find.get(id);
      return row && infoOf(row);
    },
    list: () => all.all().map(infoOf),
    generation: () => readGeneration.get()!.value,
    revoke: (id: string, at: string) => revokeToken(at, id) > 0,
    revokePerson: (personId: string, at: string) => revokePersonTokens(at, personId),
    used: (id: string, at: string) => used.run(at, id),
    close: () => db.close(),
  };
};
