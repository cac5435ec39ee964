// The dispatchers' work queues: each queue a live list of the records waiting in it, its count
// beside its name. Counts come with the dashboard stream; a list is read again with each of its
// messages (which carry the counts), at most every two seconds.
import { getJson, queryString } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { caseHref, Problem, useLiveResource } from './parts.js';
import { formatInstant } from './time.js';

/** The queues in the order a dispatcher works them. */
export const QUEUES = ['unassigned', 'at_risk', 'missed', 'awaiting_callback', 'follow_up', 'paused_long', 'referred'];

/** The queues with their counts, as links: for the queues view and for the shell's navigation. */
export const QueueCounts = ({ counts, current }) => {
  const { t } = useI18n();
  return html`<ul class="queue-counts" id="queue-counts">
    ${QUEUES.map(
      (q) => html`<li><a href=${`#/queues/${q}`} id=${`queue-${q}`} data-queue=${q} aria-current=${current === q ? 'page' : undefined}>
        ${t(`queue.${q}`)} <span class="count" data-count=${counts?.[q] ?? ''}>${counts?.[q] ?? '…'}</span></a></li>`,
    )}
  </ul>`;
};

/** One record of a queue as a card: its number, type, state, unit, category and deadline; it opens the record. */
export const RecordCard = ({ item, timeZone }) => {
  const i18n = useI18n();
  const { t } = i18n;
  return html`<li class="record-card" data-case=${item.id}>
    <a href=${caseHref(item.type, item.id)}>
      <span class="card-number">${item.number ?? item.id}</span>
      <span class="card-type">${i18n.name('caseType', item.type)}</span>
      <span class="card-state">${i18n.name('state', item.state)}</span>
      <span class="card-unit">${item.unit ?? '—'}</span>
      <span class="card-category">${item.category ? i18n.category(item.type, item.category) : '—'}</span>
      <span class="card-deadline">${t('deadline')}: ${item.nextDeadline ? formatInstant(item.nextDeadline, i18n, timeZone) : '—'}</span>
    </a>
  </li>`;
};

export const Queues = ({ queue, propertyId, counts, timeZone, version }) => {
  const { t } = useI18n();
  const current = QUEUES.includes(queue) ? queue : 'unassigned';
  const { data, error } = useLiveResource(
    () => getJson(`/v1/cases?${queryString({ propertyId, queue: current, limit: 100 })}`),
    `${propertyId}|${current}`,
    version,
    2000,
  );
  // A role without the dashboard stream (the front desk) counts the queues itself, on each visit.
  const counted = useLiveResource(
    () => (counts === undefined ? getJson(`/v1/queues?${queryString({ propertyId })}`) : Promise.resolve(null)),
    `${propertyId}|${current}|${counts === undefined}`,
    version,
    2000,
  );
  return html`<section class="panel queues" aria-labelledby="queues-title">
    <h2 id="queues-title">${t('nav.queues')}</h2>
    <nav aria-label=${t('nav.queues')}><${QueueCounts} counts=${counts ?? counted.data?.queues} current=${current} /></nav>
    <h3 id="queue-title">${t(`queue.${current}`)}</h3>
    ${error ? html`<${Problem} error=${error} />` : null}
    ${
      !data
        ? html`<p class="loading">${t('loading')}</p>`
        : data.items.length === 0
          ? html`<p class="empty" id="queue-empty">${t('queue.empty')}</p>`
          : html`<ul class="record-cards" id="queue-list" aria-labelledby="queue-title">${data.items.map((item) => html`<${RecordCard} item=${item} timeZone=${timeZone} />`)}</ul>`
    }
  </section>`;
};
