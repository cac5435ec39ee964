// A repair's work order (派工单), for the technician to take to the door: one printed page, A5 or
// A4, with the owner's signature line. The print stylesheet (print.css) hides everything else.
import { useEffect } from 'preact/hooks';
import { getJson, queryString } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { Problem, useLiveResource } from './parts.js';
import { formatInstant } from './time.js';

const loadOrder = async (segment, id) => {
  const view = await getJson(`/v1/${segment}/${encodeURIComponent(id)}`);
  const technicianId = view.facts?.technicianId;
  const propertyId = view.propertyId ?? view.details?.propertyId;
  // The technician's name from the directory; their id when the role cannot read it.
  const staff = technicianId ? await getJson(`/v1/staff?${queryString({ propertyId, role: 'technician' })}`).catch(() => null) : null;
  const technician = technicianId ? (staff?.people.find((p) => p.id === technicianId)?.name ?? technicianId) : null;
  return { view, technician };
};

/** The deadline the work is held to: the earliest one of its clocks still running. */
const deadlineOf = (clocks) =>
  clocks
    .filter((c) => c.deadline && !c.stoppedAt)
    .map((c) => c.deadline)
    .sort()[0] ?? null;

export const PrintOrder = ({ caseType, caseId, timeZone }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const segment = i18n.segment(caseType);
  const { data, error } = useLiveResource(() => loadOrder(segment, caseId), `${caseType}|${caseId}`, 0, 0);
  useEffect(() => {
    document.body.classList.add('printing');
    return () => document.body.classList.remove('printing');
  }, []);
  if (error) return html`<${Problem} error=${error} />`;
  if (!data) return html`<p class="loading">${t('loading')}</p>`;
  const { view, technician } = data;
  const d = view.details ?? {};
  const rows = [
    [t('print.number'), view.number ?? view.id],
    [t('case.unit'), d.unit ?? d.location ?? '—'],
    [
      t('jobs.owner'),
      [d.owner?.name, d.owner?.phone]
        .filter(Boolean)
        .map((v) => (v.erased ? t('personal.erased') : v))
        .join(' ') || '—',
    ],
    [t('category'), d.category ? i18n.category(caseType, d.category) : '—'],
    [t('case.description'), d.description ?? '—'],
    [t('deadline'), formatInstant(deadlineOf(view.clocks ?? []), i18n, timeZone)],
    [t('technician'), technician ?? '—'],
  ];
  return html`<article class="work-order" id="work-order" aria-labelledby="work-order-title">
    <div class="no-print print-actions"><button type="button" id="print-button" onClick=${() => print()}>${t('print.print')}</button>
      <a href=${`#/case/${caseType}/${encodeURIComponent(caseId)}`}>${t('print.back')}</a></div>
    <h2 id="work-order-title">${t('print.title')}</h2>
    <table class="order-table"><tbody>
      ${rows.map(([label, value]) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`)}
    </tbody></table>
    <div class="signatures">
      <p>${t('print.technicianSignature')}<span class="line"></span></p>
      <p>${t('print.ownerSignature')}<span class="line"></span></p>
      <p>${t('print.date')}<span class="line"></span></p>
    </div>
  </article>`;
};
