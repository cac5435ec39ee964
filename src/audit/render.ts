import type { AnchorCheck } from './anchor.js';
import type { BackdatingReport } from './backdating.js';
import type { CaseReplay } from './case-replay.js';
import type { ImportReport } from './import/import.js';
import type { ImportWarning } from './import/format.js';
import type { CaseChange, KpiDifference } from './outcome-diff.js';
import type { ReportAsOf } from './report-as-of.js';
import type { VerifyReport } from './verify.js';
import type { WhatIf } from './what-if.js';

/** Terminal columns a string takes: CJK and other wide characters take two. */
const width = (text: string): number => [...text].reduce((n, ch) => n + ((ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1), 0);
const pad = (text: string, to: number) => text + ' '.repeat(Math.max(0, to - width(text)));

/** A plain-text table: a header, a rule, and one line per row. */
export const table = (headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string => {
  const cells = rows.map((row) => row.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ''))));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
};

const pct = (value: number | null | undefined) => (value === null || value === undefined ? '-' : `${(value * 100).toFixed(2)}%`);
const minutes = (m: number) => (Math.abs(m) >= 120 ? `${(m / 60).toFixed(1)} h` : `${Math.round(m * 10) / 10} min`);

export const renderReplay = (r: CaseReplay): string =>
  [
    `${r.type} ${r.id}  property ${r.propertyId}  as of ${r.asOf}`,
    `state ${r.state}, revision ${r.revision} (${r.recordedRevisions - r.revision - 1} later event(s) not yet recorded then), ruleset ${r.rulesetVersion}`,
    '',
    table(
      ['clock', 'policy', 'status', 'started', 'stopped', 'deadline', 'remaining'],
      r.clocks.map((c) => [
        c.clock,
        c.policyId,
        c.status,
        c.startedAt,
        c.stoppedAt,
        c.deadline,
        c.remainingMinutes === null ? null : minutes(c.remainingMinutes),
      ]),
    ),
    ...r.clocks.flatMap((c) => ['', `${c.clock}:`, ...c.explanation.map((line) => `  ${line}`)]),
    '',
    table(
      ['rev', 'type', 'actor', 'role', 'recorded', 'claimed', 'gap', 'imported', 'state after'],
      r.timeline.map((e) => [
        e.revision,
        e.type,
        e.actor.id,
        e.actor.role,
        e.recordedAt,
        e.occurredAt,
        minutes(e.gapMinutes),
        e.imported ? 'yes' : '',
        e.stateAfter,
      ]),
    ),
  ].join('\n');

const side = (f: KpiDifference['before']) =>
  f ? `${f.numerator}/${f.denominator} ${pct(f.value)}${f.pending ? ` +${f.pending} pending` : ''} ${f.met === null ? '' : f.met ? 'met' : 'NOT met'}` : '-';

const differences = (
  labels: [string, string],
  diffs: readonly KpiDifference<CaseChange & { reason?: string; detail?: string; deadline?: { actual: string | null; whatIf: string | null } }>[],
) =>
  [
    table(
      ['kpi', labels[0], labels[1], 'change', 'cases'],
      diffs.map((d) => [
        d.id,
        side(d.before),
        side(d.after),
        d.change.value === null
          ? `${d.change.numerator >= 0 ? '+' : ''}${d.change.numerator}/${d.change.denominator >= 0 ? '+' : ''}${d.change.denominator}`
          : pct(d.change.value),
        d.cases.length,
      ]),
    ),
    '',
    diffs.some((d) => d.cases.length > 0)
      ? table(
          ['kpi', 'case', 'type', labels[0], labels[1], 'why'],
          diffs.flatMap((d) =>
            d.cases.map((c) => [
              d.id,
              c.caseId,
              c.caseType,
              c.before,
              c.after,
              c.detail ?? c.reason ?? (c.deadline ? `deadline ${c.deadline.actual ?? '-'} → ${c.deadline.whatIf ?? '-'}` : ''),
            ]),
          ),
        )
      : 'no case counts differently',
  ].join('\n');

export const renderReportAsOf = (r: ReportAsOf): string =>
  [
    `property ${r.propertyId}, period ${r.period}: as of ${r.asOf} vs now (${r.now})`,
    ...(r.imported.note ? [r.imported.note] : []),
    '',
    differences([`as of ${r.asOf}`, 'now'], r.differences),
  ].join('\n');

