import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PersonNotFoundError, type StaffDirectory } from '../../app/staff-directory.js';
import { personFieldsSchema, personIdSchema, type Person } from '../../domain/staff/person.js';
import { actorOfPrincipal, requireAllProperties } from '../auth/plugin.js';
import type { TokenStore } from '../auth/tokens.js';

// Not `id`: a person belongs to no one property, unlike a record.
const personParams = z.strictObject({ personId: personIdSchema });
const admin = { roles: ['admin'] as const };
const tags = ['staff'];

/** The directory spans every property a person may work for: only an administrator of all properties manages it. */
const adminOfAll = (request: FastifyRequest) => {
  requireAllProperties(request.principal, 'the staff directory spans');
  return actorOfPrincipal(request.principal!);
};

const found = (directory: StaffDirectory, id: string): Person => {
  const person = directory.get(id);
  if (!person) throw new PersonNotFoundError(id);
  return person;
};

/** /v1/admin/staff: the staff directory, each change an event of the person's stream. */
export const staffRoutes = (deps: { staff: StaffDirectory; tokens: TokenStore }) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { staff } = deps;

  app.post(
    '/v1/admin/staff',
    {
      config: admin,
      schema: { tags, summary: 'Add a person to the staff directory (PersonAdded)', body: personFieldsSchema.safeExtend({ id: personIdSchema }) },
    },
    async (request, reply) => {
      const actor = adminOfAll(request);
      const { id, ...fields } = request.body;
      const person = await staff.add(id, fields, actor);
      return reply.status(201).header('location', `/v1/admin/staff/${id}`).send(person);
    },
  );

  app.get('/v1/admin/staff', { config: admin, schema: { tags, summary: 'The staff directory, active and inactive people' } }, async (request) => {
    adminOfAll(request);
    await staff.catchUp();
    return { people: staff.list() };
  });

  app.get(
    '/v1/admin/staff/:personId',
    { config: admin, schema: { tags, summary: 'One person of the staff directory', params: personParams } },
    async (request) => {
      adminOfAll(request);
      await staff.refresh([request.params.personId]);
      return found(staff, request.params.personId);
    },
  );

  app.patch(
    '/v1/admin/staff/:personId',
    {
      config: admin,
      schema: {
        tags,
        summary: "Change a person's name, role, department, properties, phone or skills (PersonChanged)",
        params: personParams,
        body: personFieldsSchema.partial(),
      },
    },
    async (request) => {
      const actor = adminOfAll(request);
      return staff.change(request.params.personId, request.body, actor);
    },
  );

  app.post(
    '/v1/admin/staff/:personId/deactivate',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Deactivate a person (PersonDeactivated): their tokens are revoked, no repair is dispatched to them',
        params: personParams,
        body: z.strictObject({ reason: z.string().trim().min(1).max(2000).optional() }).nullish(),
      },
    },
    async (request) => {
      const actor = adminOfAll(request);
      const person = await staff.deactivate(request.params.personId, actor, request.body?.reason);
      return { ...person, tokensRevoked: deps.tokens.revokePerson(person.id) };
    },
  );
};
