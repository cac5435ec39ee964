import type Database from 'better-sqlite3';
import { checkAnchor, takeAnchor, type LogAnchor } from '../../audit/anchor.js';
import { backdatingReport, type BackdatingQuery } from '../../audit/backdating.js';
import { reportAsOf } from '../../audit/report-as-of.js';
import { verifyLog } from '../../audit/verify.js';
import { whatIf } from '../../audit/what-if.js';
import { complianceService, type ComplianceQuery } from '../../app/compliance.js';
import { rulesetOf } from '../../domain/records.js';
import type { Clock } from '../../runtime/clock.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import type { EventStore } from '../../store/port.js';
import { importFile, type ImportJob } from './import-job.js';
import type { HeavyNotice, JobProgress } from './notice.js';

export type { JobCaller } from './import-job.js';

/**
 * The requests whose one answer folds or scans the log, or reads a whole import file: each is a
 * job, run by `runJob` on a heavy-work thread (threads.ts) or, without threads, on the request
 * thread. One code for both places, so that an answer is the same wherever it was computed.
 * A job is plain data: it crosses to a thread as a message.
 */
export type HeavyJob =
  | { readonly kind: 'auditCompliance'; readonly query: { propertyId: string; period: string; asOf?: string; judgeImportedByOccurrence?: boolean } }
  | {
      readonly kind: 'whatIf';
      readonly query: { propertyId: string; period: string; asOf?: string; agreement?: string };
      readonly files: Record<string, unknown>;
    }
  | { readonly kind: 'verify'; readonly propertyId: string }
  | { readonly kind: 'backdating'; readonly query: BackdatingQuery }
  | { readonly kind: 'anchor' }
  | { readonly kind: 'anchorCheck'; readonly anchor: LogAnchor }
  /** A compliance report as of an earlier instant, folded from the log (the report now reads the read model, on the request thread). */
  | { readonly kind: 'complianceAsOf'; readonly query: ComplianceQuery }
  | ImportJob;

export type JobKind = HeavyJob['kind'];

/** What each job answers. */
export interface JobResults {
  auditCompliance: Awaited<ReturnType<typeof reportAsOf>>;
  whatIf: Awaited<ReturnType<typeof whatIf>>;
  verify: Awaited<ReturnType<typeof verifyLog>>;
  backdating: Awaited<ReturnType<typeof backdatingReport>>;
  anchor: Awaited<ReturnType<typeof takeAnchor>>;
  anchorCheck: Awaited<ReturnType<typeof checkAnchor>>;
  complianceAsOf: Awaited<ReturnType<ReturnType<typeof complianceService>['report']>>;
  import: Awaited<ReturnType<typeof importFile>>;
}

export interface JobDeps {
  /** Reads the log; an import appends through it (on a thread: through the request thread's store). */
  readonly store: EventStore;
  readonly rulesets: RulesetRegistry;
  readonly clock: Clock;
  readonly readModels?: Database.Database | undefined;
  /** Where a job's notices go: the server's log (an import's engine fault on a row). */
  readonly onNotice?: ((notice: HeavyNotice) => void) | undefined;
  /** Told how far the job has come (an import's records), for a caller that shows it. */
  readonly onProgress?: ((progress: JobProgress) => void) | undefined;
}

/** Runs one job; `input` is the body of an import, read whole (it is parsed whole: its cases are grouped across rows). */
export const runJob = async <K extends JobKind>(deps: JobDeps, job: Extract<HeavyJob, { kind: K }>, input?: Uint8Array): Promise<JobResults[K]> =>
  (await answer(deps, job, input)) as JobResults[K];

const answer = async (deps: JobDeps, job: HeavyJob, input: Uint8Array | undefined): Promise<unknown> => {
  switch (job.kind) {
    case 'auditCompliance':
      return reportAsOf(deps, job.query);
    case 'whatIf':
      return whatIf(deps, job.query, rulesetOf(job.files));
    case 'verify':
      return verifyLog(deps.store, { propertyId: job.propertyId });
    case 'backdating':
      return backdatingReport(deps.store, job.query);
    case 'anchor':
      return takeAnchor(deps.store, deps.clock.now().toString());
    case 'anchorCheck':
      return checkAnchor(deps.store, job.anchor);
    case 'complianceAsOf':
      return complianceService(deps).report(job.query);
    case 'import':
      return importFile(deps, job, input ?? new Uint8Array());
  }
};
