import { createBusinessCalendar, type BusinessCalendar } from '../calendar/calendar.js';
import { contentHash } from '../canonical.js';
import type { ClockId } from '../events/shared.js';
import { agreementsOf, parseRuleset, type RulesetSpec, type RulesVocabulary } from './parse.js';
import type { Agreement, Intake, PropertyRules, SlaPolicy } from './schema.js';
import { categoriesOf } from './categories.js';

/**
 * An agreement as a property is judged by it: its content version, and the business calendar
 * (holidays, time zone) its periods are judged in — its own, or else the property's.
 */
export interface AgreementTerm extends Agreement {
  readonly version: string;
  readonly file: string;
  readonly calendar: string;
  readonly businessCalendar: BusinessCalendar;
  readonly timeZone: string;
}

export interface Property extends PropertyRules {
  readonly calendar: string;
  readonly businessCalendar: BusinessCalendar;
  readonly timeZone: string;
  /** The agreement the property works under now. */
  readonly agreementRules: AgreementTerm;
  /** Every agreement of the property, past and present, in the order of their terms. */
  readonly agreements: readonly AgreementTerm[];
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
  /** Any agreement of the ruleset as the property would be judged by it (the what-if's choice, whatever its term). */
  agreement(id: string, propertyId: string): AgreementTerm | undefined;
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
  const termOf = (agreement: Agreement & { readonly file: string }, propertyCalendar: string): AgreementTerm => {
    const calendar = agreement.calendar ?? propertyCalendar;
    const businessCalendar = calendars.get(calendar)!;
    return { ...agreement, version: contentHash(files[agreement.file]), calendar, businessCalendar, timeZone: businessCalendar.timeZone };
  };
  const properties = new Map<string, Property>(
    spec.properties.map((p) => {
      const businessCalendar = calendars.get(p.calendar)!;
      const agreements = agreementsOf(spec, p)
        .map((a) => termOf(a, p.calendar))
        .sort((a, b) => a.validFrom.localeCompare(b.validFrom));
      const property: Property = {
        ...p,
        businessCalendar,
        timeZone: businessCalendar.timeZone,
        agreementRules: agreements.find((a) => a.id === p.agreement)!,
        agreements,
      };
      return [p.id, property];
    }),
  );
  const agreementFor = (id: string, propertyId: string): AgreementTerm | undefined => {
    const property = properties.get(propertyId);
    const agreement = spec.agreements.find((a) => a.id === id);
    return property && agreement ? (property.agreements.find((a) => a.id === id) ?? termOf(agreement, property.calendar)) : undefined;
  };
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
    agreement: agreementFor,
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
