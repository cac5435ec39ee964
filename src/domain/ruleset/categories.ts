import type { CaseType } from '../events/envelope.js';
import type { Categories } from './schema.js';

/** The categories of a case type: complaints, repairs and visits have them; the other records have none. */
export const categoriesOf = (spec: { readonly categories: Categories }, caseType: CaseType): Categories['complaint'] =>
  caseType === 'complaint' || caseType === 'repair' || caseType === 'visit' ? spec.categories[caseType] : [];
