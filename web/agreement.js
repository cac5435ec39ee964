// Agreement: this month's KPIs against the agreement's targets; each failing figure links to its cases.
import { useState } from 'preact/hooks';
import { getJson, queryString } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { CaseLink, MetBadge, Problem, useLiveResource } from './parts.js';
import { formatInstant } from './time.js';

const percent = (share) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(share === 1 || share === 0 ? 0 : 1)}%`);
/** Which case type a KPI's cases are: the callback and satisfaction KPIs count both. */
const caseTypeOf = (kpiId) => (kpiId.startsWith('complaint.') ? 'complaint' : kpiId.startsWith('repair.') ? 'repair' : 'any');
const FAILING_SHOWN = 12;
const comparators = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '=': '=' };

const FailingCases = ({ kpi }) => {
  const [all, setAll] = useState(false);
  const { t } = useI18n();
  const ids = kpi.failingCaseIds;
  if (ids.length === 0) return html`<span class="empty">—</span>`;
  const shown = all ? ids : ids.slice(0, FAILING_SHOWN);
  return html`<ul class="failing" aria-label=${t('agreement.failing')}>
    ${shown.map((id) => html`<li><${CaseLink} caseType=${caseTypeOf(kpi.id)} caseId=${id} /></li>`)}
    ${ids.length > shown.length ? html`<li><button type="button" onClick=${() => setAll(true)}>${t('showMore', { count: ids.length - shown.length })}</button></li>` : null}
  </ul>`;
};

export const Agreement = ({ propertyId, property, today, timeZone, version }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const [chosen, setPeriod] = useState(null);
  // This month by the server's clock (the dashboard's local date), until another month is chosen.
  const period = chosen ?? (today ? today.slice(0, 7) : null);
  const { data: report, error } = useLiveResource(
    () => (period ? getJson(`/v1/compliance?${queryString({ propertyId, period })}`) : Promise.resolve(null)),
    `${propertyId}|${period}`, version, 3000,
  );
  return html`<section class="panel agreement" aria-labelledby="agreement-title">
    <h2 id="agreement-title">${t('agreement.title')} · ${property?.agreement?.name ?? ''}</h2>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>${t('agreement.period')}
        <input id="agreement-period" type="month" value=${period ?? ''} onChange=${(e) => e.currentTarget.value && setPeriod(e.currentTarget.value)} /></label>
    </form>
    ${error ? (error.status === 403 ? html`<p class="problem" role="alert">${t('agreement.forbidden')}</p>` : html`<${Problem} error=${error} />`) : null}
    ${!report ? (error ? null : html`<p class="loading">${t('loading')}</p>`) : html`
      <div class="scroll"><table id="kpis" class="kpis">
        <thead><tr>
          <th scope="col">${t('agreement.kpi')}</th><th scope="col" class="num">${t('agreement.target')}</th><th scope="col" class="num">${t('agreement.value')}</th>
          <th scope="col" class="num">${t('agreement.ratio')}</th><th scope="col" class="num">${t('agreement.pending')}</th>
          <th scope="col">${t('agreement.result')}</th><th scope="col">${t('agreement.failing')}</th>
        </tr></thead>
        <tbody>${report.kpis.map((kpi) => html`<tr class=${kpi.met === false ? 'kpi-failing' : ''} data-kpi=${kpi.id}>
          <th scope="row">${i18n.name('kpi', kpi.id)}</th>
          <td class="num">${comparators[kpi.comparator] ?? kpi.comparator} ${percent(kpi.target)}</td>
          <td class="num"><strong>${percent(kpi.value)}</strong></td>
          <td class="num">${kpi.numerator} / ${kpi.denominator}</td>
          <td class="num">${kpi.pending}</td>
          <td><${MetBadge} met=${kpi.met} /></td>
          <td><${FailingCases} kpi=${kpi} /></td>
        </tr>`)}</tbody>
      </table></div>
      <p class="meta">${t('agreement.meta', {
        agreement: report.agreement.id, version: report.agreement.version.replace(/^sha256:/, '').slice(0, 10),
        ruleset: report.rulesetVersion.replace(/^sha256:/, '').slice(0, 10), asOf: formatInstant(report.asOf, i18n, timeZone, true),
      })}</p>`}
  </section>`;
};
