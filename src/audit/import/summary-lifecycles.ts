/**
 * What a summary row's columns are for each record type: the lifecycle steps its times stand for,
 * the fields each step's event takes from the row, and the details each type keeps
 * (docs/migration.md, "What a summary row expands to"). summary.ts checks and expands rows by it.
 */
import type { DetailColumn, SummaryRow, SummaryType, TimeColumn } from './summary-row.js';

/** The text of an event that needs one where the old system recorded none (a resolution, the work done): said as such. */
export const NOT_RECORDED = '原系统未记录';
/** The reason of a close without a callback: the old system recorded none, so the record counts as not called back. */
export const NO_CALLBACK_RECORDED = '原系统未记录回访';
/** The actor of a summary's events: the old system's record, not a person (the technician for the technician's steps, when named). */
export const SUMMARY_ACTOR = 'old-system';

/** One step of a record's lifecycle a summary row may hold: its time column, the action it is, and that action's fields. */
export interface Step {
  readonly column: TimeColumn;
  readonly action: string;
  /** A detail the step cannot be recorded without (a dispatch's technician), and that is recorded with it only. */
  readonly needs?: DetailColumn;
  /** A step the row must also have for this one to make sense (a repair's acceptance, its dispatch). */
  readonly after?: TimeColumn;
  readonly fields: (row: SummaryRow) => Record<string, unknown>;
}

export interface SummaryLifecycle {
  /** The details the record type keeps; another one given is reported as not kept. */
  readonly details: readonly DetailColumn[];
  /** In the lifecycle's order; the first creates the record. */
  readonly steps: readonly Step[];
}

const contact = (key: 'owner' | 'visitor', r: SummaryRow) => {
  const { ownerName: name, ownerPhone: phone } = r.cells;
  return name === undefined && phone === undefined ? {} : { [key]: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } };
};
const place = (r: SummaryRow, unitField: 'unit' | 'location') => ({
  propertyId: r.cells.propertyId,
  [unitField]: r.cells.unit,
  category: r.cells.category,
  description: r.cells.description,
});
const none = () => ({});
/** Closing without a callback takes a reason: the old system recorded none. */
const close = (r: SummaryRow) => (r.times.callbackAt === undefined ? { reason: NO_CALLBACK_RECORDED } : {});
const callback: Step = { column: 'callbackAt', action: 'callback', needs: 'satisfaction', fields: (r) => ({ satisfaction: r.satisfaction }) };

/** What each column of a summary row is for each record type (docs/migration.md, "What a summary row expands to"). */
export const SUMMARY_LIFECYCLES: Readonly<Record<SummaryType, SummaryLifecycle>> = {
  complaint: {
    details: ['channel', 'ownerName', 'ownerPhone', 'department', 'satisfaction'],
    steps: [
      {
        column: 'receivedAt',
        action: 'receive',
        fields: (r) => ({ ...place(r, 'unit'), channel: r.channel ?? 'other', ...contact('owner', r) }),
      },
      { column: 'acknowledgedAt', action: 'acknowledge', fields: none },
      { column: 'dispatchedAt', action: 'assign', needs: 'department', fields: (r) => ({ department: r.cells.department }) },
      { column: 'completedAt', action: 'resolve', fields: () => ({ resolution: NOT_RECORDED }) },
      callback,
      { column: 'closedAt', action: 'close', fields: close },
    ],
  },
  repair: {
    details: ['ownerName', 'ownerPhone', 'technician', 'complexity', 'satisfaction'],
    steps: [
      {
        column: 'receivedAt',
        action: 'report',
        fields: (r) => ({ ...place(r, 'location'), complexity: r.complexity ?? 'general', ...contact('owner', r) }),
      },
      { column: 'dispatchedAt', action: 'dispatch', needs: 'technician', fields: (r) => ({ technicianId: r.cells.technician }) },
      { column: 'acknowledgedAt', action: 'accept', after: 'dispatchedAt', fields: none },
      { column: 'arrivedAt', action: 'arrive', fields: none },
      { column: 'completedAt', action: 'complete', fields: () => ({ workDone: NOT_RECORDED }) },
      callback,
      { column: 'closedAt', action: 'close', fields: close },
    ],
  },
  visit: {
    details: ['channel', 'ownerName', 'ownerPhone', 'department'],
    steps: [
      {
        column: 'receivedAt',
        action: 'receive',
        fields: (r) => ({ ...place(r, 'unit'), channel: r.channel ?? 'walk_in', ...contact('visitor', r) }),
      },
      { column: 'dispatchedAt', action: 'refer', needs: 'department', fields: (r) => ({ department: r.cells.department }) },
      { column: 'completedAt', action: 'answer', fields: () => ({ answer: NOT_RECORDED }) },
      { column: 'closedAt', action: 'close', fields: none },
    ],
  },
};
