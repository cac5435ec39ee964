import { createBusinessCalendar, type BusinessCalendar } from '../calendar/calendar.js';
import { contentHash } from '../canonical.js';
import type { ClockId } from '../events/shared.js';
import { parseRuleset, type RulesetSpec, type RulesVocabulary } from './parse.js';
import type { Agreement, Intake, PropertyRules, SlaPolicy } from './schema.js';
import { categoriesOf } from './categories.js';

export interface Property extends PropertyRules {
  readonly calendar: string;
  readonly businessCalendar: BusinessCalendar;
  readonly timeZone: string;
  readonly agreementRules: Agreement & { readonly version: string; readonly file: string };
}

/** What a clock policy is chosen by. */
export interface CaseProfile {
  readonly caseType: string;
  readonly category: string;
  readonly complexity?: string;
}

export interface Ruleset {
  /** Content hash of the whole ruleset: events carry it, reports state it. */
  readonly version: string;
  readonly spec: RulesetSpec;
  /** The files the ruleset was built from, as parsed: enough to rebuild it byte for byte. */
  readonly files: Readonly<Record<string, unknown>>;
  readonly intake: Intake;
  property(id: string): Property | undefined;
  /** For each clock, the first policy in file order whose `when` matches the case. */
  policiesFor(profile: CaseProfile): ReadonlyMap<ClockId, SlaPolicy>;
  /** Whether the ruleset lists this category for the type (complaints, repairs and visits have categories). */
  hasCategory(caseType: string, id: string): boolean;
  hasDepartment(id: string): boolean;
}

/** Builds a ruleset from parsed files; throws RulesetInvalidError naming every bad file and path. */
export const createRuleset = (files: Readonly<Record<string, unknown>>, vocabulary: RulesVocabulary): Ruleset => {
  const spec = parseRuleset(files, vocabulary);
  const calendars = new Map(spec.calendars.map((c) => [c.id, createBusinessCalendar(c)]));
  const properties = new Map<string, Property>(
    spec.properties.map((p) => {
      const businessCalendar = calendars.get(p.calendar)!;
      const agreement = spec.agreements.find((a) => a.id === p.agreement)!;
      const property: Property = {
        ...p,
        businessCalendar,
        timeZone: businessCalendar.timeZone,
        agreementRules: { ...agreement, version: contentHash(files[agreement.file]) },
      };
      return [p.id, property];
    }),
  );
  const matches = (policy: SlaPolicy, profile: CaseProfile): boolean =>
    policy.caseType === profile.caseType &&
    (!policy.when?.categories || policy.when.categories.includes(profile.category)) &&
    (!policy.when?.complexity || policy.when.complexity === profile.complexity);

  // A case's policies are asked for at every read of its clocks; the answer depends on three strings.
  const chosenFor = new Map<string, ReadonlyMap<ClockId, SlaPolicy>>();
  const choose = (profile: CaseProfile): ReadonlyMap<ClockId, SlaPolicy> => {
    const chosen = new Map<ClockId, SlaPolicy>();
    for (const policy of spec.slaPolicies) {
      if (!chosen.has(policy.clock) && matches(policy, profile)) chosen.set(policy.clock, policy);
    }
    return chosen;
  };

  return {
    version: contentHash(files),
    spec,
    files,
    intake: spec.intake,
    property: (id) => properties.get(id),
    policiesFor: (profile) => {
      const key = `${profile.caseType}\u0000${profile.category}\u0000${profile.complexity ?? ''}`;
      let chosen = chosenFor.get(key);
      if (!chosen) chosenFor.set(key, (chosen = choose(profile)));
      return chosen;
    },
    hasCategory: (caseType, id) => categoriesOf(spec, caseType).some((c) => c.id === id),
    hasDepartment: (id) => spec.categories.departments.some((d) => d.id === id),
  };
};
