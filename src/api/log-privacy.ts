/**
 * Owner and visitor names and phone numbers, and credentials, never reach the logs. Request bodies
 * are not logged; beyond that, every log line and every child logger's bindings pass through
 * `withoutPersonalData` (pino formats only the root's bindings, so `privateLogger` checks each child's), which censors the value of any key named in PERSONAL_KEYS down to three
 * levels of keys (`owner`, `err.details.owner`, `x.y.phone`).
 *
 * Why not pino's `redact` option: it runs its redactor over every value of every line, parsing its
 * paths and copying the value each time, and it was half of what the server allocated per request.
 * This check reads the keys and copies only an object that does hold personal data.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const PERSONAL_KEYS: ReadonlySet<string> = new Set(['owner', 'visitor', 'phone', 'authorization']);
const CENSOR = '[redacted]';
/** The log line's own keys, their values' keys, and one level more. */
const DEPTH = 3;

type Indexable = Record<string, unknown>;

/**
 * Looked into: plain objects, arrays and errors, the shapes a line's own values take. Instances
 * of other classes (a request, a socket) are left to their pino serializers, which pick fields
 * without personal data.
 */
const isInspected = (value: unknown): value is Indexable => {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Error) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/** A copy that serialises like `value`: same prototype, own fields, and an error's message, stack and cause. */
const copyOf = (value: Indexable): Indexable => {
  if (Array.isArray(value)) return [...value] as unknown as Indexable;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(value)), value) as Indexable;
  if (value instanceof Error) {
    for (const key of ['message', 'stack', 'cause'] as const) {
      if (Object.hasOwn(value, key)) Object.defineProperty(copy, key, { value: value[key], writable: true, configurable: true, enumerable: false });
    }
  }
  return copy;
};

const censored = (value: unknown, depth: number): unknown => {
  if (depth === 0 || !isInspected(value)) return value;
  let copy: Indexable | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const inner = value[key];
    const safe = PERSONAL_KEYS.has(key) ? CENSOR : censored(inner, depth - 1);
    if (safe === inner) continue;
    copy ??= copyOf(value);
    Object.defineProperty(copy, key, { value: safe, writable: true, configurable: true, enumerable: true });
  }
  return copy ?? value;
};

/** The object itself when it holds no personal data (the common case, at no cost); otherwise a censored copy. */
export const withoutPersonalData = <T extends object>(object: T): T => censored(object, DEPTH) as T;

/** Query parameters whose values are personal even though a route declares them: a phone, or search text (a name, a phone typed in the box). */
const PERSONAL_QUERY_KEYS: ReadonlySet<string> = new Set([...PERSONAL_KEYS, 'q']);

const decodedKey = (rawKey: string): string => {
  try {
    return decodeURIComponent(rawKey.replaceAll('+', ' ')).trim();
  } catch {
    return rawKey;
  }
};

/**
 * A request's URL as a log line may show it: the path, and the values of the query parameters the
 * route declares (`known`) and that are not personal. Every other value is censored: a parameter
 * no route reads (`?access_token=…` put there by a client) may hold a secret, and `phone=` or `q=`
 * an owner's number or name.
 */
export const urlForLog = (url: string, known: ReadonlySet<string> = new Set()): string => {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url.slice(at + 1);
  let changed = false;
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    const rawKey = equals < 0 ? part : part.slice(0, equals);
    const key = decodedKey(rawKey);
    if (known.has(key) && !PERSONAL_QUERY_KEYS.has(key.toLowerCase())) return part;
    changed = true;
    return `${rawKey}=${CENSOR}`;
  });
  return changed ? `${url.slice(0, at)}?${parts.join('&')}` : url;
};

const declaredKeys = new WeakMap<object, ReadonlySet<string>>();
/** The parameter names a route's querystring schema (a zod object) declares; none without one. */
export const queryKeysOf = (schema: unknown): ReadonlySet<string> => {
  if (schema === null || typeof schema !== 'object') return new Set();
  let keys = declaredKeys.get(schema);
  if (!keys) {
    const shape = (schema as { shape?: unknown }).shape;
    keys = new Set(shape !== null && typeof shape === 'object' ? Object.keys(shape) : []);
    declaredKeys.set(schema, keys);
  }
  return keys;
};

/** The server's logger (pino, to stdout unless told otherwise): its lines and its children's bindings without personal data. */
export const privateLogger = (level: string, destination?: DestinationStream): Logger => {
  const logger = pino({ level, formatters: { log: withoutPersonalData } }, destination);
  // Children are made from their parent, so this reaches grandchildren too (fastify's per request included).
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, withoutPersonalData(bindings), options);
  } as Logger['child'];
  return logger;
};
