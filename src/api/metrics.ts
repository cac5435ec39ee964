import type Database from 'better-sqlite3';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../runtime/clock.js';
import { caseCounts, type CaseCounts } from '../projections/dashboard-queries.js';
import { requireAllProperties } from './auth/plugin.js';
import type { ProjectionsView } from './routes/dashboard-routes.js';
import type { EventStore } from '../store/port.js';
import type { ProjectionHealth, ProjectionStatus } from '../projections/projection.js';
import type { HeavyWork } from './heavy/work.js';

export interface MetricsDeps {
  readonly clock: Clock;
  readonly readModels?: Database.Database | undefined;
  readonly projections?: ProjectionsView | undefined;
  /** The event store, when it counts its group commits. */
  readonly store?: Pick<EventStore, 'stats'> | undefined;
  /** The heavy-work threads, when the jobs run on them. */
  readonly heavyWork?: Pick<HeavyWork, 'stats'> | undefined;
}

/**
 * The app's Prometheus metrics, in a registry of its own (never prom-client's global one, so two
 * apps in one process do not share figures). Case and clock gauges are read from the `cases`
 * read model at scrape time, by the projection thread when there is one (the queries read every
 * open case, too long a stop for the thread that answers requests); projection lag from the
 * runner's status().
 */
export const appMetrics = (deps: MetricsDeps) => {
  const registry = new Registry();
  const registers = [registry];

  const httpDuration = new Histogram({
    name: 'wuye_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  // All case gauges come from one count a scrape.
  const countHere = (): CaseCounts => (deps.readModels ? caseCounts(deps.readModels, deps.clock.now().epochMilliseconds) : { open: [], alerts: [] });
  let scraped: CaseCounts | undefined;
  const counts = () => scraped ?? countHere();

  new Gauge({
    name: 'wuye_open_cases',
    help: 'Open cases by property and case type (cases read model)',
    labelNames: ['property_id', 'case_type'] as const,
    registers,
    collect() {
      this.reset();
      for (const row of counts().open) this.set({ property_id: row.property_id, case_type: row.case_type }, row.n);
    },
  });

  const clockGauge = (status: 'at_risk' | 'missed', name: string, help: string) =>
    new Gauge({
      name,
      help,
      labelNames: ['property_id', 'case_type', 'clock'] as const,
      registers,
      collect() {
        this.reset();
        for (const row of counts().alerts)
          if (row.status === status) this.set({ property_id: row.property_id, case_type: row.case_type, clock: row.clock }, row.n);
      },
    });
  clockGauge('at_risk', 'wuye_sla_clocks_at_risk', 'SLA clocks of open cases at risk now: running, past their at-risk share, deadline not passed');
  clockGauge('missed', 'wuye_sla_clocks_missed', 'SLA clocks of open cases whose deadline passed without the stopping event');

  // The projections' status is read once a scrape (it reads the log after each checkpoint); null when the runner does not answer (its thread is down).
  let statusScraped: ProjectionStatus[] | null = null;
  /** A gauge per projection, read at each scrape from `rows` (the status scraped, or the runner's failure records). */
  const projectionGauge = <R extends { readonly name: string }>(name: string, help: string, rows: () => readonly R[], value: (row: R) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['projection'] as const,
      registers,
      collect() {
        this.reset();
        for (const row of rows()) this.set({ projection: row.name }, value(row));
      },
    });
  const lagGauge = (name: string, help: string, value: (s: ProjectionStatus) => number) => projectionGauge(name, help, () => statusScraped ?? [], value);
  lagGauge('wuye_projection_lag_events', 'Case events in the log not yet applied to the projection (counted up to a limit)', (s) => s.lagEvents);
  lagGauge('wuye_projection_lag_seconds', 'How far behind the log the projection is, in seconds (0 when caught up)', (s) => s.lagSeconds);
  lagGauge(
    'wuye_projection_waiting_seconds',
    'How long the oldest case event not yet applied has waited, in seconds (0 when caught up): /readyz fails beyond READ_MODEL_MAX_LAG_SECONDS',
    (s) => s.waitingSeconds,
  );

  // Failures are kept in memory by the runner (or its thread's proxy): they answer even when the thread is down.
  const healthGauge = (name: string, help: string, value: (h: ProjectionHealth) => number) =>
    projectionGauge(name, help, () => deps.projections?.health() ?? [], value);
  if (deps.projections) {
    healthGauge('wuye_projection_failing', '1 while the projection fails (its batches rolled back and retried with backoff), else 0', (h) =>
      h.failing ? 1 : 0,
    );
    healthGauge('wuye_projection_consecutive_failures', 'Failed attempts of the projection in a row (0 once a batch succeeds)', (h) => h.consecutiveFailures);
    new Counter({
      name: 'wuye_projection_failures_total',
      help: 'Failed attempts of the projection since the server (or its projection thread) started',
      labelNames: ['projection'] as const,
      registers,
      collect() {
        this.reset();
        for (const health of deps.projections?.health() ?? []) this.inc({ projection: health.name }, health.failures);
      },
    });
    new Gauge({
      name: 'wuye_projection_last_error',
      help: "The projection's last failure, by its code (SQLITE_FULL, PROJECTION_THREAD_EXITED…): its time in seconds since the epoch; kept after it heals",
      labelNames: ['projection', 'code'] as const,
      registers,
      collect() {
        this.reset();
        for (const { name, lastError } of deps.projections?.health() ?? [])
          if (lastError) this.set({ projection: name, code: lastError.code ?? 'unknown' }, lastError.at / 1000);
      },
    });
  }
  const restarts = deps.projections?.restarts;
  if (restarts)
    new Counter({
      name: 'wuye_projection_thread_restarts_total',
      help: 'Times the projection thread died and was started again',
      registers,
      collect() {
        this.reset();
        this.inc(restarts());
      },
    });

  const heavyStats = deps.heavyWork?.stats?.bind(deps.heavyWork);
  if (heavyStats)
    new Gauge({
      name: 'wuye_heavy_jobs',
      help: 'Heavy jobs (reports that fold the log, verify, anchors, imports) running on their threads and waiting for one',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const { running, queued } = heavyStats();
        this.set({ state: 'running' }, running);
        this.set({ state: 'queued' }, queued);
      },
    });

  // For a store that commits in groups: appends over transactions is how many appends each fsync acknowledged.
  const storeCounter = (name: string, help: string, value: (s: { appends: number; transactions: number }) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const stats = deps.store?.stats?.();
        if (!stats) return;
        this.reset();
        this.inc(value(stats));
      },
    });
  if (deps.store?.stats) {
    storeCounter('wuye_store_appends_total', 'Appends the event store decided (written, recognised as retries, or refused)', (s) => s.appends);
    storeCounter('wuye_store_transactions_total', 'Transactions the event store committed (each one fsync), or attempted and failed', (s) => s.transactions);
  }

  // A clock held to the log (src/runtime/log-clock.ts): how far the system clock reads behind the last recordedAt.
  if (deps.clock.behindLog) {
    const behindLog = deps.clock.behindLog;
    new Gauge({
      name: 'wuye_clock_behind_log_seconds',
      help: "How far the server's clock reads behind the log's last recordedAt (0 when not); events are recorded at that last instant meanwhile",
      registers,
      collect() {
        this.set(behindLog().behindMs / 1000);
      },
    });
  }

  // Default process metrics start with the first scrape: their event-loop monitor samples
  // continuously, and an app that is never scraped (most tests) should not pay for it.
  let defaults = false;

  return {
    registry,
    /** onResponse hook: the route's url pattern, never the raw URL (unbounded label values). */
    observe: async (request: FastifyRequest, reply: FastifyReply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      httpDuration.observe({ route, method: request.method, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    },
    routes: async (fastify: FastifyInstance) => {
      fastify.get(
        '/metrics',
        {
          config: { roles: ['admin', 'auditor'] },
          schema: {
            tags: ['operations'],
            summary: 'Prometheus metrics: open cases, clocks at risk and missed, projection lag and failures, the clock behind the log, HTTP latency, process',
            description:
              'Roles admin and auditor, with a token for all properties: the figures cover every property. ' +
              'Prometheus sends it with `authorization: { type: Bearer, credentials: <token> }` in the scrape config.',
          },
        },
        async (request, reply) => {
          requireAllProperties(request.principal, 'the metrics cover');
          if (!defaults) {
            collectDefaultMetrics({ register: registry });
            defaults = true;
          }
          const counting = deps.projections?.caseCounts;
          // The read model's counts, as it holds them, also while it fails: the failing gauges say how far to trust them.
          scraped = await (counting ? counting(deps.clock.now().epochMilliseconds) : Promise.resolve(countHere())).catch(
            (): CaseCounts => ({ open: [], alerts: [] }),
          );
          statusScraped = (await deps.projections?.status().catch(() => null)) ?? null;
          try {
            return reply.type(registry.contentType).send(await registry.metrics());
          } finally {
            scraped = undefined;
            statusScraped = null;
          }
        },
      );
    },
  };
};
export type AppMetrics = ReturnType<typeof appMetrics>;
