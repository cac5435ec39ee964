import { activityLifecycle } from '../../../src/domain/activity/lifecycle.js';
import { archiveCheckLifecycle } from '../../../src/domain/archive-check/lifecycle.js';
import type { Lifecycle } from '../../../src/domain/case/definition.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import type { RecordType } from '../../../src/domain/records.js';
import { feeLedgerLifecycle } from '../../../src/domain/fee/lifecycle.js';
import { inspectionLifecycle } from '../../../src/domain/inspection/lifecycle.js';
import { kpiRecordOf } from '../../../src/domain/kpi/outcome.js';
import type { KpiRecord } from '../../../src/domain/kpi/record.js';
import { parsePeriod } from '../../../src/domain/kpi/period.js';
import { complianceReport, type KpiFigure } from '../../../src/domain/kpi/report.js';
import type { Ruleset } from '../../../src/domain/ruleset/ruleset.js';
import { visitLifecycle } from '../../../src/domain/visit/lifecycle.js';
import { activityBody, run, sampleRuleset } from '../case/fixtures.js';

// Hand-made records of the agreement's further lines and the compliance report over them: the KPI
// tests beside this module check numerator, denominator, pending, value, met and the records listed
// as failing, each as docs/kpis.md defines it.

export type Step = { name: string; payload?: unknown; now: string; occurredAt?: string };
export const recordOf =
  <F>(lifecycle: Lifecycle<F>, caseType: RecordType, ruleset: Ruleset = sampleRuleset) =>
  (id: string, steps: Step[]): KpiRecord =>
    kpiRecordOf(caseType, id, run(lifecycle, steps, { ruleset }, id).state.snapshot.facts, ruleset);

export const visit = recordOf(visitLifecycle, 'visit');
export const fee = recordOf(feeLedgerLifecycle, 'fee');
export const archiveCheck = recordOf(archiveCheckLifecycle, 'archive_check');
export const inspection = recordOf(inspectionLifecycle, 'inspection');
export const complaint = recordOf(complaintLifecycle, 'complaint');

export const report = (records: KpiRecord[], period: string, asOf: string, propertyId = 'demo'): Record<string, KpiFigure> =>
  Object.fromEntries(
    complianceReport({
      propertyId,
      period: parsePeriod(period),
      asOf,
      timeZone: 'Asia/Shanghai',
      agreement: sampleRuleset.property(propertyId)!.agreementRules,
      rulesetVersion: sampleRuleset.version,
      cases: records,
    }).kpis.map((k) => [k.id, k]),
  );

/** An activity held on `heldOn` (a local date) with `participants` households taking part. */
export const held = (id: string, heldOn: string, participants = 400, propertyId = 'demo', ruleset: Ruleset = sampleRuleset) =>
  recordOf(
    activityLifecycle,
    'activity',
    ruleset,
  )(id, [{ name: 'record', payload: { ...activityBody, propertyId, heldOn, participants }, now: `${heldOn}T10:00:00Z` }]);
