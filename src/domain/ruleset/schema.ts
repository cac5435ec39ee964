import { z } from 'zod';
import { clockIdSchema } from '../events/shared.js';
import { complexitySchema } from '../events/shared.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'an id: lower-case letters, digits, "_", "-" or "."');

const positive = z.number().positive();
const durationSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('elapsed'), hours: positive.optional(), minutes: positive.optional() }),
    z.strictObject({ kind: z.literal('business_hours'), hours: positive.optional(), minutes: positive.optional() }),
    z.strictObject({ kind: z.literal('working_days'), days: z.number().int().positive() }),
  ])
  .refine((d) => d.kind === 'working_days' || d.hours !== undefined || d.minutes !== undefined, {
    message: 'an elapsed or business_hours duration needs hours or minutes',
  });

export const slaPolicySchema = z.strictObject({
  id,
  /** The record type the clock runs on (the record types' own vocabulary checks it: RulesVocabulary). */
  caseType: id,
  clock: clockIdSchema,
  /** The policy applies to cases matching all of these; the first matching policy in file order wins. */
  when: z
    .strictObject({
      categories: z.array(id).min(1).optional(),
      complexity: complexitySchema.optional(),
    })
    .optional(),
  starts: z.string(),
  stops: z.string(),
  duration: durationSchema,
  /** States in which the clock stands still (pause ledger). */
  pausedIn: z.array(z.string()).default([]),
  /** Share of the clock consumed, without the stopping event, at which the case is "at risk". */
  atRisk: z.number().gt(0).lt(1).default(0.8),
  /** What the deadline watcher does when the deadline passes. */
  onMiss: z.strictObject({ escalate: z.boolean().default(false) }).default({ escalate: false }),
});
export type SlaPolicy = z.infer<typeof slaPolicySchema>;
/**
 * How the deadline watcher reports misses to management (a policy's `onMiss.escalate`): only a miss
 * noticed live. A miss noticed more than `maxLateHours` after its deadline (the server was down, or
 * the record came in by an import after it) is recorded at its deadline, without an escalation:
 * management is told of what can still be acted on, not of history. Rulesets published before it
 * existed leave it out, and then every miss noticed after the record was in the engine escalates.
 */
export const escalationSchema = z.strictObject({
  maxLateHours: z
    .number({ error: 'maxLateHours: hours, a number such as 24' })
    .positive('maxLateHours: more than 0 hours')
    .max(24 * 365, 'maxLateHours: at most a year (8760 hours)'),
});
export type Escalation = z.infer<typeof escalationSchema>;

export const slaFileSchema = z.strictObject({ policies: z.array(slaPolicySchema).min(1), escalation: escalationSchema.optional() });

const named = z.strictObject({ id, zh: z.string().min(1), en: z.string().min(1) });
export const categoriesFileSchema = z.strictObject({
  complaint: z.array(named).min(1),
  repair: z.array(named).min(1),
  /** What owners come to the desk about (业主来访); a ruleset without visits may leave it out. */
  visit: z.array(named).default([]),
  departments: z.array(named).min(1),
});
export type Categories = z.infer<typeof categoriesFileSchema>;

export const intakeFileSchema = z.strictObject({
  /** How far before the server's clock a desk may claim an event happened. */
  backdatingAllowanceMinutes: z.number().int().min(0),
  /** A claimed time up to this far ahead of the server's clock is taken as "now" (desk clock skew). */
  futureToleranceSeconds: z.number().int().min(0).default(0),
  /**
   * How many days back a record dated by the desk (a community activity's day) may be dated:
   * an activity is entered after it was held, but a month's figure must not be improved by
   * dating a record into it long after.
   */
  recordWindowDays: z.number().int().min(0).default(7),
  /**
   * A record paused (waiting for parts, for the owner) longer than this many hours is listed in
   * the desk's `paused_long` queue. Rulesets published before it existed read the default.
   */
  pausedLongHours: z
    .number({ error: 'pausedLongHours: hours, a number such as 48' })
    .positive('pausedLongHours: more than 0 hours')
    .max(24 * 365, 'pausedLongHours: at most a year (8760 hours)')
    .default(48),
});
export type Intake = z.infer<typeof intakeFileSchema>;

