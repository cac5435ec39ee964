import { EngineError, hasCode } from '../../errors.js';
import type { AgreementTerm, Property, Ruleset } from '../ruleset/ruleset.js';
import type { Period } from './period.js';

/** An agreement's id and term, as a refusal lists them. */
const termOf = (a: AgreementTerm) => ({ id: a.id, validFrom: a.validFrom, validTo: a.validTo });
const listed = (agreements: readonly AgreementTerm[]) =>
  agreements.length === 0 ? 'none' : agreements.map((a) => `${a.id} (${a.validFrom} – ${a.validTo})`).join(', ');

export const NO_AGREEMENT_IN_FORCE = 'NO_AGREEMENT_IN_FORCE' as const;
/** No agreement of the property was in force on some day of the period: nothing to judge it by. */
export class NoAgreementInForceError extends EngineError {
  readonly code = NO_AGREEMENT_IN_FORCE;
  constructor(propertyId: string, period: Period, agreements: readonly AgreementTerm[]) {
    super(
      `no agreement of property "${propertyId}" is in force throughout period ${period.id} (${period.from} – ${period.to}); its agreements: ${listed(agreements)}. ` +
        'Add the agreement of that time to the rules (an agreements/ file, listed in the property’s pastAgreements), or ask for a period inside a term',
      { field: 'period', propertyId, period: period.id, from: period.from, to: period.to, agreements: agreements.map(termOf) },
    );
  }
}
export const isNoAgreementInForce = hasCode<NoAgreementInForceError>(NO_AGREEMENT_IN_FORCE);

export const PERIOD_SPANS_AGREEMENTS = 'PERIOD_SPANS_AGREEMENTS' as const;
/**
 * The period runs across two agreements' terms. A KPI's figure is one fraction against one target,
 * so it is not split between them: the caller asks for the months or quarters of each term.
 */
export class PeriodSpansAgreementsError extends EngineError {
  readonly code = PERIOD_SPANS_AGREEMENTS;
  constructor(propertyId: string, period: Period, agreements: readonly AgreementTerm[]) {
    super(
      `period ${period.id} (${period.from} – ${period.to}) of property "${propertyId}" runs across the terms of ${listed(agreements)}: ` +
        'each KPI is judged against one agreement’s target, so ask for the months or quarters of each term',
      { field: 'period', propertyId, period: period.id, from: period.from, to: period.to, agreements: agreements.map(termOf) },
    );
  }
}
export const isPeriodSpansAgreements = hasCode<PeriodSpansAgreementsError>(PERIOD_SPANS_AGREEMENTS);

/**
 * The agreement a period of the property is judged by: the one whose term holds every day of it.
 * Refused when no agreement holds some day of it (never today's agreement instead), and when the
 * period runs across two terms.
 */
export const agreementInForce = (property: Property, period: Period): AgreementTerm => {
  const touching = property.agreements.filter((a) => a.validFrom <= period.to && a.validTo >= period.from);
  if (touching.length > 1) throw new PeriodSpansAgreementsError(property.id, period, touching);
  const [agreement] = touching;
  if (!agreement || agreement.validFrom > period.from || agreement.validTo < period.to)
    throw new NoAgreementInForceError(property.id, period, property.agreements);
  return agreement;
};

/**
 * A ruleset that judges the property in the agreement's calendar: its deadlines counted on that
 * calendar's working days and hours, its dates read in that zone. The rest (SLA policies,
 * categories) stays the ruleset's own.
 */
export const rulesetUnder = (ruleset: Ruleset, propertyId: string, agreement: AgreementTerm): Ruleset => {
  const property = ruleset.property(propertyId);
  if (!property || property.calendar === agreement.calendar) return ruleset;
  const judged: Property = { ...property, calendar: agreement.calendar, businessCalendar: agreement.businessCalendar, timeZone: agreement.timeZone };
  return { ...ruleset, property: (id) => (id === propertyId ? judged : ruleset.property(id)) };
};
