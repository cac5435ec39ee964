import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { erasePersonalData } from '../../app/erasure.js';
import { phoneSchema } from '../../domain/events/shared.js';
import { recordTypeSchema } from '../../domain/records.js';
import type { Clock } from '../../runtime/clock.js';
import type { EventStore } from '../../store/port.js';
import { actorOfPrincipal, requireAllProperties } from '../auth/plugin.js';

const erasureBody = z.union([
  z.strictObject({ phone: phoneSchema.describe("The person's phone, in any usual spelling: every record of theirs is erased") }),
  z.strictObject({ caseType: recordTypeSchema, caseId: z.string().trim().min(1).max(200).describe("One record: its person's name and phone are erased") }),
]);

/** /v1/admin/erasures: a person's right to have their personal data deleted (个人信息保护法), by destroying its keys. */
export const erasureRoutes = (deps: { store: EventStore; clock: Clock }) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/admin/erasures',
    {
      config: { roles: ['admin'] as const },
      schema: {
        tags: ['admin'],
        summary: "Erase a person's name and phone from their records (PersonalDataErased)",
        description:
          'Destroys the data keys the records\' personal fields are sealed with ("crypto-shredding"): the records, their timelines, ' +
          'hash chains and KPIs stay; the fields read `{ erased: true, erasedAt, erasedBy }`. By `phone`, every record whose owner or visitor has ' +
          'that number, in any property; by `caseType` and `caseId`, one record. An administrator of all properties only. Cannot be undone.',
        body: erasureBody,
      },
    },
    async (request, reply) => {
      // A person's records may be in any property: only an administrator of all properties erases them.
      requireAllProperties(request.principal, 'an erasure spans');
      const result = await erasePersonalData(deps, request.body, actorOfPrincipal(request.principal!));
      return reply.status(result.records.length > 0 ? 201 : 200).send(result);
    },
  );
};
