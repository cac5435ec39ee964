import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InvalidCommandError } from '../../domain/case/errors.js';
import { queueIds } from '../../domain/record/queues.js';
import { isMissingTable } from '../../projections/dashboard-queries.js';
import { queueCounts } from '../../projections/search/queues.js';
import { authorizeProperty } from '../auth/plugin.js';
import { readRoles } from './case-command.js';
import { queueContext, type CaseListDeps } from './case-list-routes.js';
import { ReadModelsUnavailableError } from './number-lookup.js';

const queuesQuery = z.strictObject({ propertyId: z.string().trim().min(1).max(100) });

const queuesAnswer = z.object({
  propertyId: z.string(),
  asOf: z.string(),
  pausedLongHours: z.number(),
  queues: z.object(Object.fromEntries(queueIds.map((queue) => [queue, z.number().int()])) as Record<(typeof queueIds)[number], z.ZodNumber>),
});

/** `GET /v1/queues`: how many of a property's records wait in each work queue now. */
export const queueRoutes = (deps: CaseListDeps) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/queues',
    {
      config: { roles: readRoles },
      schema: {
        tags: ['records'],
        summary: "The desk's work queues of a property, counted now",
        description:
          'unassigned (received, not yet taken up or dispatched), awaiting_callback, follow_up (a dissatisfied callback not yet followed up), ' +
          'referred (visits referred, not closed): from each record type; paused_long (paused longer than intake.yaml pausedLongHours), ' +
          'at_risk, missed: from the SLA clocks of open records. List a queue with GET /v1/cases?queue=.',
        querystring: queuesQuery,
        response: { 200: queuesAnswer },
      },
    },
    async (request) => {
      const { propertyId } = request.query;
      authorizeProperty(request.principal)(propertyId);
      const ruleset = deps.rulesets.current;
      if (!ruleset.property(propertyId))
        throw new InvalidCommandError(
          'propertyId',
          `unknown property "${propertyId}"`,
          ruleset.spec.properties.map((p) => p.id),
        );
      if (!deps.readModels) throw new ReadModelsUnavailableError('this server keeps no read models; the queues need them');
      await deps.readModel?.refuseIfFailing();
      const at = queueContext(deps);
      try {
        const queues = deps.reader ? await deps.reader.queueCounts(propertyId, at) : queueCounts(deps.readModels, propertyId, at);
        return { propertyId, asOf: new Date(at.now).toISOString(), pausedLongHours: ruleset.intake.pausedLongHours, queues };
      } catch (error) {
        if (isMissingTable(error)) throw new ReadModelsUnavailableError('the read models are being set up or rebuilt; try again shortly');
        throw error;
      }
    },
  );
};
