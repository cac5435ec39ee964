import { v5 as uuidv5 } from 'uuid';
import { rulesetOf } from '../domain/records.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
import { isRevisionConflict, isStreamNotFound } from '../store/errors.js';
import { NO_STREAM, type EventStore, type Json } from '../store/port.js';

const NAMESPACE = '0b8f7a52-6c1e-5d43-8e2a-7f9c3d1b4a60';
export const RULESET_STREAM_PREFIX = 'ruleset-';
const streamOf = (version: string) => `${RULESET_STREAM_PREFIX}${version.replace(/^sha256:/, '')}`;

/**
 * Every ruleset the engine has run under, kept in the event store itself so a case is always
 * judged by the rules it was received under, and an auditor can rebuild any of them, whichever
 * adapter stores the events.
 */
export interface RulesetRegistry {
  readonly current: Ruleset;
  get(version: string): Promise<Ruleset>;
}

/** The rulesets a store holds, read without writing anything (the auditor's tools must not write). */
export const readOnlyRulesets = (store: EventStore, current: Ruleset): RulesetRegistry => {
  const cache = new Map<string, Ruleset>([[current.version, current]]);
  return {
    current,
    get: async (version) => {
      const cached = cache.get(version);
      if (cached) return cached;
      try {
        const [event] = await store.readStream(streamOf(version), { maxCount: 1 });
        const ruleset = rulesetOf((event!.data as { files: Record<string, unknown> }).files);
        cache.set(version, ruleset);
        return ruleset;
      } catch (error) {
        if (isStreamNotFound(error)) throw new Error(`ruleset ${version} was never published to this store`);
        throw error;
      }
    },
  };
};

/** Publishes the current ruleset (once per version) and returns the registry. */
export const openRulesetRegistry = async (store: EventStore, current: Ruleset): Promise<RulesetRegistry> => {
  try {
    await store.appendToStream(
      streamOf(current.version),
      [{ id: uuidv5(current.version, NAMESPACE), type: 'RulesetPublished', data: { version: current.version, files: current.files as Json }, metadata: {} }],
      { expectedRevision: NO_STREAM },
    );
  } catch (error) {
    // Already published by an earlier start: the content hash is the stream name, so it is the same ruleset.
    if (!isRevisionConflict(error)) throw error;
  }
  return readOnlyRulesets(store, current);
};
