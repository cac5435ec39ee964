import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authorizeProperty } from '../auth/plugin.js';
import { sendProblem, type Problem } from '../problem.js';
import { sharedStatus } from './dashboard-lag.js';
import { DEFAULT_STREAM_CAPS, dashboardHub, STREAM_RETRY_AFTER_SECONDS, TooManyStreamsError, type SharedDashboard } from './dashboard-hub.js';
import { dashboardNow, dashboardQuery, type Dashboard, type DashboardDeps, type DashboardQuery } from './dashboard-now.js';

export type { Dashboard, DashboardDeps, ProjectionsView } from './dashboard-now.js';

const roles = ['manager', 'dispatcher', 'auditor', 'admin'] as const;

/** A new viewer's first dashboard, and a GET's, is at most this old: it tells the time it was asked. */
const FIRST_FRESH_MS = 1_000;

export const dashboardRoutes = (deps: DashboardDeps) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const keepAliveMs = deps.keepAliveMs ?? 15_000;
  const minIntervalMs = deps.minIntervalMs ?? 250;

  /** The projections' status for `lag`, one answer shared by the dashboards of the next second. */
  const lagStatus = deps.projections ? sharedStatus(() => deps.projections!.status(), FIRST_FRESH_MS) : undefined;

  const dashboard = dashboardNow(deps, lagStatus);
  const isProblem = (value: Dashboard | Problem): value is Problem => 'code' in value && 'status' in value;

  // Open streams and the dashboards they share; ended when the server closes so close() does not wait on them.
  const hub = dashboardHub(deps.caps ?? DEFAULT_STREAM_CAPS, () => deps.clock.now().epochMilliseconds);
  fastify.addHook('preClose', async () => hub.endAll());
  const stopFollowing = [
    deps.projections?.onApplied((summary) => {
      for (const propertyId of summary.properties) hub.changed(propertyId);
    }),
    deps.manualClock?.onChange(() => hub.changedAll()),
    // A read model that begins or ends failing changes every dashboard: a problem in its place, or back.
    deps.projections?.onHealth(() => {
      lagStatus?.invalidate();
      hub.changedAll();
    }),
  ];
  fastify.addHook('onClose', async () => {
    for (const stop of stopFollowing) stop?.();
  });
  const serialised = async (query: DashboardQuery): Promise<SharedDashboard> => {
    const next = await dashboard(query);
    return { event: isProblem(next) ? 'problem' : 'dashboard', data: JSON.stringify(next) };
  };

  app.get(
    '/v1/dashboard',
    {
      config: { roles },
      schema: {
        tags: ['dashboard'],
        summary:
          "Live figures of a property: open cases by state, clocks at risk and missed, today's intake, load per department and technician, the work queues counted",
        description:
          "From the `cases` read model, as of `asOf`: a dashboard of the same query is shared until the property's cases change, for at most 1 s. Filters narrow every figure to the matching cases but `queues`, which counts the property's work queues as GET /v1/queues does. 503 READ_MODELS_UNAVAILABLE when the server keeps no read models.",
        querystring: dashboardQuery,
      },
    },
    async (request, reply) => {
      const { propertyId } = request.query;
      authorizeProperty(request.principal)(propertyId);
      // The dashboard of this query at the cases' current change, shared with the streams and the other GETs of it;
      // without projections to say when the cases change, computed for each request.
      const compute = () => serialised(request.query);
      const answer = deps.projections ? await hub.dashboard(propertyId, JSON.stringify(request.query), compute, { freshMs: FIRST_FRESH_MS }) : await compute();
      if (answer.event === 'problem') return sendProblem(reply, JSON.parse(answer.data) as Problem);
      return reply.type('application/json; charset=utf-8').send(answer.data);
    },
  );

  app.get(
    '/v1/dashboard/stream',
    {
      config: { roles },
      schema: {
        tags: ['dashboard'],
        summary: "The dashboard (same query) as Server-Sent Events: sent on connect, again when the property's cases or the clock change",
        description:
          'Each message is `event: dashboard` with an increasing `id:` and the dashboard as JSON in `data:`; at most a few a second; ' +
          'a `: keep-alive` comment every 15 s. Authenticate with the bearer header (read it with fetch streaming, not EventSource).',
        querystring: dashboardQuery,
      },
    },
    async (request, reply) => {
      const { propertyId } = request.query;
      const principal = request.principal!;
      authorizeProperty(principal)(propertyId);
      // HEAD says what a GET would answer, and subscribes to nothing.
      if (request.method === 'HEAD') return reply.status(200).type('text/event-stream; charset=utf-8').header('cache-control', 'no-cache').send();
      const key = JSON.stringify(request.query);
      const bearer = request.headers.authorization?.slice(7).trim() ?? '';
      const stillValid = () => !deps.tokens || deps.tokens.verify(bearer) !== undefined;
      let forget: () => void;
      try {
        forget = hub.admit({ raw: reply.raw, tokenId: principal.tokenId, stillValid });
      } catch (error) {
        if (error instanceof TooManyStreamsError) reply.header('retry-after', String(STREAM_RETRY_AFTER_SECONDS));
        throw error;
      }
      let first: SharedDashboard;
      try {
        first = await hub.dashboard(propertyId, key, () => serialised(request.query), { freshMs: FIRST_FRESH_MS });
      } catch (error) {
        forget();
        throw error;
      }
      if (first.event === 'problem') {
        forget();
        return sendProblem(reply, JSON.parse(first.data) as Problem);
      }

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
      let sequence = 0;
      const send = (message: SharedDashboard) => raw.write(`id: ${++sequence}\nevent: ${message.event}\ndata: ${message.data}\n\n`);
      send(first);

      // Throttle: a change marks the stream dirty; one send at a time, at most one per minIntervalMs.
      let closed = false;
      let dirty = false;
      let busy = false;
      let timer: NodeJS.Timeout | undefined;
      let last = Date.now();
      const flush = async () => {
        timer = undefined;
        if (closed || !dirty) return;
        dirty = false;
        busy = true;
        last = Date.now();
        try {
          const next = await hub.dashboard(propertyId, key, () => serialised(request.query), { spacingMs: minIntervalMs });
          if (!closed) send(next);
        } catch (error) {
          request.log.warn({ err: error }, 'dashboard stream: refresh failed');
        } finally {
          busy = false;
        }
        if (dirty) schedule();
      };
      const schedule = () => {
        dirty = true;
        if (closed || busy || timer) return;
        timer = setTimeout(() => void flush(), Math.max(0, last + minIntervalMs - Date.now()));
      };

      const unsubscribe = [
        deps.projections?.onApplied((summary) => {
          if (summary.properties.has(propertyId)) schedule();
        }),
        deps.manualClock?.onChange(() => schedule()),
        deps.projections?.onHealth(() => schedule()),
      ];
      const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), keepAliveMs);
      raw.on('close', () => {
        closed = true;
        clearInterval(keepAlive);
        clearTimeout(timer);
        for (const stop of unsubscribe) stop?.();
        forget();
      });
    },
  );
};
