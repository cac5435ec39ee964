import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock, ManualClock } from '../../runtime/clock.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import { InvalidCommandError } from '../../domain/case/errors.js';
import {
  dashboardFigures,
  isMissingTable,
  type CaseCounts,
  type DashboardFigures,
  type DashboardFiguresQuery,
  type DashboardFilters,
} from '../../projections/dashboard-queries.js';
import type { ProjectionRunner } from '../../projections/runner.js';
import type { ReadModelHealth } from '../../app/read-model-health.js';
import { isEngineError } from '../../errors.js';
import { authorizeProperty } from '../auth/plugin.js';
import { problem, sendProblem, type Problem } from '../problem.js';
import type { TokenStore } from '../auth/tokens.js';
import type { StaffDirectory } from '../../app/staff-directory.js';
import { sharedStatus } from './dashboard-lag.js';
import { DEFAULT_STREAM_CAPS, dashboardHub, STREAM_RETRY_AFTER_SECONDS, TooManyStreamsError, type SharedDashboard, type StreamCaps } from './dashboard-hub.js';

/** What the API needs of the projection runner. */
export type ProjectionsView = Pick<ProjectionRunner, 'status' | 'onApplied' | 'waitUntilCaughtUp' | 'health' | 'onHealth'> & {
  /**
   * Where the runner writes the read model (the projection thread), the queries that read every
   * open case run there, off the request thread: /metrics' counts, and the dashboard's figures
   * when no search thread reads them (DashboardDeps.figures).
   */
  readonly caseCounts?: (now: number) => Promise<CaseCounts>;
  readonly dashboardFigures?: (q: DashboardFiguresQuery) => Promise<DashboardFigures>;
  /** How many times the projection thread died and was started again (/metrics). */
  readonly restarts?: () => number;
};

export interface DashboardDeps {
  readonly rulesets: RulesetRegistry;
  readonly clock: Clock;
  readonly readModels?: Database.Database | undefined;
  readonly projections?: ProjectionsView | undefined;
  /**
   * Where the figures are computed, off the request thread: the search thread's read-only
   * connection when the server has one (app.ts), else `projections.dashboardFigures`; without
   * either, on `readModels` here.
   */
  readonly figures?: ((q: DashboardFiguresQuery) => Promise<DashboardFigures>) | undefined;
  /** Whether the read models can be answered from: while they fail, the dashboard is a 503. */
  readonly readModel?: Pick<ReadModelHealth, 'refuseIfFailing'> | undefined;
  /** With CLOCK=manual: a move of the clock refreshes every stream. */
  readonly manualClock?: ManualClock | undefined;
  /** Default 15 s. */
  readonly keepAliveMs?: number;
  /** Least time between two dashboards sent on one stream; default 250 ms. */
  readonly minIntervalMs?: number;
  /** Names the technicians the figures list by id; without it the page shows their ids. */
  readonly staff?: Pick<StaffDirectory, 'get'> | undefined;
  /** Open streams per token and in all; default DEFAULT_STREAM_CAPS. */
  readonly caps?: StreamCaps;
  /** Checks each open stream's token again every second: a revoked or expired one's streams end. */
  readonly tokens?: Pick<TokenStore, 'verify'>;
}

export interface Dashboard extends DashboardFigures {
  readonly propertyId: string;
  readonly asOf: string;
  readonly timeZone: string;
  readonly today: string;
  readonly filters: DashboardFilters;
  /** Per projection: events not yet applied and how far behind in seconds; null without a runner. */
  readonly lag: Array<{ projection: string; events: number; capped: boolean; seconds: number; caughtUp: boolean; error: string | null }> | null;
  /** The directory's names of the technicians the figures list by id (clock alerts, open load). */
  readonly people: Record<string, string>;
}

/** The names of the people a dashboard's figures name by id, from the staff directory. */
const peopleIn = (figures: DashboardFigures, staff: DashboardDeps['staff']): Record<string, string> => {
  const people: Record<string, string> = {};
  const ids = [...figures.atRisk.items, ...figures.missed.items].map((a) => a.technicianId).concat(figures.load.technicians.map((x) => x.technicianId));
  for (const id of ids) {
    const name = id ? staff?.get(id)?.name : undefined;
    if (id && name !== undefined) people[id] = name;
  }
  return people;
};

const roles = ['manager', 'dispatcher', 'auditor', 'admin'] as const;
const name = z.string().min(1).max(100);
const filters = { building: name.optional(), category: name.optional(), department: name.optional(), technicianId: name.optional() };
const dashboardQuery = z.strictObject({
  propertyId: name,
  ...filters,
  limit: z.coerce.number().int().min(1).max(1_000).default(100).describe('Most clocks listed in each of atRisk and missed (their totals count all)'),
});
type DashboardQuery = z.infer<typeof dashboardQuery>;

/** A new viewer's first dashboard, and a GET's, is at most this old: it tells the time it was asked. */
const FIRST_FRESH_MS = 1_000;

const unavailable = (detail: string) => problem(503, 'READ_MODELS_UNAVAILABLE', detail);
export const dashboardRoutes = (deps: DashboardDeps) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const keepAliveMs = deps.keepAliveMs ?? 15_000;
  const minIntervalMs = deps.minIntervalMs ?? 250;

  /** The projections' status for `lag`, one answer shared by the dashboards of the next second. */
  const lagStatus = deps.projections ? sharedStatus(() => deps.projections!.status(), FIRST_FRESH_MS) : undefined;

  /** The dashboard now, or the problem that prevents it. */
  const dashboard = async ({ propertyId, limit, ...given }: DashboardQuery): Promise<Dashboard | Problem> => {
    const property = deps.rulesets.current.property(propertyId);
    if (!property)
      throw new InvalidCommandError(
        'propertyId',
        `unknown property "${propertyId}"`,
        deps.rulesets.current.spec.properties.map((p) => p.id),
      );
    if (!deps.readModels) return unavailable('this server keeps no read models; the dashboard needs them');
    try {
      await deps.readModel?.refuseIfFailing();
    } catch (error) {
      // As a problem, not thrown: a stream sends it as its next message, as it would any dashboard.
      if (isEngineError(error)) return problem(503, error.code, error.message, error.details);
      throw error;
    }
    const now = deps.clock.now();
    const today = now.toZonedDateTimeISO(property.timeZone).toPlainDate().toString();
    const filters = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as DashboardFilters;
    const pausedLongMs = deps.rulesets.current.intake.pausedLongHours * 3_600_000;
    const q = { propertyId, now: now.epochMilliseconds, today, filters, limit, pausedLongMs };
    const readModels = deps.readModels;
    const compute = deps.figures ?? deps.projections?.dashboardFigures ?? (async (query: DashboardFiguresQuery) => dashboardFigures(readModels, query));
    // The figures and the projections' lag are asked at once: they are answered by different threads.
    const [computed, statuses] = await Promise.allSettled([compute(q), lagStatus?.status()]);
    if (computed.status === 'rejected') {
      if (isMissingTable(computed.reason)) return unavailable('the read models are being set up or rebuilt; try again shortly');
      throw computed.reason;
    }
    if (statuses.status === 'rejected') throw statuses.reason;
    const figures = computed.value;
    const lag = statuses.value
      ? statuses.value.map((s) => ({
          projection: s.name,
          events: s.lagEvents,
          capped: s.lagCapped,
          seconds: s.lagSeconds,
          caughtUp: s.caughtUp,
          error: s.error,
        }))
      : null;
    return { propertyId, asOf: now.toString(), timeZone: property.timeZone, today, filters, ...figures, lag, people: peopleIn(figures, deps.staff) };
  };
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
