import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type Database from 'better-sqlite3';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { caseService } from '../app/case-service.js';
import { complianceService } from '../app/compliance.js';
import { readModelHealth, type ReadModelHealth } from '../app/read-model-health.js';
import type { Clock, ManualClock } from '../runtime/clock.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import { instantSchema } from '../domain/events/envelope.js';
import type { EventStore } from '../store/port.js';
import { authenticate, requireAllProperties } from './auth/plugin.js';
import type { TokenStore } from './auth/tokens.js';
import { queryKeysOf, urlForLog } from './log-privacy.js';
import { refuseBidiControls } from './text-safety.js';
import { rateLimits, type RateLimits } from './rate-limits.js';
import { docsContentSecurityPolicy, securityHeaders } from './security-headers.js';
import { errorHandler, problem, sendProblem } from './problem.js';
import { healthRoutes } from './routes/health-routes.js';
import { commandRunner } from './routes/case-command.js';
import { caseRoutes } from './routes/case-routes.js';
import { caseListRoutes } from './routes/case-list-routes.js';
import { queueRoutes } from './routes/queue-routes.js';
import { recordMetaRoutes } from './routes/record-meta.js';
import { feeRoutes } from './routes/fee-routes.js';
import { complianceRoutes } from './routes/compliance-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { dashboardRoutes, type ProjectionsView } from './routes/dashboard-routes.js';
import { dashboardPageRoutes } from './routes/dashboard-page.js';
import type { StreamCaps } from './routes/dashboard-hub.js';
import { appMetrics } from './metrics.js';
import { openStaffDirectory, type StaffDirectory } from '../app/staff-directory.js';
import { staffRoutes } from './routes/staff-routes.js';
import { erasureRoutes } from './routes/erasure-routes.js';
import { staffReadRoutes } from './routes/staff-read-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import type { SearchReader } from '../projections/search/reader-thread.js';
import { onRequestThread, type HeavyWork } from './heavy/work.js';

export interface AppDeps {
  readonly store: EventStore;
  readonly rulesets: RulesetRegistry;
  readonly tokens: TokenStore;
  /** The staff directory; without it one is folded from the store. */
  readonly staff?: StaffDirectory;
  readonly clock: Clock;
  /** Present with CLOCK=manual: enables PUT /v1/admin/clock. */
  readonly manualClock?: ManualClock;
  /** A pino logger; without it the app logs nothing (tests). */
  readonly logger?: FastifyBaseLogger;
  readonly bodyLimit?: number;
  /** How long a client may take to send its request (headers and body) and how long a silent connection stays open; without them, Node's and fastify's own. */
  readonly timeouts?: ConnectionTimeouts;
  /** Failed-authentication and heavy-route limits (main.ts passes the configured ones); without them, none. */
  readonly rateLimits?: RateLimits;
  /** The read-model database kept by the projections; without it reports are folded from the log. */
  readonly readModels?: Database.Database;
  /** The key of the owners' phone digests the search projection keeps: `phone=` on GET /v1/cases needs it. */
  readonly phoneDigestKey?: Buffer;
  /** The search thread (projections/search/reader-thread.ts): searches and queues run there; without it, on the request thread. */
  readonly searchReader?: SearchReader;
  /**
   * Where reports that fold the log, verify, anchors and imports run (heavy/threads.ts: threads of
   * their own, main.ts's); without it, on the request thread. The app ends it when it closes.
   */
  readonly heavyWork?: HeavyWork;
  /** The projection runner (status, onApplied): lag in the dashboard and metrics, live dashboard streams. */
  readonly projections?: ProjectionsView;
  /**
   * Whether the read models can be answered from (main.ts shares one with the deadline watcher);
   * without it, one is kept over `projections` with `readModelLimits`.
   */
  readonly readModelHealth?: ReadModelHealth;
  /** How far behind the read models may fall before /readyz says not ready, and how long a request waits for them. */
  readonly readModelLimits?: { readonly maxLagSeconds?: number; readonly waitMs?: number };
  /** Dashboard streams: keep-alive interval (default 15 s), least time between two sends (default 250 ms), caps on open streams. */
  readonly dashboardStream?: { readonly keepAliveMs?: number; readonly minIntervalMs?: number; readonly caps?: StreamCaps };
}

export interface ConnectionTimeouts {
  /** The whole request, headers and body, must arrive within it: a body sent a byte a second is cut off with 408. */
  readonly requestMs: number;
  /** The headers must arrive within it (at most requestMs). */
  readonly headersMs: number;
  /** A connection with nothing sent either way for this long is closed (a dashboard stream sends a keep-alive every 15 s). */
  readonly idleMs: number;
}

