import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PersonNotFoundError, type StaffDirectory } from '../../app/staff-directory.js';
import { personIdSchema } from '../../domain/staff/person.js';
import { requireAllProperties } from '../auth/plugin.js';
import { issueTokenFor, TokenNotFoundError } from '../auth/person-tokens.js';
import { DEFAULT_TOKEN_DAYS, type TokenStore } from '../auth/tokens.js';

const admin = { roles: ['admin'] as const };
const tags = ['tokens'];
const tokenParams = z.strictObject({ tokenId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'a token id') });

/** /v1/admin/tokens: tokens issued to people of the directory; a secret is shown once, when created. */
export const tokenRoutes = (deps: { staff: StaffDirectory; tokens: TokenStore }) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { staff, tokens } = deps;

  app.post(
    '/v1/admin/tokens',
    {
      config: admin,
      schema: {
        tags,
        summary: `Issue a token to a person: their role and properties; it expires after expiresInDays (default ${DEFAULT_TOKEN_DAYS})`,
        body: z.strictObject({ personId: personIdSchema, expiresInDays: z.number().positive().max(3650).optional() }),
      },
    },
    async (request, reply) => {
      requireAllProperties(request.principal, 'tokens are issued for people of');
      await staff.refresh([request.body.personId]);
      const person = staff.get(request.body.personId);
      if (!person) throw new PersonNotFoundError(request.body.personId);
      const { token, info } = issueTokenFor(tokens, person, request.body.expiresInDays);
      return reply.status(201).send({ ...info, token });
    },
  );

  app.get(
    '/v1/admin/tokens',
    { config: admin, schema: { tags, summary: 'Every token: person, role, properties, created, last used, expires, revoked; never a secret' } },
    async (request) => {
      requireAllProperties(request.principal, 'the token list spans');
      return { tokens: tokens.list() };
    },
  );

  app.post(
    '/v1/admin/tokens/:tokenId/revoke',
    { config: admin, schema: { tags, summary: 'Revoke a token: refused by every process within 2 s', params: tokenParams } },
    async (request) => {
      requireAllProperties(request.principal, 'the token list spans');
      if (!tokens.get(request.params.tokenId)) throw new TokenNotFoundError(request.params.tokenId);
      tokens.revoke(request.params.tokenId);
      return tokens.get(request.params.tokenId)!;
    },
  );
};