export const renderWhatIf = (r: WhatIf): string =>
  [
    `property ${r.propertyId}, period ${r.period}, as of ${r.asOf}: ${r.cases} case(s)`,
    `actual ruleset ${r.rulesetVersion.actual}`,
    `what-if ruleset ${r.rulesetVersion.whatIf}`,
    '',
    differences(['actual', 'what-if'], r.differences),
  ].join('\n');

export const renderVerify = (r: VerifyReport): string =>
  [
    `${r.eventsRead} event(s) read, ${r.streamsChecked} case stream(s) checked${r.propertyId ? ` of property ${r.propertyId}` : ''}: ${r.broken.length === 0 ? 'every hash chain is intact' : `${r.broken.length} broken`}`,
    ...(r.logEnd ? [`log end: ${r.logEnd.status === 'lost' ? 'LOST: ' : ''}${r.logEnd.detail}`] : []),
    ...(r.broken.length > 0
      ? [
          '',
          table(
            ['stream', 'revision', 'event', 'position', 'failure', 'detail'],
            r.broken.map((b) => [b.stream, b.revision, b.eventId, b.position, b.failure, b.detail]),
          ),
        ]
      : []),
  ].join('\n');

export const renderAnchorCheck = (r: AnchorCheck): string =>
  [
    `anchor taken ${r.anchor.takenAt} over ${r.anchor.events} event(s) in ${r.anchor.streams} stream(s): ` +
      (r.intact ? `the log up to it is unchanged; ${r.eventsAfter} event(s) recorded since` : `${r.findings.length} finding(s)`),
    ...(r.findings.length > 0
      ? [
          '',
          table(
            ['finding', 'detail'],
            r.findings.map((f) => [f.finding, f.detail]),
          ),
        ]
      : []),
  ].join('\n');

export const renderImport = (r: ImportReport & { readonly warnings?: readonly ImportWarning[]; readonly rejectedOmitted?: number }): string =>
  [
    `${r.rows} row(s): ${r.cases.imported} case(s) ${r.dryRun ? 'would be imported (dry run)' : 'imported'}, ${r.cases.extended} extended, ${r.cases.unchanged} already there, ${r.cases.rejected} rejected; ${
      r.dryRun
        ? `${r.caseList.reduce((n, c) => n + c.events, r.caseListOmitted?.events ?? 0)} event(s) would be written, none written`
        : `${r.eventsWritten} event(s) written`
    }`,
    ...(r.rejected.length > 0
      ? [
          '',
          'rejected rows:',
          table(
            ['row', 'case', 'field', 'value', 'reason'],
            r.rejected.map((p) => [p.row, p.caseRef, p.field, p.value ?? '', p.message.split('\n')[0]]),
          ),
          ...(r.rejectedOmitted ? [`… and ${r.rejectedOmitted} more problem(s), not listed`] : []),
          ...[...new Set(r.rejected.flatMap((p) => (p.hint ? [p.hint] : [])))].map((hint) => `hint: ${hint}`),
        ]
      : []),
    ...(r.warnings && r.warnings.length > 0
      ? ['', 'warnings:', ...r.warnings.map((w) => `- ${w.message}${w.rows ? ` (rows ${w.rows.join(', ')})` : ''}`)]
      : []),
    ...(r.heldBack.length > 0
      ? ['', `${r.heldBack.length} good row(s) held back with their rejected case: rows ${r.heldBack.map((h) => h.row).join(', ')}`]
      : []),
  ].join('\n');

export const renderBackdating = (r: BackdatingReport): string =>
  [
    `${r.eventsExamined} event(s) examined${r.propertyId ? ` of property ${r.propertyId}` : ''}; ${r.eventsListed} claim a time more than ${r.thresholdMinutes} min from when they were recorded`,
    ...(r.actors.length > 0
      ? [
          '',
          table(
            ['actor', 'roles', 'events', 'imported', 'largest gap', 'total gap'],
            r.actors.map((a) => [a.actor, a.roles.join(','), a.count, a.imported, minutes(a.maxGapMinutes), minutes(a.totalGapMinutes)]),
          ),
          '',
          table(
            ['actor', 'case', 'rev', 'type', 'recorded', 'claimed', 'gap', 'imported'],
            r.actors.flatMap((a) =>
              a.events.map((e) => [
                a.actor,
                `${e.caseType} ${e.caseId}`,
                e.revision,
                e.type,
                e.recordedAt,
                e.occurredAt,
                minutes(e.gapMinutes),
                e.imported ? 'yes' : '',
              ]),
            ),
          ),
        ]
      : []),
  ].join('\n');
