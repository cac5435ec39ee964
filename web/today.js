// Today: intake by channel and category, and the load per department and technician.
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { personName } from './parts.js';

const sorted = (counts) => Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

const CountTable = ({ caption, head, rows, total }) => {
  const { t } = useI18n();
  return html`<table class="counts">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">${head}</th><th scope="col" class="num">${t('count')}</th></tr></thead>
    <tbody>${
      rows.length === 0
        ? html`<tr><td colspan="2" class="empty">${t('none')}</td></tr>`
        : rows.map(([label, n]) => html`<tr><th scope="row">${label}</th><td class="num">${n}</td></tr>`)
    }</tbody>
    ${total === undefined ? null : html`<tfoot><tr><th scope="row">${t('total')}</th><td class="num">${total}</td></tr></tfoot>`}
  </table>`;
};

export const Today = ({ dashboard }) => {
  const i18n = useI18n();
  const { t } = i18n;
  if (!dashboard) return html`<p class="loading">${t('loading')}</p>`;
  const { intake, load } = dashboard;
  const channels = sorted(intake.complaint.byChannel).map(([id, n]) => [i18n.name('channel', id), n]);
  const byCategory = (caseType) => sorted(intake[caseType].byCategory).map(([id, n]) => [i18n.category(caseType, id), n]);
  return html`<div class="today">
    <section class="panel" aria-labelledby="intake-title">
      <h2 id="intake-title">${t('today.title', { date: dashboard.today })}</h2>
      <div class="summary">
        <div class="tile"><span class="tile-label">${i18n.name('caseType', 'complaint')}</span><span class="tile-value" id="intake-complaints">${intake.complaint.total}</span></div>
        <div class="tile"><span class="tile-label">${i18n.name('caseType', 'repair')}</span><span class="tile-value" id="intake-repairs">${intake.repair.total}</span></div>
      </div>
      <div class="three">
        <${CountTable} caption=${`${i18n.name('caseType', 'complaint')} · ${t('today.byChannel')}`} head=${t('channel')} rows=${channels} total=${intake.complaint.total} />
        <${CountTable} caption=${`${i18n.name('caseType', 'complaint')} · ${t('today.byCategory')}`} head=${t('category')} rows=${byCategory('complaint')} total=${intake.complaint.total} />
        <${CountTable} caption=${`${i18n.name('caseType', 'repair')} · ${t('today.byCategory')}`} head=${t('category')} rows=${byCategory('repair')} total=${intake.repair.total} />
      </div>
    </section>
    <section class="panel" aria-labelledby="load-title">
      <h2 id="load-title">${t('today.load')}</h2>
      <div class="three">
        <${CountTable} caption=${t('today.departments')} head=${t('department')} rows=${load.departments.map((d) => [i18n.department(d.department), d.open])} />
        <${CountTable} caption=${t('today.technicians')} head=${t('technician')} rows=${load.technicians.map((x) => [personName(x.technicianId, dashboard.people), x.open])} />
        <${CountTable} caption=${t('today.unassigned')} head=${t('caseType')}
          rows=${[[i18n.name('caseType', 'complaint'), load.unassigned.complaint], [i18n.name('caseType', 'repair'), load.unassigned.repair]]} />
      </div>
    </section>
  </div>`;
};
