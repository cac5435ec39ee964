import { v5 as uuidv5 } from 'uuid';
import { command, financeRoles, type AnyCommandSpec } from '../case/command.js';
import { InvalidCommandError } from '../case/errors.js';
import { checkUnit } from '../case/units.js';
import { feeEventSchemas, feeBill } from './events.js';
import { collectedFen, outstandingFen, type FeeFacts } from './facts.js';

const s = feeEventSchemas;
const FEE_LEDGER_NAMESPACE = 'c7a1e0b4-2f6d-5c3e-8b9a-4d1f0e7c2a65';

/** A unit's ledger for a billing month has one id, so that a month is never billed twice by mistake. */
export const feeLedgerId = (propertyId: string, unit: string, period: string): string => uuidv5(`fee/${propertyId}/${unit}/${period}`, FEE_LEDGER_NAMESPACE);

const withinOwed = (amountFen: number, facts: FeeFacts, what: string) => {
  const owed = outstandingFen(facts);
  // Nothing owed at all is the lifecycle's refusal (a settled ledger), which names what is allowed.
  if (owed > 0 && amountFen > owed) throw new InvalidCommandError('amountFen', `${what} of ${amountFen} fen is more than the ${owed} fen still owed`);
};

/** The fee-ledger commands, named as the API's actions. */
export const feeCommands: readonly AnyCommandSpec<FeeFacts>[] = [
  command({
    name: 'bill',
    summary: 'Bill a unit for a month (opens its ledger)',
    creates: true,
    roles: financeRoles,
    payload: feeBill,
    emits: ['FeeBilled'],
    toEvent: (data) => ({ type: 'FeeBilled', data }),
    naturalId: (data) => feeLedgerId(data.propertyId, data.unit, data.period),
    validate: (data, ruleset, _facts, context) => {
      checkUnit(data.unit, data.propertyId, ruleset, context);
      if (data.dueDate < `${data.period}-01`) throw new InvalidCommandError('dueDate', `due ${data.dueDate}, before the billing month ${data.period} begins`);
    },
  }),
  command({
    name: 'pay',
    summary: 'Record a payment (收费)',
    roles: financeRoles,
    payload: s.FeePaid,
    emits: ['FeePaid'],
    toEvent: (data) => ({ type: 'FeePaid', data }),
    validate: (data, _ruleset, facts) => withinOwed(data.amountFen, facts, 'a payment'),
  }),
  command({
    name: 'waive',
    summary: 'Waive part or all of what is owed (减免), with a reason',
    roles: financeRoles,
    payload: s.FeeWaived,
    emits: ['FeeWaived'],
    toEvent: (data) => ({ type: 'FeeWaived', data }),
    validate: (data, _ruleset, facts) => withinOwed(data.amountFen, facts, 'a waiver'),
  }),
  command({
    name: 'refund',
    summary: 'Refund part or all of what was paid (退款), with a reason',
    roles: financeRoles,
    payload: s.FeeRefunded,
    emits: ['FeeRefunded'],
    toEvent: (data) => ({ type: 'FeeRefunded', data }),
    validate: (data, _ruleset, facts) => {
      const collected = collectedFen(facts);
      if (data.amountFen > collected)
        throw new InvalidCommandError('amountFen', `a refund of ${data.amountFen} fen is more than the ${collected} fen collected`);
    },
  }),
];
