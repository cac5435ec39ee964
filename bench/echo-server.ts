/**
 * The baselines of `npm run bench:http`: the app as src/main.ts builds it (same configuration from
 * the environment, same pino logger at the same level, same auth, a SQLite store and token file in
 * DATA_DIR), plus two routes that validate a body with POST /v1/complaints' schema:
 *   POST /bench/echo          echoes an answer without touching the store. What it costs is the
 *                             HTTP stack: fastify, the auth hook, zod, the request log line and
 *                             the metrics hook.
 *   POST /bench/echo-durable  also appends the body as one event to a stream of its own, expecting
 *                             no stream, as a new case is appended (ids minted in time order, as
 *                             the API mints them): through the same store, so
 *                             group-committed and fsynced before the 201. What it costs is the HTTP
 *                             stack and durability, without any of the engine's own work (no
 *                             command decided, no case read, no projections): a floor for intake.
 * No projections, no deadline watcher: the events written are nobody's cases.
 *
 * Run by the benchmark as its own process, compiled like the server under test
 * (`node dist/bench/echo-server.js`), with PORT, DATA_DIR, RULES_DIR and ADMIN_TOKEN set.
 */
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { ZodObject } from 'zod';
import { buildApp } from '../src/api/app.js';
import { privateLogger } from '../src/api/log-privacy.js';
import { bootstrapAdmin, openTokenStore } from '../src/api/auth/tokens.js';
import { recordOf } from '../src/domain/records.js';
import { systemClock } from '../src/runtime/clock.js';
import { applyHeapPolicy } from '../src/app/heap-policy.js';
import { startSiblingWorker } from '../src/runtime/sibling-worker.js';
import { openRulesetRegistry } from '../src/ruleset/registry.js';
import { readConfig } from '../src/config.js';
import { instantSchema } from '../src/domain/events/envelope.js';
import { loadRuleset } from '../src/ruleset/load.js';
import { eventStoreFromConfig } from '../src/store/from-config.js';
import { NO_STREAM, type Json } from '../src/store/port.js';

// The same process policy as the server's: equal terms.
applyHeapPolicy();
const config = readConfig(process.env);
const logger = privateLogger(config.LOG_LEVEL);
// The server's store arrangement: commits on the request thread, checkpoints on a thread of their own.
const { store } = eventStoreFromConfig(config, { checkpointedElsewhere: true });
const checkpoints = startSiblingWorker(import.meta.url, 'echo-checkpoints', { workerData: { dataDir: config.DATA_DIR } });
const rulesets = await openRulesetRegistry(store, await loadRuleset(config.RULES_DIR));
const tokens = openTokenStore(join(config.DATA_DIR, 'access.db'));
bootstrapAdmin(tokens, config.ADMIN_TOKEN);
const app = await buildApp({ store, rulesets, tokens, clock: systemClock, logger, bodyLimit: config.BODY_LIMIT });

// The same roles and the same body schema as the route that records a complaint.
const receive = recordOf('complaint').lifecycle.commands.find((command) => command.creates)!;
const body = (receive.payload as ZodObject).safeExtend({ occurredAt: instantSchema.optional() });
const route = { config: { roles: receive.roles }, schema: { hide: true, body } };
type Body = { propertyId: string } & Json;
app.post('/bench/echo', route, async (request, reply) => reply.status(201).send({ id: 'echo', revision: 0, propertyId: (request.body as Body).propertyId }));
// A UUIDv7, as the API mints for a new case without an Idempotency-Key: ids in time order keep the
// store's indexes growing at their end.
app.post('/bench/echo-durable', route, async (request, reply) => {
  const id = uuidv7();
  const { nextRevision } = await store.appendToStream(`echo-${id}`, [{ id, type: 'Echoed', data: request.body as Body, metadata: {} }], {
    expectedRevision: NO_STREAM,
  });
  return reply.status(201).send({ id, revision: Number(nextRevision), propertyId: (request.body as Body).propertyId });
});

process.once('SIGTERM', async () => {
  await app.close();
  await checkpoints.terminate();
  await store.close();
  tokens.close();
  process.exit(0);
});

await app.listen({ port: config.PORT, host: config.HOST });
logger.info({ port: config.PORT }, 'serving the echo baseline');
