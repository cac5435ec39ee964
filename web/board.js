// The SLA board: open cases by state, and the clocks at risk and missed with live countdowns.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { CaseLink, Countdown, personName, StatusBadge } from './parts.js';
import { formatDeadline } from './time.js';

const ROWS = 50;
/** The most clocks the server lists in one dashboard. */
const MAX_LIMIT = 1000;

/** Filters of the dashboard: property, building, category, department, technician. */
export const FilterBar = ({ session, propertyId, onProperty, filters, onFilters, dashboard }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const set = (name) => (event) => onFilters({ ...filters, [name]: event.currentTarget.value.trim() || undefined });
  const buildings = new Set();
  for (const alert of [...(dashboard?.atRisk.items ?? []), ...(dashboard?.missed.items ?? [])]) if (alert.building) buildings.add(alert.building);
  const technicians = (dashboard?.load.technicians ?? []).map((x) => x.technicianId);
  const active = Object.values(filters).some((v) => v !== undefined);
  const categories = session.categories;
  return html`<form class="filters" aria-label=${t('filters')} onSubmit=${(e) => e.preventDefault()}>
    <label>${t('property')}
      <select id="filter-property" value=${propertyId} onChange=${(e) => onProperty(e.currentTarget.value)}>
        ${session.properties.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
      </select></label>
    <label>${t('building')}
      <input id="filter-building" list="building-options" value=${filters.building ?? ''} onChange=${set('building')} size="8" />
      <datalist id="building-options">${[...buildings].sort().map((b) => html`<option value=${b} />`)}</datalist></label>
    <label>${t('category')}
      <select id="filter-category" value=${filters.category ?? ''} onChange=${set('category')}>
        <option value="">${t('all')}</option>
        <optgroup label=${i18n.name('caseType', 'complaint')}>${categories.complaint.map((c) => html`<option value=${c.id}>${c[i18n.lang]}</option>`)}</optgroup>
        <optgroup label=${i18n.name('caseType', 'repair')}>${categories.repair.filter((c) => !categories.complaint.some((x) => x.id === c.id)).map((c) => html`<option value=${c.id}>${c[i18n.lang]}</option>`)}</optgroup>
        ${categories.visit?.length ? html`<optgroup label=${i18n.name('caseType', 'visit')}>${categories.visit.filter((c) => ![...categories.complaint, ...categories.repair].some((x) => x.id === c.id)).map((c) => html`<option value=${c.id}>${c[i18n.lang]}</option>`)}</optgroup>` : null}
      </select></label>
    <label>${t('department')}
      <select id="filter-department" value=${filters.department ?? ''} onChange=${set('department')}>
        <option value="">${t('all')}</option>
        ${categories.departments.map((d) => html`<option value=${d.id}>${d[i18n.lang]}</option>`)}
      </select></label>
    <label>${t('technician')}
      <input id="filter-technician" list="technician-options" value=${filters.technicianId ?? ''} onChange=${set('technicianId')} size="10" />
      <datalist id="technician-options">${technicians.map((x) => html`<option value=${x} label=${dashboard?.people?.[x] ?? x} />`)}</datalist></label>
    ${active ? html`<button type="button" onClick=${() => onFilters({})}>${t('clearFilters')}</button>` : null}
  </form>`;
};

const StateTable = ({ caseType, open }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const rows = Object.entries(open.byState);
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return html`<table class="states">
    <caption>${i18n.name('caseType', caseType)} · ${t('total')} <strong>${open.total}</strong></caption>
    <thead><tr><th scope="col">${t('state')}</th><th scope="col" class="num">${t('count')}</th><th scope="col"><span class="sr-only">${t('count')}</span></th></tr></thead>
    <tbody>
      ${
        rows.length === 0
          ? html`<tr><td colspan="3" class="empty">${t('none')}</td></tr>`
          : rows.map(
              ([state, n]) => html`<tr>
        <th scope="row">${i18n.name('state', state)}</th><td class="num">${n}</td>
        <td class="bar-cell" aria-hidden="true"><span class="bar" style=${`width:${Math.round((n / max) * 100)}%`}></span></td></tr>`,
            )
      }
    </tbody></table>`;
};

const AlertRow = ({ alert, timeZone, people }) => {
  const i18n = useI18n();
  const { t } = i18n;
  return html`<tr class=${`alert alert-${alert.status}`} data-case=${alert.caseId}>
    <td class="card-title"><${CaseLink} caseType=${alert.caseType} caseId=${alert.caseId} number=${alert.number ?? undefined} /></td>
    <td data-label=${t('deadline')}><time datetime=${alert.deadline}>${formatDeadline(alert.deadline, i18n, timeZone)}</time></td>
    <td class="num" data-label=${t('remaining')}><${Countdown} deadline=${alert.deadline} /></td>
    <td><${StatusBadge} status=${alert.status} /></td>
    <td data-label=${t('clock')}>${i18n.name('clock', alert.clock)}</td>
    <td data-label=${t('state')}>${i18n.name('state', alert.state)}</td>
    <td data-label=${t('place')}>${alert.place ?? alert.building ?? '—'}</td>
    <td data-label=${t('category')}>${i18n.category(alert.caseType, alert.category)}</td>
    <td data-label=${t('assignee')}>${alert.department ? i18n.department(alert.department) : personName(alert.technicianId, people)}</td>
  </tr>`;
};

