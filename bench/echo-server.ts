/**
 * The baseline of `npm run bench:http`: the app as src/main.ts builds it (same configuration from
 * the environment, same pino logger at the same level, same auth, a SQLite store and token file in
 * DATA_DIR), plus one route that validates a body with POST /v1/complaints' schema and echoes
 * an answer without touching the store. What it costs is the HTTP stack: fastify, the auth hook,
 * zod, the request log line and the metrics hook. No projections, no deadline watcher: there is
 * nothing for them to do when nothing is written.
 *
 * Run by the benchmark as its own process, compiled like the server under test
 * (`node dist/bench/echo-server.js`), with PORT, DATA_DIR, RULES_DIR and ADMIN_TOKEN set.
 */
import { join } from 'node:path';
import type { ZodObject } from 'zod';
import { buildApp } from '../src/api/app.js';
import { privateLogger } from '../src/api/log-privacy.js';
import { bootstrapAdmin, openTokenStore } from '../src/api/auth/tokens.js';
import { lifecycles } from '../src/app/case-history.js';
import { systemClock } from '../src/app/clock.js';
import { applyHeapPolicy } from '../src/app/heap-policy.js';
import { openRulesetRegistry } from '../src/app/rulesets.js';
import { readConfig } from '../src/config.js';
import { instantSchema } from '../src/domain/events/envelope.js';
import { loadRuleset } from '../src/ruleset/load.js';
import { eventStoreFromConfig } from '../src/store/from-config.js';

// The same process policy as the server's: equal terms.
applyHeapPolicy();
const config = readConfig(process.env);
const logger = privateLogger(config.LOG_LEVEL);
const { store } = eventStoreFromConfig(config);
const rulesets = await openRulesetRegistry(store, await loadRuleset(config.RULES_DIR));
const tokens = openTokenStore(join(config.DATA_DIR, 'access.db'));
if (config.ADMIN_TOKEN) bootstrapAdmin(tokens, config.ADMIN_TOKEN);
const app = await buildApp({ store, rulesets, tokens, clock: systemClock, logger, bodyLimit: config.BODY_LIMIT });

// The same roles and the same body schema as the route that records a complaint.
const receive = lifecycles.complaint.commands.find((command) => command.creates)!;
const body = (receive.payload as ZodObject).safeExtend({ occurredAt: instantSchema.optional() });
app.post('/bench/echo', { config: { roles: receive.roles }, schema: { hide: true, body } }, async (request, reply) =>
  reply.status(201).send({ id: 'echo', revision: 0, propertyId: (request.body as { propertyId: string }).propertyId }));

process.once('SIGTERM', async () => {
  await app.close();
  await store.close();
  tokens.close();
  process.exit(0);
});

await app.listen({ port: config.PORT, host: config.HOST });
logger.info({ port: config.PORT }, 'serving the echo baseline');
