// A technician's jobs on a phone: the repairs dispatched to them, nearest deadline first, each with
// its actions as large buttons and the owner's phone as a link that calls.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Actions } from './actions.js';
import { getJson, queryString } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { caseHref, Problem, useLiveResource } from './parts.js';
import { formatDeadline } from './time.js';

/** States in which a repair's work is done or no longer the technician's. */
const DONE = new Set(['completed', 'verified', 'called_back', 'closed', 'cancelled']);

/**
 * A technician reads no dashboard stream, so the list is read again this often while the page is in
 * front, and at once when it comes back to the front (the phone taken out of a pocket).
 */
const REFRESH_MS = 30_000;

/** A number that grows at each refresh: every REFRESH_MS while visible, and on becoming visible. */
const useRefreshTick = () => {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const bump = () => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    };
    const timer = setInterval(bump, REFRESH_MS);
    document.addEventListener('visibilitychange', bump);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', bump);
    };
  }, []);
  return tick;
};

/** The work-order numbers of jobs that arrived since the list was first read, to be announced. */
const useArrivals = (data) => {
  const seen = useRef(null);
  const [arrived, setArrived] = useState([]);
  useEffect(() => {
    if (!data) return;
    const ids = data.map(({ item }) => item.id);
    if (seen.current) {
      const fresh = data.filter(({ item }) => !seen.current.has(item.id)).map(({ item }) => item.number ?? item.id);
      if (fresh.length > 0) setArrived(fresh);
    }
    seen.current = new Set([...(seen.current ?? []), ...ids]);
  }, [data]);
  return arrived;
};

const byDeadline = (a, b) => (a.nextDeadline ?? '\uffff').localeCompare(b.nextDeadline ?? '\uffff');

/** The technician's open repairs, each with its full view (allowed actions, revision, the owner's contact). */
const loadJobs = async (propertyId, personId, segment) => {
  const list = await getJson(`/v1/cases?${queryString({ propertyId, type: 'repair', technician: personId, limit: 100 })}`);
  const candidates = list.items.filter((item) => !DONE.has(item.state)).sort(byDeadline);
  const loaded = await Promise.all(candidates.map(async (item) => ({ item, view: await getJson(`/v1/${segment}/${encodeURIComponent(item.id)}`) })));
  // The list is a read model a moment behind; the record itself says whether the work is still open.
  return loaded.filter(({ view }) => !DONE.has(view.state));
};

const Job = ({ item, view, role, timeZone, onActed }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const [current, setCurrent] = useState(view);
  const shown = Number(current.revision) > Number(view.revision) ? current : view;
  const d = shown.details ?? {};
  // An erased field reads { erased: true, … }: shown as erased, never as a number to call.
  const phone = typeof d.owner?.phone === 'string' ? d.owner.phone : undefined;
  const name = d.owner?.name?.erased ? t('personal.erased') : d.owner?.name;
  const refresh = async () => {
    const next = await getJson(`/v1/${i18n.segment('repair')}/${encodeURIComponent(item.id)}`);
    setCurrent(next);
    onActed();
    return { view: next, events: [] };
  };
  return html`<li class="job" data-case=${item.id}>
    <h3><a href=${caseHref('repair', item.id)}>${item.number ?? item.id}</a> <span class="badge">${i18n.name('state', shown.state)}</span></h3>
    <dl class="facts">
      <div><dt>${t('case.unit')}</dt><dd>${d.unit ?? d.location ?? '—'}</dd></div>
      <div><dt>${t('category')}</dt><dd>${d.category ? i18n.category('repair', d.category) : '—'}</dd></div>
      <div><dt>${t('deadline')}</dt><dd>${item.nextDeadline ? formatDeadline(item.nextDeadline, i18n, timeZone) : '—'}</dd></div>
      <div><dt>${t('jobs.owner')}</dt><dd>${name ?? '—'} ${phone ? html`<a class="tel" href=${`tel:${phone.replace(/[^0-9+]/g, '')}`}>${phone}</a>` : null}</dd></div>
      ${d.description ? html`<div class="wide"><dt>${t('case.description')}</dt><dd>${d.description}</dd></div>` : null}
    </dl>
    <${Actions} type="repair" view=${shown} role=${role} refresh=${refresh} large=${true} />
  </li>`;
};

export const Jobs = ({ session, propertyId, timeZone, version }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const personId = session.person?.id;
  const [acted, setActed] = useState(0);
  const tick = useRefreshTick();
  const { data, error } = useLiveResource(
    () => (personId ? loadJobs(propertyId, personId, i18n.segment('repair')) : Promise.resolve([])),
    `${propertyId}|${personId}|${acted}`,
    `${version}|${tick}`,
    2000,
  );
  const arrived = useArrivals(data);
  return html`<section class="panel jobs" aria-labelledby="jobs-title">
    <h2 id="jobs-title">${t('nav.jobs')}</h2>
    ${!personId ? html`<p class="problem" role="alert">${t('jobs.noPerson')}</p>` : null}
    ${error ? html`<${Problem} error=${error} />` : null}
    <p class="notice" id="jobs-new" role="status">${arrived.length > 0 ? t('jobs.arrived', { numbers: arrived.join(i18n.lang === 'zh' ? '、' : ', ') }) : ''}</p>
    ${
      !data
        ? html`<p class="loading">${t('loading')}</p>`
        : data.length === 0
          ? html`<p class="empty" id="jobs-empty">${t('jobs.empty')}</p>`
          : html`<ul class="job-list" id="job-list">${data.map(
              ({ item, view }) =>
                html`<${Job} key=${`${item.id}|${view.revision}`} item=${item} view=${view} role=${session.role} timeZone=${timeZone} onActed=${() => setActed((n) => n + 1)} />`,
            )}</ul>`
    }
  </section>`;
};