/**
 * One list of clocks. The server sends the first `limit` of `total`; the page draws ROWS of them
 * and "show more" draws more, asking the server for a longer list once the drawn rows reach it.
 */
const AlertTable = ({ id, title, list, timeZone, people, limit, onLimit }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const [rows, setRows] = useState(ROWS);
  const shown = list.items.slice(0, rows);
  const more = list.total - shown.length;
  const showMore = () => {
    const next = rows + ROWS * 4;
    setRows(next);
    if (next > list.items.length && list.items.length < list.total && limit < MAX_LIMIT) onLimit(Math.min(MAX_LIMIT, Math.max(next, limit * 2)));
  };
  const canShowMore = shown.length < list.items.length || (list.items.length < list.total && limit < MAX_LIMIT);
  return html`<section class="panel" aria-labelledby=${`${id}-title`}>
    <h2 id=${`${id}-title`}>${title} <span class="count" id=${`${id}-total`}>${list.total}</span></h2>
    ${
      list.total === 0
        ? html`<p class="empty">${t('none')}</p>`
        : html`<div class="scroll" tabindex="0" role="region" aria-labelledby=${`${id}-title`}><table id=${id} class="alerts cards">
      <thead><tr>
        <th scope="col">${t('case')}</th><th scope="col">${t('deadline')}</th><th scope="col" class="num">${t('remaining')}</th>
        <th scope="col">${t('status')}</th><th scope="col">${t('clock')}</th><th scope="col">${t('state')}</th>
        <th scope="col">${t('place')}</th><th scope="col">${t('category')}</th><th scope="col">${t('assignee')}</th>
      </tr></thead>
      <tbody>${shown.map((alert) => html`<${AlertRow} key=${`${alert.caseType}/${alert.caseId}/${alert.clock}`} alert=${alert} timeZone=${timeZone} people=${people} />`)}</tbody>
    </table></div>
    ${
      more > 0
        ? html`<p class="more"><span>${t('showing', { shown: shown.length, total: list.total })}</span>
      ${canShowMore ? html`<button type="button" onClick=${showMore}>${t('showMore', { count: more })}</button>` : html`<span>${t('narrow')}</span>`}</p>`
        : null
    }`
    }
  </section>`;
};

let firstRenderMarked = false;

export const Board = ({ dashboard, limit, onLimit }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const root = useRef(null);
  useEffect(() => {
    // The first board drawn with data: measured from navigation start (docs/dashboard.md).
    if (firstRenderMarked || !dashboard) return;
    firstRenderMarked = true;
    performance.mark('dashboard:board-rendered');
    performance.measure('dashboard:first-render', { start: 0, end: 'dashboard:board-rendered' });
    root.current?.setAttribute('data-first-render', 'done');
  }, [dashboard]);
  if (!dashboard) return html`<p class="loading">${t('loading')}</p>`;
  const { open, atRisk, missed, timeZone } = dashboard;
  return html`<div class="board" ref=${root}>
    <section class="summary" aria-label=${t('nav.board')}>
      <div class="tile"><span class="tile-label">${t('openComplaints')}</span><span class="tile-value" id="open-complaints">${open.complaint.total}</span></div>
      <div class="tile"><span class="tile-label">${t('openRepairs')}</span><span class="tile-value" id="open-repairs">${open.repair.total}</span></div>
      <div class="tile tile-at_risk"><span class="tile-label"><span aria-hidden="true">⚠ </span>${t('atRisk')}</span><span class="tile-value" id="at-risk-count">${atRisk.total}</span></div>
      <div class="tile tile-missed"><span class="tile-label"><span aria-hidden="true">✕ </span>${t('missed')}</span><span class="tile-value" id="missed-count">${missed.total}</span></div>
    </section>
    <section class="panel" aria-labelledby="by-state-title">
      <h2 id="by-state-title">${t('openByState')}</h2>
      <div class="two">
        <${StateTable} caseType="complaint" open=${open.complaint} />
        <${StateTable} caseType="repair" open=${open.repair} />
      </div>
    </section>
    <${AlertTable} id="missed" title=${t('missedList')} list=${missed} timeZone=${timeZone} people=${dashboard.people} limit=${limit} onLimit=${onLimit} />
    <${AlertTable} id="at-risk" title=${t('atRiskList')} list=${atRisk} timeZone=${timeZone} people=${dashboard.people} limit=${limit} onLimit=${onLimit} />
  </div>`;
};
