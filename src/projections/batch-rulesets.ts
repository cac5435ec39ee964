import type { Ruleset } from '../domain/ruleset/ruleset.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import type { ProjectionContext } from './projection.js';

/**
 * The rulesets a batch's events were received under, loaded before the batch so that applying it
 * stays synchronous inside its transaction: `preload` the versions, then `ctx.ruleset(version)`.
 */
export const batchRulesets = (registry: Pick<RulesetRegistry, 'get'>) => {
  const loaded = new Map<string, Ruleset>();
  const preload = async (versions: Iterable<string>) => {
    for (const version of versions) if (!loaded.has(version)) loaded.set(version, await registry.get(version));
  };
  const ctx: ProjectionContext = {
    ruleset(version) {
      const ruleset = loaded.get(version);
      if (!ruleset) throw new Error(`ruleset ${version} was not loaded before the batch`);
      return ruleset;
    },
  };
  return { preload, ctx };
};
