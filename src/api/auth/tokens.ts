import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Role } from '../../domain/events/envelope.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import { openAccessDb, type TokenInfo } from './access-db.js';

export type { TokenInfo } from './access-db.js';

/** Who a bearer token belongs to: a person (or the operator's ADMIN_TOKEN), a role and the properties it may act on (`*` for all). */
export interface Principal {
  readonly tokenId: string;
  readonly label: string;
  readonly role: Role;
  readonly properties: readonly string[] | '*';
  /** The person of the staff directory the token was issued to; the actor of what it does. */
  readonly personId?: string;
}

export interface CreateToken {
  readonly role: Role;
  readonly properties: readonly string[] | '*';
  readonly label?: string;
  readonly id?: string;
  readonly personId?: string;
  /** Days until it expires; default DEFAULT_TOKEN_DAYS. */
  readonly expiresInDays?: number;
}

export interface TokenStore {
  /** Creates a token; the secret is returned once and only its hash is kept. */
  create(input: CreateToken): { token: string; principal: Principal; info: TokenInfo };
  /** Sets a token with a known secret that never expires (the ADMIN_TOKEN bootstrap). */
  put(id: string, secret: string, principal: Omit<Principal, 'tokenId'>): void;
  verify(token: string): Principal | undefined;
  list(): TokenInfo[];
  get(id: string): TokenInfo | undefined;
  /** Revokes a token; false when there is no such token. */
  revoke(id: string): boolean;
  /** Revokes every token of a person (deactivated); how many. */
  revokePerson(personId: string): number;
  close(): void;
}

/** Tokens expire after this many days unless created with another term. */
export const DEFAULT_TOKEN_DAYS = 90;

/** The id part of a token as it was sent (`wk_<id>_…`), right or wrong: failed attempts are counted by it. */
export const tokenIdOf = (token: string | undefined): string | undefined => (token ? /^wk_([a-z0-9]+)_/.exec(token)?.[1] : undefined);
const DAY_MS = 86_400_000;

const hash = (secret: string) => createHash('sha256').update(secret).digest();

/** Tokens recently verified, so a busy caller costs a hash and a lookup, not a database read. */
const VERIFIED_MAX = 1_000;
const VERIFIED_FOR_MS = 60_000;
/**
 * How often the revocation generation is read: a token revoked by any process sharing the file
 * is refused by this one at most this long after, whatever its cache holds.
 */
const RECHECK_MS = 1_000;
/** last_used_at is written at most this often per token and process: it is not worth a write per request. */
const LAST_USED_EVERY_MS = 60_000;

export interface TokenStoreOptions {
  /** Expiry, creation and last use: the engine's clock (manual in tests). */
  readonly clock?: Clock;
  /** The cache's own time, monotonic milliseconds (injected in tests). */
  readonly cacheClock?: () => number;
  readonly recheckMs?: number;
}

/**
 * Tokens look like `wk_<id>_<secret>`: the id finds the row, the secret is compared in constant
 * time against its SHA-256. Secrets are 256-bit random, so a plain hash (no slow KDF) is enough.
 */
export const openTokenStore = (file: string, options: TokenStoreOptions = {}): TokenStore => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const clock = options.clock ?? systemClock;
  const cacheClock = options.cacheClock ?? (() => performance.now());
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  const db = openAccessDb(new Database(file));
  // Keyed by the hash of the whole token (never the secret itself); only successes are kept, so guessing fills nothing.
  const verified = new Map<string, { readonly principal: Principal; readonly until: number; readonly expiresAt: number }>();
  let generation = db.generation();
  let checkedAt = cacheClock();
  const forgetAll = () => {
    verified.clear();
    generation = db.generation();
  };
  const nowIso = () => clock.now().toString();

  const put: TokenStore['put'] = (id, secret, p) => {
    db.upsert({
      id,
      secretHash: hash(secret),
      role: p.role,
      properties: p.properties,
      label: p.label,
      personId: p.personId ?? null,
      createdAt: nowIso(),
      expiresAt: null,
    });
    forgetAll();
  };
  const lookup = (token: string): { principal: Principal; expiresAt: number } | undefined => {
    const match = /^wk_([a-z0-9]+)_([A-Za-z0-9_-]+)$/.exec(token);
    // Anything not in the issued format can only be the operator's ADMIN_TOKEN.
    const [id, secret] = match ? [match[1]!, match[2]!] : [BOOTSTRAP_ID, token];
    const row = db.find(id);
    if (!row || !timingSafeEqual(row.secretHash, hash(secret))) return undefined;
    const now = clock.now().epochMilliseconds;
    const expiresAt = row.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(row.expiresAt);
    if (row.revokedAt !== null || expiresAt <= now) return undefined;
    if (row.lastUsedAt === null || now - Date.parse(row.lastUsedAt) >= LAST_USED_EVERY_MS) db.used(id, nowIso());
    const properties = Array.isArray(row.properties) ? Object.freeze([...row.properties]) : row.properties;
    const principal: Principal = Object.freeze({
      tokenId: id,
      role: row.role,
      properties,
      label: row.label,
      ...(row.personId ? { personId: row.personId } : {}),
    });
    return { principal, expiresAt };
  };
  return {
    put,
    create: ({ role, properties, label, id, personId, expiresInDays }) => {
      const tokenId = id ?? randomBytes(6).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      const now = clock.now().epochMilliseconds;
      const expiresAt = new Date(now + (expiresInDays ?? DEFAULT_TOKEN_DAYS) * DAY_MS).toISOString();
      const principal: Principal = { tokenId, role, properties, label: label ?? `${role} token`, ...(personId ? { personId } : {}) };
      db.upsert({
        id: tokenId,
        secretHash: hash(secret),
        role,
        properties,
        label: principal.label,
        personId: personId ?? null,
        createdAt: nowIso(),
        expiresAt,
      });
      forgetAll();
      return { token: `wk_${tokenId}_${secret}`, principal, info: db.info(tokenId)! };
    },
    verify: (token) => {
      const t = cacheClock();
      if (t - checkedAt >= recheckMs) {
        checkedAt = t;
        if (db.generation() !== generation) forgetAll();
      }
      const key = hash(token).toString('base64');
      const known = verified.get(key);
      if (known !== undefined && known.until > t && known.expiresAt > clock.now().epochMilliseconds) return known.principal;
      const found = lookup(token);
      verified.delete(key);
      if (found === undefined) return undefined;
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
      verified.set(key, { principal: found.principal, until: t + VERIFIED_FOR_MS, expiresAt: found.expiresAt });
      return found.principal;
    },
    list: () => db.list(),
    get: (id) => db.info(id),
    revoke: (id) => {
      const done = db.revoke(id, nowIso());
      forgetAll();
      return done;
    },
    revokePerson: (personId) => {
      const count = db.revokePerson(personId, nowIso());
      forgetAll();
      return count;
    },
    close: () => db.close(),
  };
};

const BOOTSTRAP_ID = 'bootstrap-admin';

/**
 * The operator's ADMIN_TOKEN becomes an admin token of every property at start; a new value
 * replaces the old, and a start without one revokes the one before: the bootstrap token lives
 * exactly as long as the configuration names it.
 */
export const bootstrapAdmin = (tokens: TokenStore, adminToken: string | undefined): void => {
  if (adminToken === undefined) {
    tokens.revoke(BOOTSTRAP_ID);
    return;
  }
  tokens.put(BOOTSTRAP_ID, adminToken, { role: 'admin', properties: '*', label: 'ADMIN_TOKEN' });
};
