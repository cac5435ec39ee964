import { byCheck, checkKpi, type CheckKpi } from '../kpi/check.js';
import { plainRow, recordType, type RecordLabels, noQueue } from '../record/descriptor.js';
import { noClocks } from '../sla/subject.js';
import type { ArchiveCheckFacts } from './facts.js';
import { archiveCheckLifecycle } from './lifecycle.js';

const check = checkKpi<ArchiveCheckFacts>(
  (f) => f.checkedAt,
  (f) => f.correct,
);

const labels: RecordLabels = {
  record: { zh: '档案核查', en: 'Archive check' },
  states: {
    new: { zh: '新建', en: 'New' },
    correct: { zh: '档案正确', en: 'Correct' },
    incorrect: { zh: '档案有误', en: 'Incorrect' },
    corrected: { zh: '已更正', en: 'Corrected' },
  },
  events: { ArchiveChecked: { zh: '档案核查', en: 'Record checked' }, ArchiveCorrected: { zh: '档案更正', en: 'Record corrected' } },
  actions: { record: { zh: '登记', en: 'Record' }, correct: { zh: '更正档案', en: 'Correct the record' } },
};

/** 档案核查: one owner record (业户档案) checked against the facts, and its correction. */
export const archiveCheckRecord = recordType<'archive_check', ArchiveCheckFacts, CheckKpi>({
  type: 'archive_check',
  segment: 'archive-checks',
  numberPrefix: 'DA', // 档案
  noun: 'archive check',
  labels,
  events: archiveCheckLifecycle.events,
  lifecycle: archiveCheckLifecycle,
  endedStates: ['correct', 'corrected'],
  rules: { milestones: [], pausableStates: [], categories: 'none', complexity: false },
  clocks: noClocks,
  kpi: { of: check.of('archive_check'), encode: check.encode, decode: check.decode, definitions: { 'archive.accuracy': byCheck('archive_check') } },
  queue: noQueue,
  row: (f) => plainRow(f.checkedAt, f.unit),
  reportingDate: check.reportingDate,
  derivedInputs: (f) => JSON.stringify(f),
});
