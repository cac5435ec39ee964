import type { ProjectionStatus } from '../../projections/projection.js';

/**
 * The projections' status for the dashboards' `lag`, shared: one answer serves every dashboard
 * computed within `freshMs` of it, and once it is half that old the next is asked in the
 * background. The projection thread answers it between its batches, at its lower priority: on a
 * busy machine a dashboard that asked it each time would wait there for the thread's current
 * batch, while its figures are read elsewhere (docs/dashboard.md, "How fresh").
 *
 * A change of the projections' health (a failure, a recovery) drops the answer kept: the next
 * dashboard waits for a new one, so that a failing read model shows at once.
 */
export const sharedStatus = (ask: () => Promise<ProjectionStatus[]>, freshMs: number, now: () => number = () => performance.now()) => {
  let kept: { readonly value: ProjectionStatus[]; readonly answeredAt: number } | undefined;
  let asking: Promise<ProjectionStatus[]> | undefined;
  let generation = 0;

  const refresh = (): Promise<ProjectionStatus[]> => {
    if (asking) return asking;
    const askedIn = generation;
    const answer = ask().then((value) => {
      // An answer asked before a health change says nothing of after it.
      if (askedIn === generation) kept = { value, answeredAt: now() };
      return value;
    });
    asking = answer;
    const done = () => {
      if (asking === answer) asking = undefined;
    };
    answer.then(done, done);
    return answer;
  };

  return {
    /** The status kept if fresh (asking the next in the background once half its age has passed), else a new one. */
    status(): Promise<ProjectionStatus[]> {
      const age = kept ? now() - kept.answeredAt : Number.POSITIVE_INFINITY;
      if (kept && age <= freshMs) {
        if (age > freshMs / 2) refresh().catch(() => undefined);
        return Promise.resolve(kept.value);
      }
      return refresh();
    },
    /** The projections' health changed: what is kept, or being asked, no longer counts. */
    invalidate() {
      generation++;
      kept = undefined;
      asking = undefined;
    },
  };
};
