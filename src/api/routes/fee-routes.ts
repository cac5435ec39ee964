import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CaseService } from '../../app/case-service.js';
import type { Clock } from '../../runtime/clock.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import { isRecordNotFound } from '../../domain/case/errors.js';
import { instantSchema } from '../../domain/events/envelope.js';
import { feeEventSchemas } from '../../domain/fee/events.js';
import { feeCommands, feeLedgerId } from '../../domain/fee/commands.js';
import { EngineError, hasCode } from '../../errors.js';
import { authorizeProperty } from '../auth/plugin.js';
import { commandHeaders, etag, readRoles, type CommandRunner } from './case-command.js';
import { recordViewFor } from './record-contact.js';
import type { StaffDirectory } from '../../app/staff-directory.js';

export const FEE_NOT_BILLED = 'FEE_NOT_BILLED' as const;
/** A unit's ledger for a month that no bill opened: there is nothing to pay or to show. */
export class FeeNotBilledError extends EngineError {
  readonly code = FEE_NOT_BILLED;
  constructor(
    readonly propertyId: string,
    readonly unit: string,
    readonly period: string,
  ) {
    super(`unit ${unit} of property ${propertyId} has no bill for ${period}`, { propertyId, unit, period });
  }
}
export const isFeeNotBilled = hasCode<FeeNotBilledError>(FEE_NOT_BILLED);

/** A ledger named as the desk knows it: the unit and the billing month, not the ledger's id. */
const ledgerKey = feeEventSchemas.FeeBilled.pick({ propertyId: true, unit: true, period: true });
const paymentBody = ledgerKey.extend(feeEventSchemas.FeePaid.shape).extend({ occurredAt: instantSchema.optional() });
const pay = feeCommands.find((spec) => spec.name === 'pay')!;

/**
 * Fee ledgers by unit and month, beside the generic /v1/fees/{id} routes: the cashier who takes a
 * payment knows the unit and the month, and the ledger id derives from them (feeLedgerId).
 */
export const feeRoutes =
  (deps: { cases: CaseService; rulesets: RulesetRegistry; clock: Clock; run: CommandRunner; staff: StaffDirectory }) => async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/v1/fees/ledger',
      {
        config: { roles: readRoles },
        schema: {
          tags: ['fees'],
          summary: 'The fee ledger of a unit for a billing month (the same view as GET /v1/fees/{id})',
          description: 'A month never billed for the unit answers 404 FEE_NOT_BILLED.',
          querystring: ledgerKey,
        },
      },
      async (request, reply) => {
        const { propertyId, unit, period } = request.query;
        // Before the ledger is looked up: a caller of another property learns nothing of its bills.
        authorizeProperty(request.principal)(propertyId);
        const history = await deps.cases.load('fee', feeLedgerId(propertyId, unit, period));
        if (history.state.revision === null) throw new FeeNotBilledError(propertyId, unit, period);
        const ruleset = await deps.rulesets.get(history.state.rulesetVersion!);
        reply.header('etag', etag(history.state.revision));
        return recordViewFor(request, deps.staff, history, { ruleset, now: deps.clock.now(), inForce: deps.rulesets.current });
      },
    );

    app.post(
      '/v1/fees/payments',
      {
        config: { roles: pay.roles },
        schema: {
          tags: ['fees'],
          summary: 'Record a payment on the ledger of a unit for a billing month (收费)',
          description: `Roles: ${pay.roles.join(', ')}. The same as POST /v1/fees/{id}/pay on that ledger, Idempotency-Key and If-Match included; a month never billed for the unit answers 404 FEE_NOT_BILLED and writes nothing.`,
          headers: commandHeaders,
          body: paymentBody,
        },
      },
      async (request, reply) => {
        const { propertyId, unit, period, occurredAt, ...fields } = request.body;
        authorizeProperty(request.principal)(propertyId);
        try {
          return await deps.run(request, reply, {
            caseType: 'fee',
            spec: pay,
            caseId: feeLedgerId(propertyId, unit, period),
            fields,
            ...(occurredAt ? { occurredAt } : {}),
          });
        } catch (error) {
          // The only record a payment may be missing is the bill: say so in the desk's terms.
          if (isRecordNotFound(error)) throw new FeeNotBilledError(propertyId, unit, period);
          throw error;
        }
      },
    );
  };
