// Agreement: this month's KPIs against the agreement's targets; each failing figure links to its records.
import { useState } from 'preact/hooks';
import { ApiError, getJson, getToken, queryString } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { CaseLink, grouped, MetBadge, Problem, useLiveResource, yuan } from './parts.js';
import { formatInstant } from './time.js';

const percent = (share) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(share === 1 || share === 0 ? 0 : 1)}%`);
/** Which record type a failing id is, for a report without `failingCases`: the KPI's defining type, else each is tried. */
const caseTypeOf = (records, kpiId) => records.find((r) => r.kpis.includes(kpiId))?.type ?? 'any';
/** The months offered: this one and the two years before it, newest first. */
const MONTHS_OFFERED = 24;
const monthsUpTo = (current) => {
  const [year, month] = current.split('-').map(Number);
  return Array.from({ length: MONTHS_OFFERED }, (_, i) => {
    const index = year * 12 + (month - 1) - i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
};

/** The report as CSV, fetched with the bearer header (never a token in a URL) and saved under the property and month. */
const downloadCsv = async (propertyId, period) => {
  const response = await fetch(`/v1/compliance?${queryString({ propertyId, period })}`, {
    headers: { authorization: `Bearer ${getToken()}`, accept: 'text/csv' },
  });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({ title: response.statusText })));
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `compliance-${propertyId}-${period}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};
const FAILING_SHOWN = 12;
const comparators = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '=': '=' };

/** Numerator / denominator in what they count: yuan for fen, else numbers with their unit ("360 / 1,200 户"). */
const amounts = (kpi, i18n) => {
  if (kpi.measure === 'fen') return `${yuan(kpi.numerator)} / ${yuan(kpi.denominator)}`;
  const unit = kpi.measure ? i18n.name(kpi.denominator === 1 ? 'measureOne' : 'measure', kpi.measure) : '';
  return `${grouped(kpi.numerator)} / ${grouped(kpi.denominator)}${unit ? ` ${unit}` : ''}`;
};

/**
 * The target; activity.count's is the activities each month needs and the share of months that
 * must have them ("每月 ≥ 1 次 · 100% 的月份"), the share without its "≥" as it reads.
 */
const targetText = (kpi, t) => {
  const target = `${comparators[kpi.comparator] ?? kpi.comparator} ${percent(kpi.target)}`;
  if (kpi.perMonth === undefined) return target;
  return t('agreement.perMonth', { count: kpi.perMonth, share: kpi.comparator === '>=' ? percent(kpi.target) : target });
};

/** The failing records as links to their pages; activity.count's failing ids are months, which have no page. */
const FailingCases = ({ kpi }) => {
  const [all, setAll] = useState(false);
  const i18n = useI18n();
  const { t } = i18n;
  const ids = kpi.failingCaseIds;
  if (ids.length === 0) return html`<span class="empty">—</span>`;
  const shown = all ? ids : ids.slice(0, FAILING_SHOWN);
  const typed = new Map((kpi.failingCases ?? []).map((c) => [c.caseId, c]));
  const item =
    kpi.measure === 'months'
      ? (id) => html`<li><time class="month" datetime=${id}>${i18n.month(id)}</time></li>`
      : (id) =>
          html`<li><${CaseLink} caseType=${typed.get(id)?.caseType ?? caseTypeOf(i18n.records, kpi.id)} caseId=${id} number=${typed.get(id)?.number} /></li>`;
  return html`<ul class="failing" aria-label=${t('agreement.failing')}>
    ${shown.map(item)}
    ${ids.length > shown.length ? html`<li><button type="button" onClick=${() => setAll(true)}>${t('showMore', { count: ids.length - shown.length })}</button></li>` : null}
  </ul>`;
};

export const Agreement = ({ propertyId, property, today, timeZone, version }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const [chosen, setPeriod] = useState(null);
  const [csvError, setCsvError] = useState(null);
  // This month by the server's clock (the dashboard's local date), until another month is chosen.
  const period = chosen ?? (today ? today.slice(0, 7) : null);
  const { data: report, error } = useLiveResource(
    () => (period ? getJson(`/v1/compliance?${queryString({ propertyId, period })}`) : Promise.resolve(null)),
    `${propertyId}|${period}`,
    version,
    3000,
  );
  return html`<section class="panel agreement" aria-labelledby="agreement-title">
    <h2 id="agreement-title">${period ? t('agreement.titleOf', { month: i18n.month(period) }) : t('agreement.title')} · ${property?.agreement?.name ?? ''}</h2>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>${t('agreement.period')}
        <select id="agreement-period" value=${period ?? ''} onChange=${(e) => e.currentTarget.value && setPeriod(e.currentTarget.value)}>
          ${(today ? monthsUpTo(today.slice(0, 7)) : []).map((m) => html`<option value=${m} selected=${m === period}>${i18n.month(m)}</option>`)}
          ${period && today && !monthsUpTo(today.slice(0, 7)).includes(period) ? html`<option value=${period} selected>${i18n.month(period)}</option>` : null}
        </select></label>
      <button type="button" id="agreement-csv" disabled=${!period}
        onClick=${() => {
          setCsvError(null);
          downloadCsv(propertyId, period).catch(setCsvError);
        }}>${t('agreement.csv')}</button>
    </form>
    ${csvError ? html`<${Problem} error=${csvError} />` : null}
    ${error ? (error.status === 403 ? html`<p class="problem" role="alert">${t('agreement.forbidden')}</p>` : html`<${Problem} error=${error} />`) : null}
    ${
      !report
        ? error
          ? null
          : html`<p class="loading">${t('loading')}</p>`
        : html`
      <div class="scroll" tabindex="0" role="region" aria-labelledby="agreement-title"><table id="kpis" class="kpis cards">
        <thead><tr>
          <th scope="col">${t('agreement.kpi')}</th><th scope="col" class="num">${t('agreement.target')}</th><th scope="col" class="num">${t('agreement.value')}</th>
          <th scope="col" class="num">${t('agreement.ratio')}</th><th scope="col" class="num">${t('agreement.pending')}</th>
          <th scope="col">${t('agreement.result')}</th><th scope="col">${t('agreement.failing')}</th>
        </tr></thead>
        <tbody>${report.kpis.map(
          (kpi) => html`<tr class=${kpi.met === false ? 'kpi-failing' : ''} data-kpi=${kpi.id}>
          <th scope="row">${i18n.name('kpi', kpi.id)}</th>
          <td class="num target" data-label=${t('agreement.target')}>${targetText(kpi, t)}</td>
          <td class="num" data-label=${t('agreement.value')}><strong>${percent(kpi.value)}</strong></td>
          <td class="num ratio" data-label=${t('agreement.ratio')}>${amounts(kpi, i18n)}</td>
          <td class="num" data-label=${t('agreement.pending')}>${kpi.pending}</td>
          <td data-label=${t('agreement.result')}><${MetBadge} met=${kpi.met} /></td>
          <td class="card-wide" data-label=${t('agreement.failing')}><${FailingCases} kpi=${kpi} /></td>
        </tr>`,
        )}</tbody>
      </table></div>
      <p class="meta">${t('agreement.meta', {
        agreement: report.agreement.id,
        version: report.agreement.version.replace(/^sha256:/, '').slice(0, 10),
        ruleset: report.rulesetVersion.replace(/^sha256:/, '').slice(0, 10),
        asOf: formatInstant(report.asOf, i18n, timeZone, true),
      })}</p>`
    }
  </section>`;
};
