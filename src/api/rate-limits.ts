import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EngineError } from '../errors.js';
import { tokenIdOf } from './auth/tokens.js';

export interface RateLimits {
  /** Failed authentications a minute, per client address and per token id, before 429. */
  readonly authFailuresPerMinute: number;
  /** Requests a minute per token to the heavy routes (audit, reports, imports). */
  readonly heavyPerMinute: number;
}

export const RATE_LIMITED = 'RATE_LIMITED' as const;
export class RateLimitedError extends EngineError {
  readonly code = RATE_LIMITED;
}

const MINUTE = 60_000;

/** Routes whose one request folds the log (as-of and what-if reports, replays, verify) or writes a file of it: a token may not queue many. */
export const isHeavyRoute = (url: string | undefined): boolean => url !== undefined && (url.startsWith('/v1/audit/') || url === '/v1/admin/import');

/**
 * Rate limits (@fastify/rate-limit's counters, kept in memory per process):
 * - a client address or a token id that failed to authenticate too often in a minute is answered
 *   429 with Retry-After, before its token is even looked at, until the minute is over; a good
 *   token from elsewhere is not held back;
 * - a token sends at most so many requests a minute to the heavy routes.
 */
export const rateLimits = async (app: FastifyInstance, limits: RateLimits) => {
  await app.register(rateLimit, { global: false, max: limits.authFailuresPerMinute, timeWindow: MINUTE });
  const failuresByAddress = app.createRateLimit({ keyGenerator: (request) => `auth-address:${request.ip}` });
  const failuresByToken = app.createRateLimit({ keyGenerator: (request) => `auth-token:${tokenIdOf(bearerOf(request)) ?? '-'}` });
  const heavy = app.createRateLimit({ max: limits.heavyPerMinute, keyGenerator: (request) => `heavy:${request.principal?.tokenId ?? request.ip}` });

  const refuse = (reply: FastifyReply, seconds: number, what: string) => {
    reply.header('retry-after', String(Math.max(1, seconds)));
    throw new RateLimitedError(`${what}; try again in ${Math.max(1, seconds)} s`, { retryAfterSeconds: Math.max(1, seconds) });
  };

  return {
    /** onRequest, before authentication: an address or token id over its failures is not checked again yet. */
    beforeAuthentication: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.routeOptions.config.roles) return;
      for (const limiter of [failuresByAddress, failuresByToken]) {
        const state = await limiter(request, { increment: false });
        if (!state.isAllowed && state.remaining === 0) refuse(reply, state.ttlInSeconds, 'too many failed authentications');
      }
    },
    /** Counts a failed authentication against the address and the token id. */
    authenticationFailed: async (request: FastifyRequest) => {
      await failuresByAddress(request);
      if (tokenIdOf(bearerOf(request))) await failuresByToken(request);
    },
    /** onRequest, after authentication: the heavy routes per token. */
    afterAuthentication: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.principal || !isHeavyRoute(request.routeOptions.url)) return;
      const state = await heavy(request);
      if (!state.isAllowed && state.isExceeded)
        refuse(reply, state.ttlInSeconds, `at most ${limits.heavyPerMinute} audit, report and import requests a minute per token`);
    },
  };
};

const bearerOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
};
