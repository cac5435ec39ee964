import type { CaseCommand } from '../domain/case/command.js';
import { decide, type DecideContext } from '../domain/case/decide.js';
import { RecordNotFoundError, CommandIdReusedError } from '../domain/case/errors.js';
import { retryDifference } from '../domain/case/retry.js';
import { evolve, initialCaseState, type CaseState } from '../domain/case/state.js';
import type { DomainEvent } from '../domain/events/envelope.js';
import type { RecordType } from '../domain/records.js';
import { EngineError, hasCode } from '../errors.js';
import { isRevisionConflict } from '../store/errors.js';
import { NO_STREAM, type EventStore, type Json } from '../store/port.js';
import { personalDataSealing } from '../store/personal/store.js';
import type { Clock } from '../runtime/clock.js';
import { commandSpan, createCaseCache, extendCachedCase, type CommandSpan } from './case-cache.js';
import { catchUpCase, loadCase, streamName } from './case-history.js';
import { recordOf } from '../domain/records.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import type { Temporal } from 'temporal-polyfill';
import { localDateOf } from '../domain/calendar/days.js';
import { workOrderNumbers } from './work-order-numbers.js';
import type { StaffDirectory } from './staff-directory.js';

export const REVISION_MISMATCH = 'REVISION_MISMATCH' as const;
/** The client's If-Match names a revision the case has moved past. */
export class RevisionMismatchError extends EngineError {
  readonly code = REVISION_MISMATCH;
  constructor(
    readonly expected: bigint,
    readonly actual: bigint | null,
  ) {
    super(`the case is at revision ${actual ?? 'none'}, the request expected ${expected}: read it again`, {
      expected: String(expected),
      actual: actual === null ? null : String(actual),
    });
  }
}
export const isRevisionMismatch = hasCode<RevisionMismatchError>(REVISION_MISMATCH);

export const DEFAULT_CACHE_SIZE = 10_000;

export interface ExecuteRequest {
  readonly caseType: RecordType;
  readonly command: CaseCommand;
  /** From If-Match: decide only against this revision, never re-decide. */
  readonly expectedRevision?: bigint;
  /** Called with the case's property before anything is decided: throws when the caller may not act on it. */
  readonly authorize?: (propertyId: string) => void;
  /** Whether the caller may see a record of the property: one it may not is answered as missing (before `authorize`). */
  readonly visible?: (propertyId: string) => boolean;
  readonly imported?: boolean;
  /**
   * The command id was minted for this request alone (the API's UUIDv7 for a request without an
   * Idempotency-Key): no earlier command can hold it, so the case's command index is neither
   * asked for it nor made to remember it. After a revision conflict it is treated like any other
   * command id, so that even a repeated one is answered as the retry it then is.
   */
  readonly mintedCommandId?: boolean;
  /**
   * The case id was minted for this request alone (a new case without an Idempotency-Key): its
   * stream cannot exist yet, so it is not read; the append expecting no stream still checks that.
   */
  readonly mintedCaseId?: boolean;
}

export interface ExecuteResult {
  readonly caseId: string;
  readonly revision: bigint;
  readonly state: CaseState<unknown>;
  readonly events: readonly DomainEvent[];
  /** The record's work-order number; null for a record opened before numbers were minted. */
  readonly number: string | null;
  /** True when the command had already been applied (a retry): nothing new was written. */
  readonly replayed: boolean;
}

/**
 * Runs a command against a case: read the stream, decide, append at the exact revision read.
 * Cases recently worked on are kept in memory, so only the events appended since are read
 * (see catchUpCase); the append's revision check still guards every decision. A case just
 * opened is not kept until it is read or acted on again.
 * A command already in the stream (same command id: a retried request) returns its original
 * outcome and writes nothing; the same id with a different request is refused. On a concurrent append the command is decided again on the new
 * state, a bounded number of times — unless the caller pinned a revision with If-Match.
 */
