import type { CaseCommand } from '../domain/case/command.js';
import { decide } from '../domain/case/decide.js';
import { CaseNotFoundError } from '../domain/case/errors.js';
import { evolve, type CaseState } from '../domain/case/state.js';
import type { CaseType, DomainEvent } from '../domain/events/envelope.js';
import { EngineError, hasCode } from '../errors.js';
import { isRevisionConflict } from '../store/errors.js';
import { NO_STREAM, type EventStore, type Json } from '../store/port.js';
import type { Clock } from './clock.js';
import { lifecycles, loadCase, streamName, type CaseHistory } from './case-history.js';
import type { RulesetRegistry } from './rulesets.js';

export const REVISION_MISMATCH = 'REVISION_MISMATCH' as const;
/** The client's If-Match names a revision the case has moved past. */
export class RevisionMismatchError extends EngineError {
  readonly code = REVISION_MISMATCH;
  constructor(readonly expected: bigint, readonly actual: bigint | null) {
    super(`the case is at revision ${actual ?? 'none'}, the request expected ${expected}: read it again`, {
      expected: String(expected), actual: actual === null ? null : String(actual),
    });
  }
}
export const isRevisionMismatch = hasCode<RevisionMismatchError>(REVISION_MISMATCH);

export interface ExecuteRequest {
  readonly caseType: CaseType;
  readonly command: CaseCommand;
  /** From If-Match: decide only against this revision, never re-decide. */
  readonly expectedRevision?: bigint;
  /** Called with the case's property before anything is decided: throws when the caller may not act on it. */
  readonly authorize?: (propertyId: string) => void;
  readonly imported?: boolean;
}

export interface ExecuteResult {
  readonly caseId: string;
  readonly revision: bigint;
  readonly state: CaseState<unknown>;
  readonly events: readonly DomainEvent[];
  /** True when the command had already been applied (a retry): nothing new was written. */
  readonly replayed: boolean;
}

/**
 * Runs a command against a case: read the stream, decide, append at the exact revision read.
 * A command already in the stream (same command id: a retried request) returns its original
 * outcome and writes nothing. On a concurrent append the command is decided again on the new
 * state, a bounded number of times — unless the caller pinned a revision with If-Match.
 */
export const caseService = (deps: { store: EventStore; rulesets: RulesetRegistry; clock: Clock; maxAttempts?: number }) => {
  const { store, rulesets, clock } = deps;
  const maxAttempts = deps.maxAttempts ?? 5;

  const execute = async (request: ExecuteRequest): Promise<ExecuteResult> => {
    const { caseType, command } = request;
    const lifecycle = lifecycles[caseType];
    for (let attempt = 1; ; attempt++) {
      const history = await loadCase(store, caseType, command.caseId);
      const done = history.events.findIndex((e) => e.metadata.commandId === command.commandId);
      if (done >= 0) return replayedResult(history, done);

      const propertyId = history.state.propertyId ?? (command.payload as { propertyId?: string } | undefined)?.propertyId;
      if (propertyId !== undefined) request.authorize?.(propertyId);
      if (request.expectedRevision !== undefined && request.expectedRevision !== history.state.revision) {
        if (history.state.revision === null) throw new CaseNotFoundError(caseType, command.caseId);
        throw new RevisionMismatchError(request.expectedRevision, history.state.revision);
      }
      const events = decide(lifecycle, history.state, command, { now: clock.now(), ruleset: rulesets.current, imported: request.imported === true });
      try {
        const result = await store.appendToStream(
          streamName(caseType, command.caseId),
          events.map((e) => ({ id: e.id, type: e.type, data: e.data as Json, metadata: e.metadata as unknown as Json })),
          { expectedRevision: history.state.revision ?? NO_STREAM },
        );
        const state = events.reduce((current, event) => evolve(lifecycle, current, event), history.state);
        return { caseId: command.caseId, revision: result.nextRevision, state, events, replayed: false };
      } catch (error) {
        if (!isRevisionConflict(error)) throw error;
        if (request.expectedRevision !== undefined) throw new RevisionMismatchError(request.expectedRevision, error.actual ?? null);
        if (attempt >= maxAttempts) throw error;
      }
    }

  };

  const replayedResult = (history: CaseHistory, index: number): ExecuteResult => {
    const commandId = history.events[index]!.metadata.commandId;
    let last = index;
    while (history.events[last + 1]?.metadata.commandId === commandId) last++;
    return {
      caseId: history.caseId, revision: BigInt(last), state: history.states[last]!,
      events: history.events.slice(index, last + 1), replayed: true,
    };
  };

  return { execute, load: (caseType: CaseType, caseId: string) => loadCase(store, caseType, caseId) };
};
export type CaseService = ReturnType<typeof caseService>;
