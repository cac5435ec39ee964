import type { Temporal } from 'temporal-polyfill';
import { currentSchemaVersion } from '../events/catalogue.js';
import type { Actor, DomainEvent } from '../events/envelope.js';
import { sealedInPlace } from '../integrity.js';
import { uuidV5 } from '../uuid-v5.js';
import { epochMillis, isoOfNanos } from '../time/index.js';
import { withNumber } from '../record/number.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { StaffLookup } from '../staff/person.js';
import type { AnyCommandSpec, CaseCommand } from './command.js';
import type { Lifecycle } from './definition.js';
import { RecordAlreadyExistsError, RecordNotFoundError, InvalidCommandError, OccurredAtRefusedError, TransitionNotAllowedError } from './errors.js';
import { contradictedMiss } from '../sla/miss-contradiction.js';
import { effectiveOccurredAt, fixedOccurredAt } from './occurred-at.js';
import type { CaseState } from './state.js';

/** Namespace of the engine's event ids (UUIDv5 of the command id and the event's index). */
const EVENT_ID_NAMESPACE = '4f0e6c9a-3b1d-5e2f-9a47-8c6d2b1e0f35';

/** RFC 9562 UUIDv7: 48 bits of Unix milliseconds first, then version 7. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * An event's id: the UUIDv5 of its command id and index, so that a retried command produces the
 * same ids. A command id that is a UUIDv7 (an unkeyed request's, minted by the API when it arrives)
 * lends its 48-bit timestamp: the event id is then a UUIDv7 too, of the same millisecond, with the
 * UUIDv5's bits after the version. Ids minted in time order make the store's unique id index grow at
 * its end, where random ids would each change a page of their own.
 */
export const eventIdFor = (commandId: string, index: number): string => {
  const id = uuidV5(`${commandId}#${index}`, EVENT_ID_NAMESPACE);
  if (!UUID_V7.test(commandId)) return id;
  return `${commandId.slice(0, 13)}-7${id.slice(15)}`;
};

/** UUIDv7 holds milliseconds in 48 bits. */
const V7_MILLIS = 2 ** 48;

/**
 * An imported event's id: the UUIDv5 of its command id and index, as eventIdFor makes it, behind
 * the 48 bits of the millisecond it occurred, as a UUIDv7 — the same row always gives the same id.
 * A migration writes years of history in the order it happened: ids in that order make the store's
 * unique id index grow where the history being written sits, where random ids would each rewrite a
 * page of their own at every commit (docs/performance.md, "Historical import"). A time before 1970 or
 * past 10889 keeps the UUIDv5.
 */
