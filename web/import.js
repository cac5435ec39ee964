// Historical import (the administrator's): an old system's export sent as it is, tried first (nothing
// written), then imported; the report names each refused row by its row, record, column and value.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, OfflineError, postFileWithProgress, queryString } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { grouped } from './parts.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Problems listed at once; a file with more shows the first and counts the rest. */
const PROBLEMS_SHOWN = 200;
/** Whole-file refusals the page explains in its language; another shows its code and the server's sentence. */
const EXPLAINED = ['BODY_TOO_LARGE', 'UNSUPPORTED_ENCODING', 'INVALID_COMMAND', 'FORBIDDEN'];
const megabytes = (bytes) => grouped(Math.ceil(bytes / 1024 / 1024));
const isXlsx = (name) => name.toLowerCase().endsWith('.xlsx');
/** An encoding by its name, GB18030 with the page's word on what it covers (GBK, GB2312: an office's CSV). */
const encodingLabel = (encoding, t) => (encoding === 'gb18030' ? t('import.encoding.gb18030') : encoding.toUpperCase());

/** The type the file is sent as, by its name: the server reads CSV and JSON lines in the declared charset. */
const contentTypeOf = (name, encoding) => {
  const lower = name.toLowerCase();
  if (lower.endsWith('.xlsx')) return XLSX_TYPE;
  // Declared, so that the server refuses a JSON array in another encoding than UTF-8 rather than misread it.
  if (lower.endsWith('.json')) return `application/json; charset=${encoding}`;
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return `application/x-ndjson; charset=${encoding}`;
  return `text/csv; charset=${encoding}`;
};

/** The events a dry run would write: each listed record's, and those counted past the list. */
const eventsDecided = (report) => report.caseList.reduce((n, c) => n + c.events, report.caseListOmitted?.events ?? 0);

/** A problem's code in the page's language, the server's sentence beside it (in English, marked so). */
const ProblemText = ({ problem }) => {
  const { t } = useI18n();
  const key = `import.code.${problem.code}`;
  // A code the page has no words for comes back as its key: the code is shown as the server gave it.
  const label = problem.code === undefined ? undefined : t(key) === key ? problem.code : t(key);
  return html`${label ? html`<strong>${label}</strong> ` : null}
    <span lang="en" class="muted">${problem.message}</span>${problem.hint ? html` <span lang="en" class="muted">(${problem.hint})</span>` : null}`;
};

const Warnings = ({ warnings }) => {
  const { t } = useI18n();
  if (warnings.length === 0) return null;
  return html`<ul id="import-warnings" class="warnings" aria-label=${t('import.warnings')}>
    ${warnings.map(
      (w) => html`<li>${t(`import.warning.${w.code}`, { columns: (w.columns ?? []).join('、'), count: grouped(w.rows?.length ?? 0) })}
        ${w.rows?.length ? html` <span class="muted">${t('import.rows', { rows: w.rows.slice(0, 20).join(', ') + (w.rows.length > 20 ? ' …' : '') })}</span>` : null}</li>`,
    )}
  </ul>`;
};

/** Rows refused: each row with a problem once (a row may have several), those past the list counted as more. */
const refusedRows = (report) => `${grouped(new Set(report.rejected.map((p) => p.row)).size)}${report.rejectedOmitted ? '+' : ''}`;

