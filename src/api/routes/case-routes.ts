import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseService } from '../../app/case-service.js';
import { instantSchema } from '../../domain/events/envelope.js';
import { recordOf, recordTypes } from '../../domain/records.js';
import type Database from 'better-sqlite3';
import { coversProperty } from '../auth/plugin.js';
import { isWorkOrderNumber } from '../../domain/record/number.js';
import { numberLookup } from './number-lookup.js';
import type { ReadModelHealth } from '../../app/read-model-health.js';
import { problem } from '../problem.js';
import type { StaffDirectory } from '../../app/staff-directory.js';
import { namedActor, namesInData, recordViewFor, seesOwnerContact, withContact } from './record-contact.js';
import { commandHeaders, etag, readRoles, type CommandRunner } from './case-command.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import type { Clock } from '../../runtime/clock.js';

const caseIdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'a case id or its work-order number')
    .describe('The record id, or its work-order number (e.g. TS-20261203-0007)'),
});

/** Which property's record a work-order number means, for a token that finds it in several. */
const numberQuery = z.strictObject({ propertyId: z.string().min(1).max(100).optional() });

/** Every record type's generic routes: create, each action of its lifecycle, the record now and its history. */
export const caseRoutes =
  (deps: {
    cases: CaseService;
    rulesets: RulesetRegistry;
    clock: Clock;
    run: CommandRunner;
    readModels?: Database.Database | undefined;
    /** While the read models fail, a number they do not know may be a record they have not applied yet: a 503, not a 404. */
    readModel?: Pick<ReadModelHealth, 'refuseIfFailing'> | undefined;
    staff: StaffDirectory;
  }) =>
  async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const recordIdOf = numberLookup(deps.readModels);
    for (const caseType of recordTypes) {
      const record = recordOf(caseType);
      const { lifecycle, segment: tag, noun } = record;
      const base = `/v1/${tag}`;

      for (const spec of lifecycle.commands) {
        if (spec.roles.every((role) => role === 'system')) continue;
        const payload = spec.payload as z.ZodObject;
        // safeExtend: a payload with a refinement (an incorrect archive record names its wrong fields) keeps it.
        const body = payload.safeExtend({ occurredAt: instantSchema.optional() });
        const bodyOptional = payload.safeParse({}).success;
        app.route({
          method: 'POST',
          url: spec.creates ? base : `${base}/:id/${spec.name}`,
          config: { roles: spec.roles },
          schema: {
            tags: [tag],
            summary: spec.summary,
            description: `Roles: ${spec.roles.join(', ')}.`,
            headers: commandHeaders,
            ...(spec.creates ? {} : { params: caseIdParams }),
            body: bodyOptional ? body.nullish() : body,
          },
          handler: async (request, reply) => {
            const { occurredAt, ...fields } = (request.body ?? {}) as { occurredAt?: string } & Record<string, unknown>;
            const caseId = spec.creates ? undefined : (request.params as { id: string }).id;
            return deps.run(request, reply, { caseType, spec, fields, ...(caseId === undefined ? {} : { caseId }), ...(occurredAt ? { occurredAt } : {}) });
          },
        });
      }

      const loadVisible = async (request: FastifyRequest, idOrNumber: string) => {
        const byNumber = isWorkOrderNumber(idOrNumber);
        const id = byNumber ? recordIdOf(request, caseType, idOrNumber) : idOrNumber;
        if (id === undefined) {
          // A number found is the record's for good; one not found is known only to a read model that is well.
          if (byNumber) await deps.readModel?.refuseIfFailing();
          return undefined;
        }
        const history = await deps.cases.load(caseType, id);
        // Another property's record is answered as a missing one (404, the same body).
        if (history.state.revision === null || !coversProperty(request.principal, history.state.propertyId!)) return undefined;
        return history;
      };
      const notFound = (id: string) => problem(404, 'CASE_NOT_FOUND', `${noun} ${id} does not exist`, { caseType, caseId: id });

      app.get(
        `${base}/:id`,
        {
          config: { roles: readRoles },
          schema: { tags: [tag], summary: `The ${noun} now: state, allowed actions, SLA clocks`, params: caseIdParams, querystring: numberQuery },
        },
        async (request, reply) => {
          const history = await loadVisible(request, request.params.id);
          if (!history) return reply.status(404).type('application/problem+json').send(notFound(request.params.id));
          const ruleset = await deps.rulesets.get(history.state.rulesetVersion!);
          reply.header('etag', etag(history.state.revision!));
          return recordViewFor(request, deps.staff, history, { ruleset, now: deps.clock.now(), inForce: deps.rulesets.current });
        },
      );

      app.get(
        `${base}/:id/events`,
        {
          config: { roles: readRoles },
          schema: { tags: [tag], summary: `The ${noun}'s history with metadata`, params: caseIdParams, querystring: numberQuery },
        },
        async (request, reply) => {
          const history = await loadVisible(request, request.params.id);
          if (!history) return reply.status(404).type('application/problem+json').send(notFound(request.params.id));
          reply.header('etag', etag(history.state.revision!));
          const sees = seesOwnerContact(request.principal, history.state.snapshot.facts);
          return {
            id: history.caseId,
            number: history.state.number,
            revision: Number(history.state.revision),
            events: history.events.map((e, i) => {
              const names = namesInData(deps.staff, e.data);
              return {
                revision: i,
                ...e,
                data: withContact(e.data, sees),
                metadata: { ...e.metadata, actor: namedActor(deps.staff, e.metadata.actor) },
                ...(names ? { names } : {}),
              };
            }),
          };
        },
      );
    }
  };
