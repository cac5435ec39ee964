import { startOfLocalDate } from '../calendar/days.js';
import { Temporal } from 'temporal-polyfill';
import { perRecord } from '../kpi/definition.js';
import { inPeriod } from '../kpi/period.js';
import type { KpiRecordBase } from '../kpi/record.js';
import { plainRow, recordType, type RecordLabels, noQueue } from '../record/descriptor.js';
import { noClocks } from '../sla/subject.js';
import { collectedFen, waivedFen, type FeeFacts } from './facts.js';
import { feeLedgerLifecycle } from './lifecycle.js';

/**
 * A unit's fee ledger for one billing month as fee.collection_rate counts it: what was billed,
 * waived and collected (net of refunds), and when it falls due. It belongs to the reporting
 * period of its billing month.
 */
export interface FeeKpi extends KpiRecordBase {
  readonly billedFen: number;
  readonly waivedFen: number;
  readonly collectedFen: number;
  /** Epoch ms of the end of the due date (24:00 local): until then an unpaid bill is not in arrears. */
  readonly dueBy: number;
}
type StoredFee = [caseType: string, caseId: string, receivedDate: string, billedFen: number, waivedFen: number, collectedFen: number, dueBy: number];

/** The local instant a date ends, as epoch ms: where the next day begins in the zone. */
const endOfDay = (date: string, zone: string): number => startOfLocalDate(Temporal.PlainDate.from(date).add({ days: 1 }).toString(), zone);

const reportingDate = (f: FeeFacts) => (f.period === '' ? null : `${f.period}-01`);

const labels: RecordLabels = {
  record: { zh: '物业费台账', en: 'Fee ledger' },
  states: { new: { zh: '新建', en: 'New' }, outstanding: { zh: '未结清', en: 'Outstanding' }, settled: { zh: '已结清', en: 'Settled' } },
  events: {
    FeeBilled: { zh: '开账', en: 'Billed' },
    FeePaid: { zh: '收费', en: 'Paid' },
    FeeWaived: { zh: '减免', en: 'Waived' },
    FeeRefunded: { zh: '退款', en: 'Refunded' },
  },
  actions: {
    bill: { zh: '开账', en: 'Bill' },
    pay: { zh: '收费', en: 'Record payment' },
    waive: { zh: '减免', en: 'Waive' },
    refund: { zh: '退款', en: 'Refund' },
  },
};

/** 物业费台账: a unit's fee ledger for one billing month, in whole fen. */
export const feeRecord = recordType<'fee', FeeFacts, FeeKpi>({
  type: 'fee',
  segment: 'fees',
  numberPrefix: 'SF', // 收费
  noun: 'fee ledger',
  labels,
  events: feeLedgerLifecycle.events,
  lifecycle: feeLedgerLifecycle,
  /** A settled ledger has nothing left to do (a refund reopens it). */
  endedStates: ['settled'],
  rules: { milestones: [], pausableStates: [], categories: 'none', complexity: false },
  clocks: noClocks,
  kpi: {
    of: (caseId, f, _ruleset, property) => ({
      caseType: 'fee',
      caseId,
      propertyId: f.propertyId,
      receivedDate: reportingDate(f)!,
      billedFen: f.billedFen,
      waivedFen: waivedFen(f),
      collectedFen: collectedFen(f),
      dueBy: endOfDay(f.dueDate, property.timeZone),
    }),
    encode: (r) => [r.caseType, r.caseId, r.receivedDate, r.billedFen, r.waivedFen, r.collectedFen, r.dueBy] satisfies StoredFee,
    decode: (stored, propertyId) => {
      const [caseType, caseId, receivedDate, billedFen, waived, collected, dueBy] = stored as StoredFee;
      return { caseType, caseId, propertyId, receivedDate, billedFen, waivedFen: waived, collectedFen: collected, dueBy };
    },
    definitions: {
      /**
       * By amount: what the ledgers of the period's billing months had due (billed less waived) and
       * what was collected of it (paid less refunded). A ledger not settled is pending until its due
       * date has passed; then what is still owed counts against the rate.
       */
      'fee.collection_rate': perRecord<FeeKpi>('fen', (r, { period, asOf }, count) => {
        if (r.caseType !== 'fee' || !inPeriod(r.receivedDate, period)) return;
        const due = r.billedFen - r.waivedFen;
        if (due <= 0) return count(r.caseId, 'excluded');
        const collected = Math.min(Math.max(r.collectedFen, 0), due);
        if (collected < due && asOf < r.dueBy) return count(r.caseId, 'pending');
        count(r.caseId, collected === due ? 'success' : 'failure', undefined, { numerator: collected, denominator: due });
      }),
    },
  },
  queue: noQueue,
  row: (f) => plainRow(f.billedAt, f.unit),
  reportingDate,
  // A ledger is small: all its facts are its inputs.
  derivedInputs: (f) => JSON.stringify(f),
});
