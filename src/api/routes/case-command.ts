import { createHash } from 'node:crypto';
import { actorOfPrincipal } from '../auth/plugin.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { CaseService } from '../../app/case-service.js';
import type { Clock } from '../../runtime/clock.js';
import type { AnyCommandSpec } from '../../domain/case/command.js';
import type { Role } from '../../domain/events/envelope.js';
import { recordOf, type RecordType } from '../../domain/records.js';
import { authorizeProperty, coversProperty } from '../auth/plugin.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request's command did, for its one log line (app.ts). */
    applied?: {
      readonly caseType: string;
      readonly caseId: string;
      /** The record's work-order number, so that a desk's number finds its request in the logs. */
      readonly number: string | null;
      readonly action: string;
      readonly revision: string;
      readonly replayed: boolean;
    };
  }
}

const NAMESPACE = '8d7f3c21-9e4b-5a6d-b1c0-2f3e4d5a6b7c';

/** Who may read a record (within the properties of the token). */
export const readRoles: readonly Role[] = ['frontdesk', 'dispatcher', 'technician', 'finance', 'inspector', 'manager', 'auditor', 'admin'];

/** The headers a write route reads: a retry key and the revision the caller saw. */
export const commandHeaders = z.object({
  'idempotency-key': z.string().min(1).max(200).optional(),
  'if-match': z
    .string()
    .regex(/^(W\/)?"?\d+"?$/, 'a revision, e.g. "3"')
    .optional(),
});

export const etag = (revision: bigint) => `"${revision}"`;

const ifMatch = (header: string | undefined): bigint | undefined => (header === undefined ? undefined : BigInt(header.replace(/^W\//, '').replaceAll('"', '')));

/**
 * A retried request must not write twice. With an Idempotency-Key the command id (and for a
 * new case, the case id) derive from the caller's token and the key, so a retry finds its
 * command already in the case stream and gets the original answer — across restarts too. An
 * action's command id also derives from its case: a key names one request on one case, and the
 * same key sent to another case is another request there (event ids are derived from command
 * ids, so a shared id across cases would collide in the store instead).
 */
const commandIdentity = (request: FastifyRequest, key: string | undefined, target: { caseType: RecordType; caseId: string } | undefined, clock: Clock) => {
  if (!key) {
    // Minted in time order (UUIDv7 of the server clock): the store's indexes grow at their end.
    const msecs = clock.now().epochMilliseconds;
    return { commandId: uuidv7({ msecs }), minted: true, derivedCaseId: target ? undefined : uuidv7({ msecs }) };
  }
  const seed = `${request.principal!.tokenId}:${key}`;
  const commandSeed = target ? `${seed}:${target.caseType}:${target.caseId}` : seed;
  return {
    commandId: `idem-${createHash('sha256').update(commandSeed).digest('hex').slice(0, 32)}`,
    minted: false,
    derivedCaseId: target ? undefined : uuidv5(seed, NAMESPACE),
  };
};

/** The actor events keep: the person the token was issued to (a token's id only for tokens issued without one). */
const actorOf = (request: FastifyRequest) => actorOfPrincipal(request.principal!);

/** One command of a record's lifecycle, as a route received it. */
export interface CommandOrder {
  readonly caseType: RecordType;
  /** The command of its lifecycle: its name, and for a record with a natural key, how the key names it. */
  readonly spec: Pick<AnyCommandSpec<unknown>, 'name' | 'naturalId'>;
  /** The record acted on; absent when the command creates one. */
  readonly caseId?: string;
  readonly fields: Record<string, unknown>;
  readonly occurredAt?: string;
}

/**
 * Runs a command for an HTTP request, the same way for every route that writes: the caller's
 * identity and property scope, the Idempotency-Key (a retry answers as the first time, with
 * `idempotent-replayed`), If-Match on an existing record, and the new revision as ETag. A
 * created record answers 201 with its Location; an action answers its record's new state.
 */
export const commandRunner = (deps: { cases: CaseService; clock: Clock }) => async (request: FastifyRequest, reply: FastifyReply, order: CommandOrder) => {
  const { caseType, spec, fields, occurredAt } = order;
  const headers = request.headers as z.infer<typeof commandHeaders>;
  const target = order.caseId === undefined ? undefined : { caseType, caseId: order.caseId };
  const { commandId, minted, derivedCaseId } = commandIdentity(request, headers['idempotency-key'], target, deps.clock);
  // A record with a natural key (a unit's fee ledger for a month) has the id of that key.
  const natural = target ? undefined : spec.naturalId?.(fields);
  const caseId = target?.caseId ?? natural ?? derivedCaseId!;
  const result = await deps.cases.execute({
    caseType,
    command: { caseId, name: spec.name, payload: fields, commandId, actor: actorOf(request), ...(occurredAt ? { occurredAt } : {}) },
    ...(target ? { expectedRevision: ifMatch(headers['if-match']) } : {}),
    authorize: authorizeProperty(request.principal),
    visible: (propertyId) => coversProperty(request.principal, propertyId),
    mintedCommandId: minted,
    mintedCaseId: minted && !target && natural === undefined,
  });
  request.applied = { caseType, caseId, number: result.number, action: spec.name, revision: String(result.revision), replayed: result.replayed };
  reply.header('etag', etag(result.revision));
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  if (!target) {
    reply.header('location', `/v1/${recordOf(caseType).segment}/${caseId}`);
    return reply.status(201).send({ id: caseId, number: result.number, revision: Number(result.revision) });
  }
  return { id: caseId, revision: Number(result.revision), state: result.state.snapshot.state };
};
export type CommandRunner = ReturnType<typeof commandRunner>;