export const caseService = (deps: {
  store: EventStore;
  rulesets: RulesetRegistry;
  clock: Clock;
  maxAttempts?: number;
  /** Cases whose state the command path keeps between commands (LRU); 0 reads every case whole. */
  cacheSize?: number;
  /** The staff directory, for commands that name a person (a dispatch); without it they are refused. */
  staff?: StaffDirectory;
}) => {
  const { store, rulesets, clock } = deps;
  const numbers = workOrderNumbers({ store, clock });
  const maxAttempts = deps.maxAttempts ?? 5;
  const cache = createCaseCache(deps.cacheSize ?? DEFAULT_CACHE_SIZE);

  const execute = async (request: ExecuteRequest): Promise<ExecuteResult> => {
    const { caseType, command } = request;
    const lifecycle = recordOf(caseType).lifecycle;
    const stream = streamName(caseType, command.caseId);
    await refreshPeople(request);
    // A refusal is only ever decided on the state as read from the store.
    let read: 'tail' | 'if-unknown' = 'if-unknown';
    let minted = request.mintedCommandId === true;
    let unread = request.mintedCaseId === true;
    // Minted once, when the record is first decided: a retried append keeps it.
    let number: string | undefined;
    // Decided with the personal fields sealed and hashed as stored; kept here as decided, with the stored hashes.
    const sealing = personalDataSealing(store, caseType);
    for (let attempt = 1; ; ) {
      const entry = unread ? undefined : await catchUpCase(store, cache, caseType, command.caseId, read);
      const done = entry && !minted && commandSpan(entry, command.commandId);
      if (done) return replayedResult(caseType, command, done);

      const current = entry?.state ?? initialCaseState(lifecycle);
      const now = clock.now();
      // A creation that takes a number is decided again with it: only that decision is stored, and sealed.
      const minting = current.revision === null && number === undefined && request.imported !== true;
      let events: DomainEvent[];
      try {
        events = decideOn(request, current, now, number, minting ? undefined : sealing.storedData);
      } catch (error) {
        if (entry === undefined || read === 'tail') throw error;
        read = 'tail';
        continue;
      }
      if (minting) {
        // Only a creation the domain accepted takes a number, dated as it was decided.
        number = await mintFor(caseType, events[0]!);
        events = decideOn(request, current, now, number, sealing.storedData);
      }
      const stored = sealing.stored(events);
      try {
        const result = await store.appendToStream(
          stream,
          stored.map((e) => ({ id: e.id, type: e.type, data: e.data as Json, metadata: e.metadata as unknown as Json })),
          { expectedRevision: current.revision ?? NO_STREAM },
        );
        const state = events.reduce((folded, event) => evolve(lifecycle, folded, event), current);
        // A case is remembered from its second command on (or once read): a burst of new cases,
        // each waiting long for its next command, would otherwise push out the cases being worked on.
        if (entry !== undefined) cache.offer(stream, extendCachedCase(entry, events, state, { indexCommand: !minted }));
        return { caseId: command.caseId, revision: result.nextRevision, state, events, number: state.number, replayed: false };
      } catch (error) {
        if (!isRevisionConflict(error)) throw error;
        if (request.expectedRevision !== undefined) throw new RevisionMismatchError(request.expectedRevision, error.actual ?? null);
        if (attempt >= maxAttempts) throw error;
        attempt += 1;
        unread = false;
        if (minted) {
          // The stream moved on, or holds this very command elsewhere (the store refuses a repeat
          // away from its place): from now on the case is read whole and its index asked.
          minted = false;
          cache.forget(stream);
        }
      }
    }
  };

  /** The next number of the record type at the property, on the local date the creating event occurred. */
  const mintFor = (caseType: RecordType, opened: DomainEvent): Promise<string> => {
    const { propertyId, occurredAt, commandId, caseId } = opened.metadata;
    const zone = rulesets.current.property(propertyId)!.timeZone;
    return numbers.mint({ propertyId, prefix: recordOf(caseType).numberPrefix, localDate: localDateOf(occurredAt, zone), commandId, caseId });
  };

  /** The people a command names, read from their streams: a change made through another process counts. */
  const refreshPeople = async ({ caseType, command }: ExecuteRequest) => {
    const spec = recordOf(caseType).lifecycle.commands.find((c) => c.name === command.name);
    if (!spec?.people || !deps.staff) return;
    const parsed = spec.payload.safeParse(command.payload);
    if (parsed.success) await deps.staff.refresh(spec.people(parsed.data));
  };

  /** Authorisation, If-Match and the domain's decision, on `current`: the events, or a refusal. */
  const decideOn = (
    request: ExecuteRequest,
    current: CaseState<unknown>,
    now: Temporal.Instant,
    number: string | undefined,
    storedData: DecideContext['storedData'],
  ): DomainEvent[] => {
    const { caseType } = request;
    const command = number === undefined ? request.command : { ...request.command, number };
    const recorded = current.propertyId ?? undefined;
    if (recorded !== undefined) {
      // Another property's record is answered as a missing one: whether it exists is not the caller's to learn.
      if (request.visible && !request.visible(recorded)) throw new RecordNotFoundError(caseType, command.caseId);
      request.authorize?.(recorded);
    } else {
      const named = (command.payload as { propertyId?: string } | undefined)?.propertyId;
      if (named !== undefined) request.authorize?.(named);
    }
    if (request.expectedRevision !== undefined && request.expectedRevision !== current.revision) {
      if (current.revision === null) throw new RecordNotFoundError(caseType, command.caseId);
      throw new RevisionMismatchError(request.expectedRevision, current.revision);
    }
    return decide(recordOf(caseType).lifecycle, current, command, {
      now,
      ruleset: rulesets.current,
      imported: request.imported === true,
      ...(deps.staff ? { staff: deps.staff.lookup() } : {}),
      ...(storedData ? { storedData } : {}),
    });
  };

  /**
   * The original outcome of a command the case already holds, as stored — when this is the same
   * request again. The same command id with another request is refused (CommandIdReusedError).
   * Retries are rare, so the whole case is read: the check needs the state before the command.
   */
  const replayedResult = async (caseType: RecordType, command: CaseCommand, span: CommandSpan): Promise<ExecuteResult> => {
    const lifecycle = recordOf(caseType).lifecycle;
    const history = await loadCase(store, caseType, command.caseId);
    const first = Number(span.first);
    const last = Number(span.last);
    const before = first === 0 ? initialCaseState(lifecycle) : history.states[first - 1]!;
    const difference = retryDifference(lifecycle, before, command, history.events[first]!);
    if (difference !== undefined) throw new CommandIdReusedError(caseType, command.caseId, difference);
    const state = history.states[last]!;
    return { caseId: command.caseId, revision: span.last, state, events: history.events.slice(first, last + 1), number: state.number, replayed: true };
  };

  return { execute, load: (caseType: RecordType, caseId: string) => loadCase(store, caseType, caseId) };
};
export type CaseService = ReturnType<typeof caseService>;
