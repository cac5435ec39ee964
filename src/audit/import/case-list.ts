/** What the list needs of a case: its status and its events. */
interface Counted {
  readonly status: 'imported' | 'extended' | 'unchanged' | 'rejected';
  readonly events: number;
}

/** What a report leaves out of its case list past the limit: how many cases, and their events. */
export interface CaseListOmitted {
  readonly cases: number;
  readonly events: number;
}

/**
 * A report's cases: every one counted by status, the first `limit` listed. An import of millions of
 * records keeps its report small, its rejected rows (what a migrator acts on) listed in full apart.
 */
export const listOfCases = <C extends Counted>(limit = Infinity) => {
  const listed: C[] = [];
  const counts = { imported: 0, extended: 0, unchanged: 0, rejected: 0 };
  const omitted = { cases: 0, events: 0 };
  return {
    add(imported: C) {
      counts[imported.status] += 1;
      if (listed.length < limit) listed.push(imported);
      else {
        omitted.cases += 1;
        omitted.events += imported.events;
      }
    },
    counts,
    list: (): { caseList: C[]; caseListOmitted?: CaseListOmitted } =>
      omitted.cases === 0 ? { caseList: listed } : { caseList: listed, caseListOmitted: { ...omitted } },
  };
};
