import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { CaseService } from '../../app/case-service.js';
import { lifecycles } from '../../app/case-history.js';
import { caseTypes, instantSchema, type CaseType } from '../../domain/events/envelope.js';
import { authorizeProperty } from '../auth/plugin.js';
import { problem } from '../problem.js';
import { caseView } from './case-view.js';
import type { RulesetRegistry } from '../../app/rulesets.js';
import type { Clock } from '../../app/clock.js';

const NAMESPACE = '8d7f3c21-9e4b-5a6d-b1c0-2f3e4d5a6b7c';
const caseIdParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a case id') });
const headers = z.object({
  'idempotency-key': z.string().min(1).max(200).optional(),
  'if-match': z.string().regex(/^(W\/)?"?\d+"?$/, 'a revision, e.g. "3"').optional(),
});
/** Each record type's collection in the API. */
export const plural: Record<CaseType, string> = {
  complaint: 'complaints', repair: 'repairs', visit: 'visits', fee: 'fees', activity: 'activities', archive_check: 'archive-checks', inspection: 'inspections',
};
const singular: Record<CaseType, string> = {
  complaint: 'complaint', repair: 'repair', visit: 'visit', fee: 'fee ledger', activity: 'activity', archive_check: 'archive check', inspection: 'spot check',
};

/**
 * A retried request must not write twice. With an Idempotency-Key the command id (and for a
 * new case, the case id) derive from the caller's token and the key, so a retry finds its
 * command already in the case stream and gets the original answer — across restarts too. An
 * action's command id also derives from its case: a key names one request on one case, and the
 * same key sent to another case is another request there (event ids are derived from command
 * ids, so a shared id across cases would collide in the store instead).
 */
const commandIdentity = (request: FastifyRequest, key: string | undefined, target: { caseType: CaseType; caseId: string } | undefined, clock: Clock) => {
  if (!key) {
    // Minted in time order (UUIDv7 of the server clock): the store's indexes grow at their end.
    const msecs = clock.now().epochMilliseconds;
    return { commandId: uuidv7({ msecs }), minted: true, derivedCaseId: target ? undefined : uuidv7({ msecs }) };
  }
  const seed = `${request.principal!.tokenId}:${key}`;
  const commandSeed = target ? `${seed}:${target.caseType}:${target.caseId}` : seed;
  return { commandId: `idem-${createHash('sha256').update(commandSeed).digest('hex').slice(0, 32)}`, minted: false, derivedCaseId: target ? undefined : uuidv5(seed, NAMESPACE) };
};

const ifMatch = (header: string | undefined): bigint | undefined =>
  header === undefined ? undefined : BigInt(header.replace(/^W\//, '').replaceAll('"', ''));

const etag = (revision: bigint) => `"${revision}"`;

export const caseRoutes = (deps: { cases: CaseService; rulesets: RulesetRegistry; clock: Clock }) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  for (const caseType of caseTypes) {
    const base = `/v1/${plural[caseType]}`;
    const lifecycle = lifecycles[caseType];
    const tag = plural[caseType];
    const actor = (request: FastifyRequest) => ({ id: request.principal!.label === 'ADMIN_TOKEN' ? 'admin' : request.principal!.tokenId, role: request.principal!.role });

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
          headers,
          ...(spec.creates ? {} : { params: caseIdParams }),
          body: bodyOptional ? body.nullish() : body,
        },
        handler: async (request, reply) => {
          const { occurredAt, ...fields } = (request.body ?? {}) as { occurredAt?: string } & Record<string, unknown>;
          const target = spec.creates ? undefined : { caseType, caseId: (request.params as { id: string }).id };
          const { commandId, minted, derivedCaseId } = commandIdentity(request, request.headers['idempotency-key'], target, deps.clock);
          // A record with a natural key (a unit's fee ledger for a month) has the id of that key.
          const caseId = target?.caseId ?? spec.naturalId?.(fields) ?? derivedCaseId!;
          const result = await deps.cases.execute({
            caseType,
            command: { caseId, name: spec.name, payload: fields, commandId, actor: actor(request), ...(occurredAt ? { occurredAt } : {}) },
            ...(spec.creates ? {} : { expectedRevision: ifMatch(request.headers['if-match']) }),
            authorize: authorizeProperty(request.principal),
            mintedCommandId: minted,
          });
          request.log.info({ caseType, caseId, action: spec.name, revision: String(result.revision), replayed: result.replayed }, 'command applied');
          reply.header('etag', etag(result.revision));
          if (result.replayed) reply.header('idempotent-replayed', 'true');
          if (spec.creates) {
            reply.header('location', `${base}/${caseId}`);
            return reply.status(201).send({ id: caseId, revision: Number(result.revision) });
          }
          return { id: caseId, revision: Number(result.revision), state: result.state.snapshot.state };
        },
      });
    }

    const readRoles = ['frontdesk', 'dispatcher', 'technician', 'finance', 'inspector', 'manager', 'auditor', 'admin'] as const;
    const loadVisible = async (request: FastifyRequest, id: string) => {
      const history = await deps.cases.load(caseType, id);
      if (history.state.revision === null) return undefined;
      authorizeProperty(request.principal)(history.state.propertyId!);
      return history;
    };
    const notFound = (id: string) => problem(404, 'CASE_NOT_FOUND', `${singular[caseType]} ${id} does not exist`, { caseType, caseId: id });

    app.get(`${base}/:id`, { config: { roles: readRoles }, schema: { tags: [tag], summary: `The ${caseType} now: state, allowed actions, SLA clocks`, params: caseIdParams } },
      async (request, reply) => {
        const history = await loadVisible(request, request.params.id);
        if (!history) return reply.status(404).type('application/problem+json').send(notFound(request.params.id));
        const ruleset = await deps.rulesets.get(history.state.rulesetVersion!);
        reply.header('etag', etag(history.state.revision!));
        return caseView(history, ruleset, deps.clock.now());
      });

    app.get(`${base}/:id/events`, { config: { roles: readRoles }, schema: { tags: [tag], summary: `The ${caseType}'s history with metadata`, params: caseIdParams } },
      async (request, reply) => {
        const history = await loadVisible(request, request.params.id);
        if (!history) return reply.status(404).type('application/problem+json').send(notFound(request.params.id));
        reply.header('etag', etag(history.state.revision!));
        return { id: request.params.id, revision: Number(history.state.revision), events: history.events.map((e, i) => ({ revision: i, ...e })) };
      });
  }
};
