import type { z } from 'zod';
import { calendarSpecSchema, type CalendarSpec } from '../calendar/spec.js';
import { formatPath, RulesetInvalidError, type RulesetIssue } from './errors.js';
import { categoriesOf } from './categories.js';
import {
  agreementSchema,
  categoriesFileSchema,
  intakeFileSchema,
  propertiesFileSchema,
  slaFileSchema,
  type Agreement,
  type Categories,
  type Escalation,
  type Intake,
  type PropertyRules,
  type SlaPolicy,
} from './schema.js';

/** The validated content of a rules directory (or an uploaded ruleset of the same shape). */
export interface RulesetSpec {
  readonly calendars: readonly CalendarSpec[];
  readonly slaPolicies: readonly SlaPolicy[];
  /** sla.yaml `escalation`: absent in rulesets published before it existed. */
  readonly escalation?: Escalation;
  readonly categories: Categories;
  readonly intake: Intake;
  readonly agreements: ReadonlyArray<Agreement & { readonly file: string }>;
  readonly properties: readonly PropertyRules[];
}

/**
 * What the record types say the rules may name: for each type, the milestones its clocks may
 * start or stop at, the states they may pause in, and whether a policy may choose by complexity.
 * The record types' registry builds it (domain/records.ts); the rules themselves know no type.
 */
export interface RulesVocabulary {
  readonly records: Readonly<
    Record<string, { readonly milestones: readonly string[]; readonly pausableStates: readonly string[]; readonly complexity: boolean }>
  >;
}

const singles = {
  'sla.yaml': slaFileSchema,
  'categories.yaml': categoriesFileSchema,
  'intake.yaml': intakeFileSchema,
  'properties.yaml': propertiesFileSchema,
} as const;

/**
 * Validates every file of a ruleset, then the references between them, and reports every
 * problem at once, each naming its file and the path inside it.
 * `files` maps a path relative to the rules directory (`sla.yaml`, `calendars/cn.yaml`,
 * `agreements/demo.yaml`…) to its parsed content.
 */
