/**
 * The dashboard of a property as of now (GET /v1/dashboard and its stream, dashboard-routes.ts):
 * its figures computed where the server computes them, off the request thread, beside the
 * projections' lag and the names of the people its figures list.
 */
import type Database from 'better-sqlite3';
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
import { problem, type Problem } from '../problem.js';
import type { TokenStore } from '../auth/tokens.js';
import type { StaffDirectory } from '../../app/staff-directory.js';
import type { StreamCaps } from './dashboard-hub.js';
import type { sharedStatus } from './dashboard-lag.js';

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

const name = z.string().min(1).max(100);
const filters = { building: name.optional(), category: name.optional(), department: name.optional(), technicianId: name.optional() };
export const dashboardQuery = z.strictObject({
  propertyId: name,
  ...filters,
  limit: z.coerce.number().int().min(1).max(1_000).default(100).describe('Most clocks listed in each of atRisk and missed (their totals count all)'),
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

const unavailable = (detail: string) => problem(503, 'READ_MODELS_UNAVAILABLE', detail);

/** The dashboard now, or the problem that prevents it; `lagStatus` shares the projections' status between dashboards. */
export const dashboardNow =
  (deps: DashboardDeps, lagStatus: ReturnType<typeof sharedStatus> | undefined) =>
  async ({ propertyId, limit, ...given }: DashboardQuery): Promise<Dashboard | Problem> => {
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
