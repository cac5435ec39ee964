import type { RulesetRegistry } from '../app/rulesets.js';
import { RULESET_STREAM_PREFIX } from '../app/rulesets.js';
import { createRuleset, type Ruleset } from '../domain/ruleset/ruleset.js';
import { isStreamNotFound } from '../store/errors.js';
import type { EventStore } from '../store/port.js';

/**
 * The rulesets a store holds, read without publishing anything: the auditor's tools must not
 * write, so unlike `openRulesetRegistry` the current ruleset is not appended to the store.
 */
export const readOnlyRulesets = (store: EventStore, current: Ruleset): RulesetRegistry => {
  const cache = new Map<string, Ruleset>([[current.version, current]]);
  return {
    current,
    get: async (version) => {
      const cached = cache.get(version);
      if (cached) return cached;
      try {
        const [event] = await store.readStream(`${RULESET_STREAM_PREFIX}${version.replace(/^sha256:/, '')}`, { maxCount: 1 });
        const ruleset = createRuleset((event!.data as { files: Record<string, unknown> }).files);
        cache.set(version, ruleset);
        return ruleset;
      } catch (error) {
        if (isStreamNotFound(error)) throw new Error(`ruleset ${version} was never published to this store`);
        throw error;
      }
    },
  };
};
