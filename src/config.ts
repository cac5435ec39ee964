import { availableParallelism } from 'node:os';
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';

/** One heavy-work thread per core beyond the request thread's, at least 1 and at most 4. */
export const defaultHeavyThreads = (cores: number): number => Math.max(1, Math.min(4, cores - 1));

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  RULES_DIR: z.string().min(1).default('./rules'),
  EVENTSTORE_CONNECTION_STRING: z
    .string()
    .regex(/^esdb(\+discover)?:\/\//, 'an esdb:// or esdb+discover:// connection string')
    .optional(),
  /**
   * The key of the owners' phone digests in the read models (HMAC-SHA256); unset, DATA_DIR's own
   * random key (phone-digest.key) is used. Changing it needs `npm run rebuild -- case_search`.
   */
  PHONE_DIGEST_KEY: z
    .string()
    .min(32, 'PHONE_DIGEST_KEY must be at least 32 characters, e.g. the output of `openssl rand -hex 32`')
    .max(512, 'PHONE_DIGEST_KEY must be at most 512 characters')
    .optional(),
  /**
   * The master key that wraps the data keys of personal data (keys.db): 64 hex digits, or a file
   * holding them. Neither set: DATA_DIR/master.key, made on first start (docs/security.md).
   */
  MASTER_KEY: z
    .string()
    .regex(/^\s*[0-9a-fA-F]{64}\s*$/, 'MASTER_KEY must be a 256-bit key as 64 hex digits, e.g. the output of `openssl rand -hex 32`')
    .optional(),
  MASTER_KEY_FILE: z.string().min(1).optional(),
  /** A secret of every property's admin: long and random (a guessable one is refused at start). */
  ADMIN_TOKEN: z
    .string()
    .min(24, 'ADMIN_TOKEN must be at least 24 characters, e.g. the output of `openssl rand -hex 32`')
    .refine((token) => new Set(token).size >= 12, 'ADMIN_TOKEN must look random (at least 12 different characters), e.g. the output of `openssl rand -hex 32`')
    .optional(),
  CLOCK: z.enum(['system', 'manual']).default('system'),
  CLOCK_START: z
    .string()
    .refine((s) => {
      try {
        Temporal.Instant.from(s);
        return true;
      } catch {
        return false;
      }
    }, 'an ISO 8601 instant with offset')
    .optional(),
  /**
   * Seconds the system clock may read behind the log's last recordedAt before it is reported (a
   * warning, /readyz, /metrics). Behind by any amount, events are still recorded no earlier than the last.
   */
  CLOCK_SKEW_TOLERANCE_SECONDS: z.coerce.number().min(0).max(86_400).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /** Nice steps the projection thread takes below the request thread (Linux): intake first when the CPU is short. */
  /** Seconds a client has to send its whole request, headers and body (408 after). */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Seconds a client has to send its request's headers. */
  HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Seconds a connection may stay silent both ways before it is closed. */
  IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(20).max(3600).default(120),
  /** Open dashboard streams per token, and in the process; a new one beyond them is answered 429. */
  STREAMS_PER_TOKEN: z.coerce.number().int().min(1).max(10_000).default(8),
  STREAMS_TOTAL: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Failed authentications a minute, per client address and per token id, before answers are 429. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Requests a minute per token to the audit routes and imports. */
  HEAVY_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  /**
   * Threads for the heavy jobs (as-of and what-if reports, verify, anchors, imports): at most this many
   * run at once. By default one fewer than the cores (1 to 4), so that the request thread keeps a core:
   * on 2 cores a second heavy thread took intake down to about 0.75 of its rate with 10 audits
   * running, without answering more audits (docs/performance.md, "The crowd phase").
   */
  HEAVY_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(() => defaultHeavyThreads(availableParallelism())),
  /** Heavy jobs waiting for a thread beyond those; one more is answered 503 with Retry-After. Imports do not wait. */
  HEAVY_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  /** The heap (old generation, MB) a heavy-work thread may use: a job that needs more fails with 507, the server does not. */
  HEAVY_THREAD_HEAP_MB: z.coerce.number().int().min(64).max(65_536).default(1024),
  /**
   * Starts once on a log that lost events its anchor (DATA_DIR/log-end.json) names: the anchor's
   * position, exactly as the refusal names it, so that it accepts that loss and no later one.
   */
  ACCEPT_LOG_LOSS: z.string().regex(/^\d+$/, 'the position the refusal to start named, e.g. ACCEPT_LOG_LOSS=2475').optional(),
  PROJECTION_THREAD_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * Nice steps the search thread (searches, queues, the dashboard's figures) takes below the request
   * thread: with intake saturating 2 cores and 200 dashboard streams open, 5 kept intake at its rate
   * alone, where 0 took it to about 0.8 (docs/performance.md, "The crowd phase").
   */
  SEARCH_THREAD_NICE: z.coerce.number().int().min(0).max(19).default(5),
  /**
   * Seconds the oldest event not yet applied to the read models may wait before they count as
   * behind: /readyz then answers 503 and the deadline watcher judges nothing until they catch up.
   */
  READ_MODEL_MAX_LAG_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Seconds a request waits for the read models to catch up (a compliance report now) before it is answered 503 READ_MODELS_BEHIND. */
  READ_MODEL_WAIT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
});
export type Config = z.infer<typeof configSchema>;

/** Reads the environment once at start; a bad value stops the server with a message naming it. */
export const readConfig = (env: NodeJS.ProcessEnv): Config => {
  const result = configSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (result.success) return result.data;
  throw new Error(`invalid configuration:\n${result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
};
