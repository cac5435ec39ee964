/** What a `case_clocks` row says about its clock at an instant. */
export const clockStatuses = ['met', 'missed', 'ended', 'paused', 'at_risk', 'running', 'not_started', 'unknown'] as const;
export type ClockStatus = (typeof clockStatuses)[number];

/**
 * The status of a `case_clocks` row (alias `k`) at the instant bound as `@now` (epoch ms), as a
 * SQL expression: the one definition the dashboard and the metrics share, so both filter and
 * count in SQLite with the same rule.
 * - stopped: met when it stopped at or before its deadline, else missed;
 * - ended (the case ended without the stopping event): missed if its deadline had passed by then
 *   (docs/domain.md: only a case withdrawn or cancelled before the deadline leaves the KPI), else ended;
 * - missed when the deadline has passed while running, or the clock was paused after it;
 * - paused while paused; at risk from `at_risk_at` up to the deadline; else running.
 * A clock not started yet (a callback clock before the resolution) is not_started; a started
 * one without a deadline (its policy failed: see `error`) is unknown.
 */
export const clockStatusSql = (k = 'k'): string => `CASE
  WHEN ${k}.started_at IS NULL THEN 'not_started'
  WHEN ${k}.deadline IS NULL THEN 'unknown'
  WHEN ${k}.stopped_at IS NOT NULL THEN CASE WHEN ${k}.stopped_at <= ${k}.deadline THEN 'met' ELSE 'missed' END
  WHEN ${k}.ended_at IS NOT NULL THEN
    CASE WHEN (${k}.paused_since IS NULL AND ${k}.deadline < ${k}.ended_at) OR ${k}.paused_since > ${k}.deadline THEN 'missed' ELSE 'ended' END
  WHEN (${k}.paused_since IS NULL AND ${k}.deadline < @now) OR ${k}.paused_since > ${k}.deadline THEN 'missed'
  WHEN ${k}.paused_since IS NOT NULL THEN 'paused'
  WHEN ${k}.at_risk_at <= @now AND @now <= ${k}.deadline THEN 'at_risk'
  ELSE 'running'
END`;

/** The clocks still ticking or paused: neither stopped nor ended. The condition of the partial indexes `case_clocks_running_*`. */
export const liveClockSql = (k = 'k'): string => `${k}.stopped_at IS NULL AND ${k}.ended_at IS NULL`;

/**
 * A condition every live clock at risk or missed at `@now` meets, on a `case_clocks` row (alias
 * `k`): its at-risk time or its deadline has come, or it is paused (a clock paused after its
 * deadline is missed). It follows from the CASE of clockStatusSql, so adding it to a query that
 * keeps only those statuses changes no answer; it lets SQLite read the few clocks that alert
 * through the partial indexes of the live clocks instead of every live clock of every open case.
 * The branches are a UNION ALL so that each uses its index; IN keeps each row once.
 */
export const alertCandidateSql = (k = 'k'): string => {
  const live = (condition: string) => `SELECT a.rowid FROM case_clocks a WHERE ${liveClockSql('a')} AND ${condition}`;
  return `${k}.rowid IN (${live('a.at_risk_at <= @now')} UNION ALL ${live('a.deadline < @now')} UNION ALL ${live('a.paused_since IS NOT NULL')})`;
};
