export { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerOptions } from './runner.js';
export { REBUILD_BATCH_SIZE } from './batch-sizes.js';
export {
  claimReadModelFile,
  examineReadModelFile,
  openReadModelDb,
  READ_MODEL_FORMAT,
  readModelFile,
  recordedWriter,
  setAsideReadModel,
  type ReadModelFileState,
  type ReadModelWriter,
} from './read-model-db.js';
export { formatPosition, parsePosition } from './checkpoints.js';
export { CASE_EVENTS, LAG_COUNT_LIMIT } from './log-scan.js';
export type { AppliedSummary, ProjectedEvent, Projection, ProjectionContext, ProjectionHealth, ProjectionStatus } from './projection.js';
export { casesProjection, CASES_PROJECTION } from './cases/projection.js';
export type { CaseRow, ClockRow } from './cases/schema.js';

import { casesProjection, type CasesProjectionOptions } from './cases/projection.js';
import { searchProjection, type SearchProjectionOptions } from './search/projection.js';
import type { Projection } from './projection.js';

/**
 * Every projection the engine runs, in the order they are listed in status(); `cases` tunes how
 * many cases the cases projection keeps in memory, `search` gives the key of the phones' digests.
 */
export const allProjections = (cases?: CasesProjectionOptions, search?: SearchProjectionOptions): Projection[] => [
  casesProjection(cases),
  searchProjection(search),
];
export { phoneDigest, phoneDigestKey, PHONE_KEY_FILE } from './search/phone-digest.js';
