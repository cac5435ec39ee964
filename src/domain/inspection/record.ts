import { byCheck, checkKpi, type CheckKpi } from '../kpi/check.js';
import { plainRow, recordType, type RecordLabels, noQueue } from '../record/descriptor.js';
import { noClocks } from '../sla/subject.js';
import type { InspectionFacts } from './facts.js';
import { inspectionLifecycle } from './lifecycle.js';

const check = checkKpi<InspectionFacts>(
  (f) => f.inspectedAt,
  (f) => f.passed,
);

const labels: RecordLabels = {
  record: { zh: '规程抽检', en: 'Spot check' },
  states: {
    new: { zh: '新建', en: 'New' },
    passed: { zh: '合格', en: 'Passed' },
    failed: { zh: '不合格', en: 'Failed' },
    rectified: { zh: '已整改', en: 'Rectified' },
  },
  events: { InspectionRecorded: { zh: '规程抽检', en: 'Spot check' }, InspectionRectified: { zh: '整改', en: 'Rectified' } },
  actions: { record: { zh: '登记', en: 'Record' }, rectify: { zh: '整改', en: 'Rectify' } },
};

/** 规程抽检: the quality department's spot check of a procedure, and its rectification. */
export const inspectionRecord = recordType<'inspection', InspectionFacts, CheckKpi>({
  type: 'inspection',
  segment: 'inspections',
  numberPrefix: 'CJ', // 抽检
  noun: 'spot check',
  labels,
  events: inspectionLifecycle.events,
  lifecycle: inspectionLifecycle,
  endedStates: ['passed', 'rectified'],
  rules: { milestones: [], pausableStates: [], categories: 'none', complexity: false },
  clocks: noClocks,
  kpi: { of: check.of('inspection'), encode: check.encode, decode: check.decode, definitions: { 'inspection.pass_rate': byCheck('inspection') } },
  queue: noQueue,
  row: (f) => plainRow(f.inspectedAt, null, f.procedure),
  reportingDate: check.reportingDate,
  derivedInputs: (f) => JSON.stringify(f),
});