export const kpiIds = [
  'complaint.timely_handling',
  'complaint.resolution_rate',
  'complaint.resolution_timely',
  'repair.response_timely',
  'repair.completion_timely',
  'callback.rate',
  'satisfaction.rate',
  'visit.reception_rate',
  'fee.collection_rate',
  'activity.count',
  'activity.participation',
  'archive.accuracy',
  'inspection.pass_rate',
] as const;
export const kpiIdSchema = z.enum(kpiIds);
export type KpiId = z.infer<typeof kpiIdSchema>;

const plainDate = z.iso.date();
const followUpRules = ['required', 'optional'] as const;
export type FollowUpRule = (typeof followUpRules)[number];
export const agreementSchema = z
  .strictObject({
    id,
    name: z.string().min(1),
    /** The agreement's term, local dates, both inclusive: a reporting period is judged by the agreement whose term holds it. */
    validFrom: plainDate,
    validTo: plainDate,
    /**
     * The business calendar (holidays, business hours and time zone) the agreement's periods are
     * judged in; without it, the property's calendar. An agreement of earlier years may have been
     * signed in another zone or against another holiday schedule.
     */
    calendar: id.optional(),
    kpis: z
      .array(
        z
          .strictObject({
            id: kpiIdSchema,
            /** A share in [0, 1]: 0.98 means 98%. */
            target: z.number().min(0).max(1),
            comparator: z.enum(['>=', '>', '<=', '<', '=']).default('>='),
            /** activity.count only: the activities a month must have to count as met (the target is then the share of such months). */
            perMonth: z.number().int().positive().optional(),
          })
          .refine((k) => k.perMonth === undefined || k.id === 'activity.count', { message: 'perMonth applies to activity.count only', path: ['perMonth'] }),
      )
      .min(1),
    /**
     * Whether a case may be closed after a dissatisfied callback without a follow-up (回访不满意业主并改进):
     * `required`: it must be followed up first (a complaint: reopened, escalated or called back
     * again; a repair: reworked or called back again); `optional`: it may be closed, and the rating
     * counts against satisfaction.
     */
    followUp: z
      .strictObject({
        complaint: z.enum(followUpRules).default('required'),
        repair: z.enum(followUpRules).default('optional'),
      })
      .default({ complaint: 'required', repair: 'optional' }),
  })
  .refine((a) => a.validFrom <= a.validTo, { message: 'validTo is before validFrom', path: ['validTo'] });
export type Agreement = z.infer<typeof agreementSchema>;

/** Why a regular expression of a rules file does not compile, or undefined when it does. */
const regexError = (source: string): string | undefined => {
  try {
    unitRegex(source);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

/** A unit pattern as the engine applies it: to the whole unit. */
export const unitRegex = (pattern: string) => new RegExp(`^(?:${pattern})$`, 'u');

/**
 * A property's unit numbering (房号), e.g. building-entrance-room "3-2-1201": a unit must match
 * `pattern` whole; `example` is shown in refusals and forms, and must match it too.
 */
export const unitsSchema = z
  .strictObject({
    pattern: z.string().superRefine((source, ctx) => {
      const error = regexError(source);
      if (error) ctx.addIssue({ code: 'custom', message: `not a regular expression: ${error}` });
    }),
    example: z.string().min(1),
  })
  .refine((u) => regexError(u.pattern) !== undefined || unitRegex(u.pattern).test(u.example), {
    message: 'the example does not match the pattern',
    path: ['example'],
  });

export const propertiesFileSchema = z.strictObject({
  properties: z
    .array(
      z.strictObject({
        id,
        name: z.string().min(1),
        /** The business calendar, which also sets the property's time zone. */
        calendar: id,
        /** The agreement the property works under now. */
        agreement: id,
        /**
         * The agreements of earlier terms, whose periods are judged by them (migrated history):
         * no two of a property's agreements may share a day.
         */
        pastAgreements: z.array(id).optional(),
        /** Households of the property: what activity participation is a share of. */
        households: z.number().int().positive().optional(),
        /** How the property numbers its units; without it any unit is taken as typed. */
        units: unitsSchema.optional(),
      }),
    )
    .min(1),
});
export type PropertyRules = z.infer<typeof propertiesFileSchema>['properties'][number];