export const parseRuleset = (files: Readonly<Record<string, unknown>>, vocabulary: RulesVocabulary): RulesetSpec => {
  const issues: RulesetIssue[] = [];
  const check = <S extends z.ZodType>(file: string, schema: S, content: unknown): z.infer<S> | undefined => {
    const result = schema.safeParse(content);
    if (result.success) return result.data;
    for (const issue of result.error.issues) issues.push({ file, path: formatPath(issue.path), message: issue.message });
    return undefined;
  };

  for (const file of Object.keys(singles)) if (!(file in files)) issues.push({ file, path: '', message: 'required file is missing' });
  const calendars: CalendarSpec[] = [];
  const agreements: Array<Agreement & { file: string }> = [];
  const parsed: Partial<{ [F in keyof typeof singles]: z.infer<(typeof singles)[F]> }> = {};

  for (const [file, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    if (file in singles) {
      const name = file as keyof typeof singles;
      (parsed as Record<string, unknown>)[name] = check(file, singles[name], content);
    } else if (/^calendars\/[^/]+\.ya?ml$/.test(file)) {
      const calendar = check(file, calendarSpecSchema, content);
      if (calendar) calendars.push(calendar);
    } else if (/^agreements\/[^/]+\.ya?ml$/.test(file)) {
      const agreement = check(file, agreementSchema, content);
      if (agreement) agreements.push({ ...agreement, file });
    } else {
      issues.push({
        file,
        path: '',
        message: 'not a rules file: expected sla.yaml, categories.yaml, intake.yaml, properties.yaml, calendars/*.yaml or agreements/*.yaml',
      });
    }
  }
  if (issues.length > 0) throw new RulesetInvalidError(issues);

  const spec: RulesetSpec = {
    calendars,
    slaPolicies: parsed['sla.yaml']!.policies,
    ...(parsed['sla.yaml']!.escalation ? { escalation: parsed['sla.yaml']!.escalation } : {}),
    categories: parsed['categories.yaml']!,
    intake: parsed['intake.yaml']!,
    agreements,
    properties: parsed['properties.yaml']!.properties,
  };
  issues.push(...crossCheck(spec, vocabulary));
  if (issues.length > 0) throw new RulesetInvalidError(issues);
  return spec;
};

const duplicates = (ids: readonly string[]): string[] => ids.filter((id, i) => ids.indexOf(id) !== i);

/** References between files: every id named must exist, and every id must be unique. */
const crossCheck = (spec: RulesetSpec, vocabulary: RulesVocabulary): RulesetIssue[] => {
  const issues: RulesetIssue[] = [];
  const calendarIds = spec.calendars.map((c) => c.id);
  const agreementIds = spec.agreements.map((a) => a.id);
  for (const id of duplicates(calendarIds)) issues.push({ file: 'calendars/', path: 'id', message: `calendar id "${id}" is used twice` });
  for (const id of duplicates(agreementIds)) issues.push({ file: 'agreements/', path: 'id', message: `agreement id "${id}" is used twice` });
  for (const id of duplicates(spec.slaPolicies.map((p) => p.id)))
    issues.push({ file: 'sla.yaml', path: 'policies', message: `policy id "${id}" is used twice` });
  for (const list of ['complaint', 'repair', 'visit', 'departments'] as const) {
    for (const id of duplicates(spec.categories[list].map((c) => c.id)))
      issues.push({ file: 'categories.yaml', path: list, message: `id "${id}" is used twice` });
  }

  spec.slaPolicies.forEach((policy, i) => {
    const at = (field: string) => `policies[${i}].${field}`;
    const record = vocabulary.records[policy.caseType];
    if (!record) {
      issues.push({
        file: 'sla.yaml',
        path: at('caseType'),
        message: `unknown record type "${policy.caseType}"; known: ${Object.keys(vocabulary.records).join(', ')}`,
      });
      return;
    }
    const known = record.milestones;
    for (const field of ['starts', 'stops'] as const) {
      if (!known.includes(policy[field])) {
        issues.push({ file: 'sla.yaml', path: at(field), message: `"${policy[field]}" is not a ${policy.caseType} milestone; allowed: ${known.join(', ')}` });
      }
    }
    const pausable = record.pausableStates;
    policy.pausedIn.forEach((state, j) => {
      if (!pausable.includes(state)) {
        issues.push({
          file: 'sla.yaml',
          path: at(`pausedIn[${j}]`),
          message: `a ${policy.caseType} clock cannot pause in "${state}"; allowed: ${pausable.join(', ') || 'none'}`,
        });
      }
    });
    const categoryIds = categoriesOf(spec, policy.caseType).map((c) => c.id);
    policy.when?.categories?.forEach((category, j) => {
      if (!categoryIds.includes(category))
        issues.push({ file: 'sla.yaml', path: at(`when.categories[${j}]`), message: `unknown ${policy.caseType} category "${category}"` });
    });
    if (policy.when?.complexity && !record.complexity) {
      issues.push({
        file: 'sla.yaml',
        path: at('when.complexity'),
        message: `a ${policy.caseType} has no complexity; only ${Object.keys(vocabulary.records)
          .filter((t) => vocabulary.records[t]!.complexity)
          .join(', ')} do`,
      });
    }
  });

  spec.properties.forEach((property, i) => {
    if (!calendarIds.includes(property.calendar)) {
      issues.push({
        file: 'properties.yaml',
        path: `properties[${i}].calendar`,
        message: `unknown calendar "${property.calendar}"; known: ${calendarIds.join(', ')}`,
      });
    }
    if (!agreementIds.includes(property.agreement)) {
      issues.push({
        file: 'properties.yaml',
        path: `properties[${i}].agreement`,
        message: `unknown agreement "${property.agreement}"; known: ${agreementIds.join(', ')}`,
      });
    }
    property.pastAgreements?.forEach((id, j) => {
      if (!agreementIds.includes(id))
        issues.push({
          file: 'properties.yaml',
          path: `properties[${i}].pastAgreements[${j}]`,
          message: `unknown agreement "${id}"; known: ${agreementIds.join(', ')}`,
        });
    });
    issues.push(...overlappingTerms(spec, property, i));
  });
  for (const agreement of spec.agreements) {
    if (agreement.calendar !== undefined && !calendarIds.includes(agreement.calendar))
      issues.push({ file: agreement.file, path: 'calendar', message: `unknown calendar "${agreement.calendar}"; known: ${calendarIds.join(', ')}` });
  }
  for (const id of duplicates(spec.properties.map((p) => p.id)))
    issues.push({ file: 'properties.yaml', path: 'properties', message: `property id "${id}" is used twice` });

  spec.properties.forEach((property, i) => {
    const agreement = agreementsOf(spec, property).find((a) => a.kpis.some((k) => k.id === 'activity.participation'));
    if (property.households === undefined && agreement) {
      issues.push({
        file: 'properties.yaml',
        path: `properties[${i}].households`,
        message: `activity.participation of agreement ${agreement.id} is a share of the property's households: state them`,
      });
    }
  });
  for (const agreement of spec.agreements) {
    for (const id of duplicates(agreement.kpis.map((k) => k.id))) issues.push({ file: agreement.file, path: 'kpis', message: `KPI "${id}" is listed twice` });
    agreement.kpis.forEach((kpi, i) => {
      const needs = clockNeededBy[kpi.id];
      if (needs && !spec.slaPolicies.some((p) => p.caseType === needs.caseType && p.clock === needs.clock)) {
        issues.push({
          file: agreement.file,
          path: `kpis[${i}].id`,
          message: `${kpi.id} needs a ${needs.caseType} ${needs.clock} clock, and sla.yaml has no such policy`,
        });
      }
    });
  }
  return issues;
};

/** A property's agreements, past and present, as the ruleset holds them (unknown ids left out). */
export const agreementsOf = (spec: Pick<RulesetSpec, 'agreements'>, property: PropertyRules) =>
  [...(property.pastAgreements ?? []), property.agreement].flatMap((id) => spec.agreements.filter((a) => a.id === id));

/** Two agreements of one property in force on the same day: a period there could be judged by either. */
const overlappingTerms = (spec: RulesetSpec, property: PropertyRules, i: number): RulesetIssue[] => {
  const terms = agreementsOf(spec, property).sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const issues: RulesetIssue[] = [];
  terms.forEach((a, j) => {
    const b = terms[j + 1];
    if (b && b.validFrom <= a.validTo)
      issues.push({
        file: 'properties.yaml',
        path: `properties[${i}]`,
        message: `the terms of agreements ${a.id} (${a.validFrom} – ${a.validTo}) and ${b.id} (${b.validFrom} – ${b.validTo}) overlap: a day can be judged by one agreement only`,
      });
  });
  return issues;
};

const clockNeededBy: Partial<Record<string, { caseType: string; clock: string }>> = {
  'complaint.timely_handling': { caseType: 'complaint', clock: 'response' },
  'complaint.resolution_timely': { caseType: 'complaint', clock: 'resolution' },
  'repair.response_timely': { caseType: 'repair', clock: 'response' },
  'repair.completion_timely': { caseType: 'repair', clock: 'completion' },
  'visit.reception_rate': { caseType: 'visit', clock: 'response' },
};
