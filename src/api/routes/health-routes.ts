import type { FastifyInstance } from 'fastify';
import type { ReadModelHealth } from '../../app/read-model-health.js';
import type { Clock } from '../../runtime/clock.js';
import { behindLogMessage } from '../../runtime/log-clock.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import type { EventStore } from '../../store/port.js';
import { problem, sendProblem } from '../problem.js';

export interface HealthDeps {
  readonly store: EventStore;
  readonly rulesets: RulesetRegistry;
  readonly clock: Clock;
  /** The read models' state; without it readiness asks the store only. */
  readonly health?: ReadModelHealth | undefined;
  /** False once the server is closing. */
  readonly accepting: () => boolean;
}

/** What needs an operator but leaves the server able to work: a clock behind the log (docs/operations.md). */
const warningsOf = (clock: Clock) => {
  const behind = clock.behindLog?.();
  if (!behind || behind.behindMs <= behind.toleranceMs) return undefined;
  return [
    {
      code: 'CLOCK_BEHIND_LOG',
      behindSeconds: behind.behindMs / 1000,
      clockReads: behind.reads,
      recordingAt: behind.heldAt,
      detail: behindLogMessage(behind),
    },
  ];
};

/** `/healthz` (the process is alive) and `/readyz` (it can do its work now, or why not). */
export const healthRoutes = (deps: HealthDeps) => async (app: FastifyInstance) => {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is alive' } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary:
          'The store answers, the read models are neither failing nor behind beyond the bound, and the server accepts work; `warnings` lists what an operator should see to (a clock behind the log)',
      },
    },
    async (_request, reply) => {
      try {
        await deps.store.readAll({ maxCount: 1 });
      } catch (error) {
        return sendProblem(reply, problem(503, 'NOT_READY', `the event store does not answer: ${(error as Error).message}`));
      }
      if (!deps.accepting()) return sendProblem(reply, problem(503, 'NOT_READY', 'shutting down'));
      const readModels = await deps.health?.assess();
      if (readModels && !readModels.ready)
        return sendProblem(
          reply,
          problem(503, 'NOT_READY', readModels.reason, {
            readModels: readModels.state,
            projections: readModels.projections,
            retryAfterSeconds: readModels.retryAfterSeconds,
          }),
        );
      // A clock behind the log keeps the server ready: every write is still recorded, no earlier than the last.
      const warnings = warningsOf(deps.clock);
      return {
        status: 'ready',
        rulesetVersion: deps.rulesets.current.version,
        now: deps.clock.now().toString(),
        ...(readModels ? { readModels: 'ready', projections: readModels.projections } : {}),
        ...(warnings ? { warnings } : {}),
      };
    },
  );
};