export const importedEventId = (commandId: string, index: number, occurredAt: string): string => {
  const id = uuidV5(`${commandId}#${index}`, EVENT_ID_NAMESPACE);
  const millis = epochMillis(occurredAt);
  if (!(millis >= 0 && millis < V7_MILLIS)) return id;
  const hex = millis.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7${id.slice(15)}`;
};

/** The clock reading last written, and its text: an import decides all of a record's rows at one reading. */
let lastNow: Temporal.Instant | undefined;
let lastRecordedAt = '';
const recordedAtOf = (now: Temporal.Instant): string => {
  if (now !== lastNow) {
    lastRecordedAt = isoOfNanos(now.epochNanoseconds);
    lastNow = now;
  }
  return lastRecordedAt;
};

export interface DecideContext {
  /** The server clock: `recordedAt`, and the reference for the back-dating allowance. */
  readonly now: Temporal.Instant;
  readonly ruleset: Ruleset;
  /** An administrator's historical import: claimed times are trusted and events marked imported. */
  readonly imported?: boolean;
  /** Who imported it (recorded with `imported`): the row's actor is only what the old system claims. */
  readonly importedBy?: Actor;
  /** The staff directory, for commands that name a person (a dispatch names its technician). */
  readonly staff?: StaffLookup;
  /**
   * The form a creating event's data is stored in, when the writer stores another than the data as
   * decided (its personal fields sealed: src/store/personal/store.ts). The event's hash covers what
   * is stored, so it is taken over this form, once; the event is returned with its data as decided.
   */
  readonly storedData?: (data: unknown) => unknown;
}

/**
 * The commands people may issue in this state: those one of whose events the lifecycle allows now
 * (its guards asked whether some payload could pass, given the facts); given the ruleset, also
 * those the property's agreement allows.
 */
export const allowedCommands = <F>(lifecycle: Lifecycle<F>, state: CaseState<F>, ruleset?: Ruleset): string[] =>
  lifecycle.commands
    .filter((spec) => spec.roles.some((role) => role !== 'system'))
    .filter((spec) => {
      if (!spec.emits.some((type) => lifecycle.allows(state.snapshot, type))) return false;
      return !ruleset || !spec.policy || state.propertyId === null || spec.policy(state.snapshot.facts, ruleset, state.propertyId) === undefined;
    })
    .map((spec) => spec.name);

const findCommand = <F>(lifecycle: Lifecycle<F>, name: string): AnyCommandSpec<F> => {
  const spec = lifecycle.commands.find((c) => c.name === name);
  if (!spec)
    throw new InvalidCommandError(
      'action',
      `unknown ${lifecycle.caseType} action "${name}"`,
      lifecycle.commands.map((c) => c.name),
    );
  return spec;
};

/**
 * Decides the events a command produces, or throws a typed error: unknown case, a command
 * the lifecycle does not allow now (naming the state and what is allowed), a payload the
 * ruleset refuses, or a claimed time outside the back-dating rules. Pure: time, ids and rules
 * come in as arguments, and the same command always yields the same event ids.
 */
export const decide = <F>(lifecycle: Lifecycle<F>, state: CaseState<F>, command: CaseCommand, context: DecideContext): DomainEvent[] => {
  const spec = findCommand(lifecycle, command.name);
  const exists = state.revision !== null;
  if (spec.creates && exists) throw new RecordAlreadyExistsError(lifecycle.caseType, command.caseId);
  if (!spec.creates && !exists) throw new RecordNotFoundError(lifecycle.caseType, command.caseId);

  // A historical import may leave out what the old system did not record (an owner's contact), where the command says so.
  const parsed = (context.imported === true && spec.importPayload ? spec.importPayload : spec.payload).safeParse(command.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidCommandError(issue.path.map(String).join('.') || 'payload', issue.message);
  }
  const payload = parsed.data;
  const facts = state.snapshot.facts;
  const propertyId = spec.creates ? (payload as { propertyId: string }).propertyId : state.propertyId!;
  const { ruleset } = context;
  if (!ruleset.property(propertyId)) {
    throw new InvalidCommandError(
      'propertyId',
      `unknown property "${propertyId}"`,
      ruleset.spec.properties.map((p) => p.id),
    );
  }

  const fixed = spec.occursAt?.(payload);
  const occurredAt =
    fixed === undefined
      ? effectiveOccurredAt({
          claimed: command.occurredAt,
          now: context.now,
          intake: ruleset.intake,
          previous: state.lastOccurredAt,
          imported: context.imported === true,
        })
      : fixedOccurredAt(fixed, command.occurredAt, context.now, ruleset.intake);
  const recordedAt = recordedAtOf(context.now);
  spec.validate?.(payload, ruleset, facts, {
    now: recordedAt,
    occurredAt,
    imported: context.imported === true,
    actor: command.actor,
    ...(context.staff ? { staff: context.staff } : {}),
  });
  const draft = withNumber(spec.toEvent(payload, facts), spec.creates ? command.number : undefined);
  const imported = context.imported === true;
  // Written out rather than spread: V8 copies an object slowly when the copy gains keys (docs/performance.md).
  const input = { type: draft.type, data: draft.data, at: occurredAt, imported };
  if (!lifecycle.can(state.snapshot, input)) {
    const allowed = allowedCommands(lifecycle, state, ruleset);
    const reason = lifecycle.handles(state.snapshot, draft.type, { imported })
      ? (lifecycle.refusal(state.snapshot, input) ?? 'a guard of the lifecycle refused this payload')
      : undefined;
    throw new TransitionNotAllowedError(spec.name, state.snapshot.state, allowed, reason);
  }
  const contradicted = contradictedMiss(
    lifecycle.caseType,
    facts,
    // The same input `can` accepted: a step only an import may take (an imported completion with no arrival) is one.
    () => lifecycle.next(state.snapshot, input)!.facts,
    ruleset,
    occurredAt,
  );
  if (contradicted) {
    throw new OccurredAtRefusedError(
      occurredAt,
      'contradicts_recorded_miss',
      `occurredAt ${occurredAt} would stop the ${contradicted.clock} clock at ${contradicted.stoppedAt}, in time for its deadline ${contradicted.deadline}, which the record holds as missed`,
    );
  }
  // The agreement's policies are the desk's rules from now on: imported history happened under the old system's.
  const refusal = imported ? undefined : spec.policy?.(facts, ruleset, propertyId);
  if (refusal) throw new TransitionNotAllowedError(spec.name, state.snapshot.state, allowedCommands(lifecycle, state, ruleset), refusal.reason, refusal.rule);

  const id = imported ? importedEventId(command.commandId, 0, occurredAt) : eventIdFor(command.commandId, 0);
  const metadata = {
    schemaVersion: currentSchemaVersion(lifecycle.caseType, lifecycle.events, draft.type),
    caseType: lifecycle.caseType,
    caseId: command.caseId,
    propertyId,
    actor: command.actor,
    commandId: command.commandId,
    correlationId: command.correlationId ?? command.commandId,
    causationId: command.causationId ?? null,
    rulesetVersion: ruleset.version,
    recordedAt,
    occurredAt,
    ...(context.imported ? { imported: true as const, ...(context.importedBy ? { importedBy: context.importedBy } : {}) } : {}),
  };
  // Hashed once, over what the writer stores; the event as decided carries that hash.
  const stored = spec.creates && context.storedData ? context.storedData(draft.data) : draft.data;
  return [{ id, type: draft.type, data: draft.data, metadata: sealedInPlace({ id, type: draft.type, data: stored, metadata }, state.lastHash) }];
};
