// Small shared pieces: status badges (text, not colour alone), countdowns, case links, amounts, capped lists.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { formatDuration, useServerNow } from './time.js';

const icons = { missed: '✕', at_risk: '⚠', met: '✓', running: '●', paused: '❚❚', ended: '–', not_started: '○', undetermined: '?' };

/** A clock status as an icon and a word; the colour only repeats what the text says. */
export const StatusBadge = ({ status }) => {
  const i18n = useI18n();
  return html`<span class=${`badge badge-${status}`}><span aria-hidden="true">${icons[status] ?? ''} </span>${i18n.name('clockStatus', status)}</span>`;
};

export const MetBadge = ({ met }) => {
  const { t } = useI18n();
  if (met === null || met === undefined) return html`<span class="badge badge-ended">${t('agreement.noData')}</span>`;
  return met
    ? html`<span class="badge badge-met"><span aria-hidden="true">✓ </span>${t('agreement.met')}</span>`
    : html`<span class="badge badge-missed"><span aria-hidden="true">✕ </span>${t('agreement.notMet')}</span>`;
};

/** Time left until `deadline`, counting every second; "overdue …" once it has passed. */
export const Countdown = ({ deadline }) => {
  const i18n = useI18n();
  const now = useServerNow();
  const left = Date.parse(deadline) - now;
  return left >= 0
    ? html`<span class="countdown">${formatDuration(left, i18n)}</span>`
    : html`<span class="countdown overdue">${i18n.t('overdueBy', { time: formatDuration(left, i18n) })}</span>`;
};

/** A whole number with thousands separators, "1,200" (the same in both languages). */
export const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** An amount in fen as yuan with two decimals, "¥1,234.50": split from the integer fen, as the API keeps money, never through a float yuan. */
export const yuan = (fen) => {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}¥${grouped(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
};

/**
 * A refusal under its field: what was wrong in the page's language (from the schema's issue code;
 * `lead` when the page knows better, e.g. how the property numbers its units), then the server's own
 * sentence, which is English.
 */
export const FieldRefusal = ({ id, refusal, lead }) => {
  const i18n = useI18n();
  const words = lead ?? (i18n.has(`refusal.${refusal.issue}`) ? i18n.t(`refusal.${refusal.issue}`) : i18n.t('register.fieldRefused'));
  const server = i18n.lang === 'en' ? `: ${refusal.message}` : html` <span lang="en">(${refusal.message})</span>`;
  return html`<p class="field-error" id=${id} role="alert">${words}${refusal.message ? server : null}</p>`;
};

/** A person the figures name by id, by their name in the directory when the server gave it. */
export const personName = (id, people) => (id ? (people?.[id] ?? id) : '—');

export const caseHref = (caseType, caseId) => `#/case/${caseType}/${encodeURIComponent(caseId)}`;

/** A link to a record's page, named by its type; 'any' (a complaint or a repair) is left unnamed. */
export const CaseLink = ({ caseType, caseId, number }) => {
  const i18n = useI18n();
  const label = caseType === 'any' ? '' : i18n.name('caseType', caseType);
  // A long id is shown by its last 8 characters: the API mints time-ordered UUIDs (v7), whose first
  // characters are the time and the same for every record made in the same minute. Shorter ids
  // (imports, tests) are shown whole; the full id is the link's title.
  // A work-order number, when known, is how the desk and the owner name the record.
  const shown = number ?? (caseId.length > 12 ? `…${caseId.slice(-8)}` : caseId);
  return html`<a class="case-link" href=${caseHref(caseType, caseId)} title=${caseId}>${label} <code>${shown}</code></a>`;
};

export const Problem = ({ error }) => {
  const { t } = useI18n();
  return html`<p class="problem" role="alert">${t('error.generic', { message: error?.message ?? String(error) })}</p>`;
};

/**
 * Data that follows the live dashboard: loaded when `key` changes, and again on each dashboard
 * update (`version`), at most once per `minIntervalMs`.
 */
export const useLiveResource = (load, key, version, minIntervalMs = 2000) => {
  const [state, setState] = useState({ key: null, data: null, error: null });
  const last = useRef({ key: null, at: 0 });
  useEffect(() => {
    let cancelled = false;
    const run = async () => {
      last.current = { key, at: Date.now() };
      try {
        const data = await load();
        if (!cancelled) setState({ key, data, error: null });
      } catch (error) {
        if (!cancelled) setState((s) => ({ key, data: s.key === key ? s.data : null, error }));
      }
    };
    const wait = last.current.key === key ? last.current.at + minIntervalMs - Date.now() : 0;
    let timer;
    if (wait > 0) timer = setTimeout(run, wait);
    else run();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, version]);
  return state.key === key ? state : { key, data: null, error: null };
};
