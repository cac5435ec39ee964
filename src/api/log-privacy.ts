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

/**
 * A request's URL as a log line may show it: the value of a personal query parameter (`phone=` of
 * GET /v1/cases) censored, whatever its spelling, the rest as it came.
 */
export const urlWithoutPersonalData = (url: string): string => {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url.slice(at + 1);
  let changed = false;
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    const rawKey = equals < 0 ? part : part.slice(0, equals);
    let key: string;
    try {
      key = decodeURIComponent(rawKey.replaceAll('+', ' '));
    } catch {
      key = rawKey;
    }
    if (!PERSONAL_KEYS.has(key.trim().toLowerCase())) return part;
    changed = true;
    return `${rawKey}=${CENSOR}`;
  });
  return changed ? `${url.slice(0, at)}?${parts.join('&')}` : url;
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