const Report = ({ report, headingRef }) => {
  const { t } = useI18n();
  const { cases } = report;
  const shown = report.rejected.slice(0, PROBLEMS_SHOWN);
  const more = report.rejected.length - shown.length + (report.rejectedOmitted ?? 0);
  return html`<section class="import-report" aria-labelledby="import-result-title">
    <h3 id="import-result-title" tabindex="-1" ref=${headingRef}>${t(report.dryRun ? 'import.dryResult' : 'import.result')}</h3>
    <p id="import-summary">${t(report.dryRun ? 'import.dryCounts' : 'import.counts', {
      rows: grouped(report.rows),
      imported: grouped(cases.imported),
      extended: grouped(cases.extended),
      unchanged: grouped(cases.unchanged),
      rejected: refusedRows(report),
      events: grouped(report.dryRun ? eventsDecided(report) : report.eventsWritten),
    })}</p>
    <${Warnings} warnings=${report.warnings ?? []} />
    ${
      report.rejected.length === 0
        ? html`<p class="muted" id="import-no-problems">${t('import.noProblems')}</p>`
        : html`<div class="scroll" tabindex="0" role="region" aria-labelledby="import-problems-title">
      <h4 id="import-problems-title">${t('import.problems')}</h4>
      <table id="import-problems" class="cards">
        <thead><tr>
          <th scope="col">${t('import.row')}</th><th scope="col">${t('import.record')}</th><th scope="col">${t('import.column')}</th>
          <th scope="col">${t('import.value')}</th><th scope="col">${t('import.problem')}</th>
        </tr></thead>
        <tbody>${shown.map(
          (p) => html`<tr>
          <th scope="row" class="card-title">${t('import.rowNumber', { row: p.row })}</th>
          <td data-label=${t('import.record')}>${p.caseRef ?? '—'}</td>
          <td data-label=${t('import.column')}><code>${p.field}</code></td>
          <td data-label=${t('import.value')}>${p.value === undefined || p.value === '' ? '—' : p.value}</td>
          <td class="card-wide" data-label=${t('import.problem')}><${ProblemText} problem=${p} /></td>
        </tr>`,
        )}</tbody>
      </table></div>
      ${more > 0 ? html`<p class="muted" id="import-more">${t('import.more', { count: grouped(more) })}</p>` : null}`
    }
  </section>`;
};

/** Which of the page's words explain the server's refusal. */
const refusalKey = (error, code, encoding) => {
  // GBK bytes sent as UTF-8: the export is an office's, and GB18030 reads it.
  if (code === 'INVALID_COMMAND' && /not valid/.test(error.message) && encoding === 'utf-8') return 'import.refused.encoding';
  if (EXPLAINED.includes(code)) return `import.refused.${code}`;
  if (error.status < 500) return 'import.refused';
  // An import the server stopped midway says what it wrote before, and where it stopped.
  if (!error.problem?.written) return 'import.interrupted';
  return error.problem.stoppedAt ? 'import.stoppedAt' : 'import.stopped';
};

/** The server's refusal as the page shows it: its words, their values, and the server's own code and sentence. */
const refusalOf = (error, encoding, session) => {
  const code = error.problem?.code ?? String(error.status);
  const { written, stoppedAt } = error.problem ?? {};
  const values = {
    limit: megabytes(session.imports?.maxBytes ?? 0),
    ...(written ? { records: grouped(written.records), events: grouped(written.events) } : {}),
    ...(stoppedAt ? { row: stoppedAt.row, caseRef: stoppedAt.caseRef } : {}),
  };
  return { key: refusalKey(error, code, encoding), values, server: { code, message: error.message } };
};

/** A refusal of the whole file: what it means in the page's language, the server's sentence beside it. */
const Refusal = ({ refusal, alertRef }) => {
  const { t } = useI18n();
  return html`<div class="problem" role="alert" id="import-problem" tabindex="-1" ref=${alertRef}>
    <p>${refusal.key ? t(refusal.key, refusal.values ?? {}) : null}</p>
    ${refusal.server ? html`<p class="muted"><code>${refusal.server.code}</code> <span lang="en">${refusal.server.message}</span></p>` : null}
  </div>`;
};