export const buildApp = async (deps: AppDeps) => {
  const timeouts = deps.timeouts;
  const app = Fastify({
    ...(timeouts
      ? {
          requestTimeout: timeouts.requestMs,
          connectionTimeout: timeouts.idleMs,
          // Node checks the request and header deadlines on this interval (30 s by default), so it bounds how late a slow client is cut off.
          http: { headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs), connectionsCheckingInterval: Math.min(1000, timeouts.headersMs) },
        }
      : {}),
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.bodyLimit ?? 64 * 1024,
    // One line per request, written when it is answered (below), instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // While closing, new requests are answered by the hook below, as problems with Retry-After.
    return503OnClosing: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}; see /docs`, { instance: request.url })),
  );
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) {
      reply.header('connection', 'close');
      return sendProblem(
        reply,
        problem(503, 'SHUTTING_DOWN', 'the server is shutting down; send the request again shortly (to another instance, if there is one)'),
      );
    }
  });
  await securityHeaders(app);
  if (deps.rateLimits) {
    const limits = await rateLimits(app, deps.rateLimits);
    app.addHook('onRequest', limits.beforeAuthentication);
    app.addHook('onRequest', authenticate(deps.tokens, limits.authenticationFailed));
    app.addHook('onRequest', limits.afterAuthentication);
  } else {
    app.addHook('onRequest', authenticate(deps.tokens));
  }
  app.addHook('preValidation', refuseBidiControls);
  const metrics = appMetrics({ clock: deps.clock, readModels: deps.readModels, projections: deps.projections, store: deps.store, heavyWork: deps.heavyWork });
  app.addHook('onResponse', metrics.observe);
  // What fastify's request logging told (method, url, client, status, time), with who asked and
  // what their command did: one line a request.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: urlForLog(request.url, queryKeysOf(request.routeOptions.schema?.querystring)),
        remoteAddress: request.ip,
        status: reply.statusCode,
        responseTime: reply.elapsedTime,
        actor: request.principal?.personId ?? request.principal?.tokenId,
        role: request.principal?.role,
        ...request.applied,
      },
      'request done',
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Property customer-service workflow engine',
        version: '1.0.0',
        description:
          "Complaints (投诉), repairs (报修), visits (来访), fee ledgers (物业费), community activities (社区活动), owner-archive checks (档案核查) and procedure spot checks (规程抽检) as immutable events, with SLA clocks and the agreement's KPIs.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: docsContentSecurityPolicy });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const health =
    deps.readModelHealth ??
    (deps.projections
      ? readModelHealth({
          projections: deps.projections,
          maxLagSeconds: deps.readModelLimits?.maxLagSeconds,
          waitMs: deps.readModelLimits?.waitMs,
          logger: deps.logger?.child({ component: 'read-models' }),
          now: () => deps.clock.now().epochMilliseconds,
        })
      : undefined);

  let ready = true;
  app.addHook('onClose', async () => {
    ready = false;
    if (!deps.readModelHealth) health?.close();
  });
  await app.register(healthRoutes({ store: deps.store, rulesets: deps.rulesets, clock: deps.clock, health, accepting: () => ready }));

  const staff = deps.staff ?? (await openStaffDirectory({ store: deps.store, clock: deps.clock }));
  const cases = caseService({ store: deps.store, rulesets: deps.rulesets, clock: deps.clock, staff });
  const run = commandRunner({ cases, clock: deps.clock });
  await app.register(recordMetaRoutes({ rulesets: deps.rulesets }));
  await app.register(caseRoutes({ cases, rulesets: deps.rulesets, clock: deps.clock, run, readModels: deps.readModels, readModel: health, staff }));
  const lists = {
    rulesets: deps.rulesets,
    clock: deps.clock,
    readModels: deps.readModels,
    readModel: health,
    phoneKey: deps.phoneDigestKey,
    reader: deps.searchReader,
  };
  await app.register(caseListRoutes(lists));
  await app.register(queueRoutes(lists));
  await app.register(staffRoutes({ staff, tokens: deps.tokens }));
  await app.register(erasureRoutes({ store: deps.store, clock: deps.clock }));
  await app.register(staffReadRoutes({ staff, readModels: deps.readModels, readModel: health }));
  await app.register(tokenRoutes({ staff, tokens: deps.tokens }));
  await app.register(feeRoutes({ cases, rulesets: deps.rulesets, clock: deps.clock, run, staff }));
  const compliance = complianceService({
    store: deps.store,
    rulesets: deps.rulesets,
    clock: deps.clock,
    readModels: deps.readModels,
    readModel: health,
  });
  const heavy =
    deps.heavyWork ??
    onRequestThread({
      store: deps.store,
      rulesets: deps.rulesets,
      clock: deps.clock,
      readModels: deps.readModels,
      onNotice: ({ level, message }) => app.log[level]({ component: 'heavy-work' }, message),
    });
  // Before in-flight requests are waited for: a job still waiting or running is answered 503 at once.
  app.addHook('preClose', () => heavy.close());
  await app.register(complianceRoutes(compliance, heavy, deps.clock));
  await app.register(auditRoutes({ ...deps, heavy }));
  await app.register(
    dashboardRoutes({
      rulesets: deps.rulesets,
      clock: deps.clock,
      readModels: deps.readModels,
      readModel: health,
      projections: deps.projections,
      // The figures read every open case: on the search thread when there is one (a read-only connection
      // at the request thread's priority, not queued behind the projection thread's batches).
      figures: deps.searchReader ? (q) => deps.searchReader!.dashboardFigures(q) : undefined,
      manualClock: deps.manualClock,
      tokens: deps.tokens,
      staff,
      ...deps.dashboardStream,
    }),
  );
  await app.register(dashboardPageRoutes({ rulesets: deps.rulesets, staff }));
  await app.register(metrics.routes);

  if (deps.manualClock) {
    const manual = deps.manualClock;
    app.put(
      '/v1/admin/clock',
      {
        config: { roles: ['admin'] },
        schema: { tags: ['operations'], summary: 'Move the manual clock forward (CLOCK=manual only)', body: z.strictObject({ now: instantSchema }) },
      },
      async (request) => {
        // One clock for every property: moving it makes the watcher judge deadlines in all of them.
        requireAllProperties(request.principal, 'the manual clock is shared by');
        manual.set(Temporal.Instant.from(request.body.now));
        return { now: manual.now().toString() };
      },
    );
  }
  return app;
};
