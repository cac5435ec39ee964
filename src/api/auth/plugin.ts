import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Role } from '../../domain/events/envelope.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';
import type { Principal, TokenStore } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Roles that may call the route; routes without it are open (health, readiness, docs). */
    roles?: readonly Role[];
  }
}

/** onRequest: authenticate the bearer token and check the route's roles before the body is parsed or validated. */
export const authenticate =
  (tokens: TokenStore, failed?: (request: FastifyRequest) => Promise<void>) => async (request: FastifyRequest, _reply: FastifyReply) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const principal = token ? tokens.verify(token) : undefined;
    if (!principal) {
      await failed?.(request);
      throw new UnauthenticatedError();
    }
    request.principal = principal;
    if (!roles.includes(principal.role)) {
      throw new ForbiddenError(`role ${principal.role} may not call this route; allowed: ${roles.join(', ')}`, { role: principal.role, allowed: roles });
    }
  };

/** Throws unless the principal may act on the property. */
/** Whether the principal's token covers a property. */
export const coversProperty = (principal: Principal | undefined, propertyId: string) =>
  principal !== undefined && (principal.properties === '*' || principal.properties.includes(propertyId));

/**
 * Throws unless the principal's token covers the property the request names (403: the caller named
 * it). A record found by its id is checked with `coversProperty` instead and, outside the token's
 * properties, answered exactly as a missing one: whether another property has it is not the caller's to learn.
 */
export const authorizeProperty = (principal: Principal | undefined) => (propertyId: string) => {
  if (!principal) throw new UnauthenticatedError();
  if (!coversProperty(principal, propertyId)) {
    throw new ForbiddenError(`this token may not act on property ${propertyId}`, { propertyId });
  }
};

/** Throws unless the principal's token covers every property: for answers that span them all (`what` says which). */
export const requireAllProperties = (principal: Principal | undefined, what: string) => {
  if (!principal) throw new UnauthenticatedError();
  if (principal.properties !== '*') {
    throw new ForbiddenError(`${what} every property: use a token for all properties`, { properties: principal.properties });
  }
};

/** Who acts: the person the token was issued to, `admin` for the operator's ADMIN_TOKEN, else the token's id (a token issued to no one). */
export const actorOfPrincipal = (principal: Principal): Actor => ({
  id: principal.personId ?? (principal.label === 'ADMIN_TOKEN' ? 'admin' : principal.tokenId),
  role: principal.role,
});