/** The administrator's import page: a file, how to read it, a try and an import. */
export const Import = ({ session }) => {
  const { t } = useI18n();
  const fileInput = useRef(null);
  const heading = useRef(null);
  const alert = useRef(null);
  const [settings, setSettings] = useState({ format: 'summary', encoding: 'utf-8', timeZone: 'property', strict: false });
  const [fileName, setFileName] = useState('');
  const [busy, setBusy] = useState(null);
  /** The records done of the file's, as the server tells them while it imports. */
  const [progress, setProgress] = useState(null);
  const [report, setReport] = useState(null);
  const [refusal, setRefusal] = useState(null);
  // Once an answer is drawn, focus goes to it: the buttons were disabled meanwhile and held none.
  useEffect(() => {
    if (busy) return;
    if (refusal) alert.current?.focus();
    else if (report) heading.current?.focus();
  }, [busy, report, refusal]);
  const set = (name) => (event) => {
    const { type, checked, value } = event.currentTarget;
    setSettings((s) => ({ ...s, [name]: type === 'checkbox' ? checked : value }));
  };
  const run = async (dryRun) => {
    const file = fileInput.current?.files?.[0];
    setReport(null);
    if (!file) {
      setRefusal({ key: 'import.chooseFile' });
      return;
    }
    // The route's body limit, from the session: a larger file is for `npm run import` on the server's machine.
    const limit = session.imports?.maxBytes;
    if (limit !== undefined && file.size > limit) {
      setRefusal({ key: 'import.tooLarge', values: { size: megabytes(file.size), limit: megabytes(limit) } });
      return;
    }
    setBusy(dryRun ? 'dry' : 'import');
    setRefusal(null);
    const query = queryString({
      format: settings.format,
      timeZone: settings.timeZone || undefined,
      strict: settings.strict ? 'true' : undefined,
      dryRun: dryRun ? 'true' : undefined,
    });
    try {
      setReport(await postFileWithProgress(`/v1/admin/import?${query}`, file, contentTypeOf(file.name, settings.encoding), { onProgress: setProgress }));
    } catch (error) {
      if (error instanceof OfflineError) setRefusal({ key: error.midway ? 'import.lost' : 'import.offline' });
      else if (error instanceof ApiError) setRefusal(refusalOf(error, settings.encoding, session));
      else setRefusal({ key: 'import.failed', server: { code: 'error', message: error.message } });
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };
  const xlsx = isXlsx(fileName);
  return html`<section class="import" aria-labelledby="import-title">
    <h2 id="import-title">${t('import.title')}</h2>
    <p class="muted">${t('import.intro')}</p>
    <form class="desk-form" id="import-form" onSubmit=${(e) => e.preventDefault()} aria-labelledby="import-title">
      <div class="fields">
        <div class="field"><label for="import-file">${t('import.file')}</label>
          <input id="import-file" type="file" ref=${fileInput} accept=".csv,.txt,.jsonl,.ndjson,.json,.xlsx" aria-describedby="import-file-hint"
            onChange=${(e) => setFileName(e.currentTarget.files?.[0]?.name ?? '')} />
          <span class="muted" id="import-file-hint">${t('import.fileHint')}</span></div>
        <div class="field"><label for="import-format">${t('import.format')}</label>
          <select id="import-format" value=${settings.format} onChange=${set('format')}>
            ${(session.imports?.shapes ?? ['summary', 'events']).map((shape) => html`<option value=${shape}>${t(`import.format.${shape}`)}</option>`)}
          </select></div>
        <div class="field"><label for="import-encoding">${t('import.encoding')}</label>
          <select id="import-encoding" value=${settings.encoding} onChange=${set('encoding')} disabled=${xlsx} aria-describedby=${xlsx ? 'import-encoding-hint' : undefined}>
            ${(session.imports?.encodings ?? ['utf-8']).map((encoding) => html`<option value=${encoding}>${encodingLabel(encoding, t)}</option>`)}
          </select>
          ${xlsx ? html`<span class="muted" id="import-encoding-hint">${t('import.encoding.xlsx')}</span>` : null}</div>
        <div class="field"><label for="import-zone">${t('import.timeZone')}</label>
          <select id="import-zone" value=${settings.timeZone} onChange=${set('timeZone')}>
            <option value="property">${t('import.timeZone.property')}</option>
            <option value="">${t('import.timeZone.none')}</option>
          </select></div>
      </div>
      <p><label><input type="checkbox" id="import-strict" checked=${settings.strict} onChange=${set('strict')} /> ${t('import.strict')}</label></p>
      <div class="form-actions">
        <button type="button" id="import-dry" disabled=${busy !== null} onClick=${() => run(true)}>${busy === 'dry' ? t('import.busy') : t('import.dry')}</button>
        <button type="button" id="import-run" disabled=${busy !== null} onClick=${() => run(false)}>${busy === 'import' ? t('import.busy') : t('import.run')}</button>
      </div>
    </form>
    <p role="status" id="import-status" class="muted">${
      busy
        ? t(progress ? (busy === 'dry' ? 'import.checkingRecords' : 'import.writingRecords') : 'import.working')
        : report
          ? t(report.dryRun ? 'import.dryDone' : 'import.done')
          : ''
    }</p>
    ${
      busy && progress
        ? html`<p class="import-progress"><progress id="import-progress" max=${Math.max(progress.of, 1)} value=${progress.records} aria-labelledby="import-progress-text"></progress>
          <span id="import-progress-text">${t(busy === 'dry' ? 'import.progressDry' : 'import.progress', { records: grouped(progress.records), of: grouped(progress.of) })}</span></p>`
        : null
    }
    ${refusal ? html`<${Refusal} refusal=${refusal} alertRef=${alert} />` : null}
    ${report ? html`<${Report} report=${report} headingRef=${heading} />` : null}
  </section>`;
};
