// Case: any record's state, allowed next actions, SLA clocks with their explanation, and the full timeline.
import { useState } from 'preact/hooks';
import { Actions, mayAct } from './actions.js';
import { getJson } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { Countdown, grouped, Problem, StatusBadge, useLiveResource, yuan } from './parts.js';
import { formatClockLength, formatDeadline, formatInstant, serverNow } from './time.js';

const AUDIT_ROLES = new Set(['auditor', 'admin']);

/**
 * The case view, its events and — for auditors and admins — the audit replay, whose clocks carry
 * an explanation. `caseType` 'any' tries each type that is called back (KPI links across types); a
 * type the server does not describe is not found.
 */
export const loadCase = async (records, caseType, caseId, role) => {
  const types = caseType === 'any' ? records.filter((r) => r.callbacks).map((r) => r.type) : [caseType];
  const segmentOf = (type) => records.find((r) => r.type === type)?.segment;
  if (types.length === 0 || !types.every(segmentOf)) throw Object.assign(new Error(`unknown record type ${caseType}`), { status: 404 });
  let notFound;
  for (const type of types) {
    const base = `/v1/${segmentOf(type)}/${encodeURIComponent(caseId)}`;
    try {
      const [view, events, audit] = await Promise.all([
        getJson(base),
        getJson(`${base}/events`),
        AUDIT_ROLES.has(role) ? getJson(`/v1/audit/cases/${type}/${encodeURIComponent(caseId)}`).catch(() => null) : null,
      ]);
      return { type, view, events: events.events, audit };
    } catch (error) {
      if (error.status !== 404) throw error;
      notFound = error;
    }
  }
  throw notFound;
};

/** Fields never shown: the owner's and the visitor's name and phone, and the property (the page's own). */
const hidden = new Set(['owner', 'visitor', 'propertyId']);
const isShown = (value) =>
  value !== null && value !== undefined && (typeof value !== 'object' || (Array.isArray(value) && value.every((v) => typeof v === 'string')));

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An event's data as labelled fields; ids named, instants in the property's zone, the owner's contact left out. */
/** An event's data as a list; `names` are the directory's names of the people it names by id (`technicianId`). */
const DataList = ({ caseType, eventType, data, names, timeZone }) => {
  const i18n = useI18n();
  const entries = Object.entries(data ?? {}).filter(([key, value]) => !hidden.has(key) && isShown(value));
  if (entries.length === 0) return null;
  const show = (key, value) => {
    if (typeof value === 'boolean') return i18n.name('yesNo', String(value));
    if (Array.isArray(value)) return value.join(i18n.lang === 'zh' ? '、' : ', ');
    if (names?.[key]) return `${names[key]} (${value})`;
    if (key === 'amountFen') return yuan(value);
    if (key === 'method') return i18n.name('paymentMethod', value);
    if (key === 'deadline' && typeof value === 'string' && INSTANT.test(value)) return formatDeadline(value, i18n, timeZone);
    if (typeof value === 'string' && INSTANT.test(value)) return formatInstant(value, i18n, timeZone);
    if (key === 'category') return i18n.category(caseType, value);
    if (key === 'department') return i18n.department(value);
    if (key === 'channel') return i18n.name('channel', value);
    if (key === 'clock') return i18n.name('clock', value);
    if (key === 'satisfaction') return i18n.name('satisfaction', value);
    if (key === 'reason' && eventType === 'RepairPaused') return i18n.name('pauseReason', value);
    // The watcher's escalation names its missed deadline by codes: worded here, in the page's language and zone.
    if (key === 'reason' && data.missed?.deadline)
      return i18n.t('case.escalatedMissed', { clock: i18n.name('clock', data.missed.clock), deadline: formatDeadline(data.missed.deadline, i18n, timeZone) });
    if (key === 'complexity' || key === 'from' || key === 'to') return i18n.name('complexity', value);
    return String(value);
  };
  return html`<dl class="data">${entries.map(([key, value]) => html`<div><dt>${i18n.name('field', key)}</dt><dd>${show(key, value)}</dd></div>`)}</dl>`;
};

const durationText = (duration, i18n) =>
  i18n.t(`duration.${duration.kind}`, { ...duration, length: duration.minutes === undefined ? '' : formatClockLength(duration.minutes, i18n) });

/**
 * A clock explained in lines from its codes and instants, in the page's language and the
 * property's zone (the audit route's own explanation is English and UTC, for the CLI).
 */
const explanation = (clock, i18n, timeZone, now) => {
  const { t } = i18n;
  const at = (iso) => formatInstant(iso, i18n, timeZone);
  const lines = [t('case.policy', { policy: clock.policyId, duration: durationText(clock.duration, i18n) })];
  if (!clock.startedAt) return [...lines, t('case.explainNotStarted')];
  lines.push(t('case.explainStart', { at: at(clock.startedAt) }));
  for (const p of clock.pauses ?? []) lines.push(`${t('case.paused')}: ${at(p.start)} – ${p.end ? at(p.end) : '…'} (${i18n.name('pauseReason', p.reason)})`);
  if (clock.deadline) lines.push(t('case.explainDeadline', { at: formatDeadline(clock.deadline, i18n, timeZone) }));
  if (clock.stoppedAt) lines.push(t('case.explainStopped', { at: at(clock.stoppedAt), result: i18n.name('clockStatus', clock.status) }));
  else if (['running', 'at_risk'].includes(clock.status)) lines.push(t('case.explainRunning', { at: at(new Date(now).toISOString()) }));
  if (clock.consumedShare !== null && clock.consumedShare !== undefined) lines.push(t('case.consumed', { share: `${Math.round(clock.consumedShare * 100)}%` }));
  if (clock.error) lines.push(clock.error.message);
  return lines;
};

const Clocks = ({ clocks, timeZone }) => {
  const i18n = useI18n();
  const now = serverNow();
  const { t } = i18n;
  return html`<section class="panel" aria-labelledby="clocks-title">
    <h2 id="clocks-title">${t('case.clocks')}</h2>
    <div class="scroll" tabindex="0" role="region" aria-labelledby="clocks-title"><table id="case-clocks" class="clocks cards">
      <thead><tr>
        <th scope="col">${t('clock')}</th><th scope="col">${t('status')}</th><th scope="col">${t('case.started')}</th>
        <th scope="col">${t('deadline')}</th><th scope="col">${t('case.stopped')}</th><th scope="col" class="num">${t('remaining')}</th>
        <th scope="col">${t('case.explanation')}</th>
      </tr></thead>
      <tbody>${clocks.map((clock) => {
        const running = clock.deadline && !clock.stoppedAt && ['running', 'at_risk', 'missed'].includes(clock.status);
        const lines = explanation(clock, i18n, timeZone, now);
        return html`<tr data-clock=${clock.clock}>
          <th scope="row">${i18n.name('clock', clock.clock)}</th>
          <td><${StatusBadge} status=${clock.status} /></td>
          <td data-label=${t('case.started')}>${formatInstant(clock.startedAt, i18n, timeZone)}</td>
          <td data-label=${t('deadline')}>${formatDeadline(clock.deadline, i18n, timeZone)}</td>
          <td data-label=${t('case.stopped')}>${formatInstant(clock.stoppedAt, i18n, timeZone)}</td>
          <td class="num" data-label=${t('remaining')}>${running ? html`<${Countdown} deadline=${clock.deadline} />` : '—'}</td>
          <td class="card-wide"><details><summary>${durationText(clock.duration, i18n)}</summary><ol class="explanation">${lines.map((line) => html`<li>${line}</li>`)}</ol></details></td>
        </tr>`;
      })}</tbody>
    </table></div>
  </section>`;
};

/** Timeline entries from the audit replay when there (its people named as the events endpoint names them), else from the events endpoint. */
const timelineOf = (loaded) =>
  loaded.audit?.timeline.map((e) => {
    const same = loaded.events.find((x) => String(x.revision) === String(e.revision));
    return { ...e, actor: same?.metadata.actor ?? e.actor, names: same?.names };
  }) ??
  loaded.events.map((e) => ({
    names: e.names,
    revision: e.revision,
    type: e.type,
    actor: e.metadata.actor,
    recordedAt: e.metadata.recordedAt,
    occurredAt: e.metadata.occurredAt,
    gapMinutes: (Date.parse(e.metadata.recordedAt) - Date.parse(e.metadata.occurredAt)) / 60_000,
    imported: e.metadata.imported === true,
    data: e.data,
  }));

const Timeline = ({ caseType, entries, timeZone }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const withState = entries.some((e) => e.stateAfter);
  return html`<section class="panel" aria-labelledby="timeline-title">
    <h2 id="timeline-title">${t('case.timeline')} <span class="count">${entries.length}</span></h2>
    <div class="scroll" tabindex="0" role="region" aria-labelledby="timeline-title"><table id="timeline" class="timeline cards">
      <thead><tr>
        <th scope="col">#</th><th scope="col">${t('case.event')}</th><th scope="col">${t('case.who')}</th>
        <th scope="col">${t('case.recorded')}</th><th scope="col">${t('case.claimed')}</th>
        ${withState ? html`<th scope="col">${t('case.stateAfter')}</th>` : null}<th scope="col">${t('case.data')}</th>
      </tr></thead>
      <tbody>${entries.map((e) => {
        const gap = Math.round(e.gapMinutes ?? 0);
        return html`<tr data-event=${e.type}>
          <td class="num">${e.revision}</td>
          <th scope="row">${i18n.name('event', e.type)}</th>
          <td>${e.actor.name ?? e.actor.id} <span class="muted">(${i18n.name('role', e.actor.role)})</span></td>
          <td data-label=${t('case.recorded')}><time datetime=${e.recordedAt}>${formatInstant(e.recordedAt, i18n, timeZone, true)}</time></td>
          <td data-label=${t('case.claimed')}><time datetime=${e.occurredAt}>${formatInstant(e.occurredAt, i18n, timeZone, true)}</time>
            ${gap !== 0 ? html` <span class="badge badge-at_risk">${t('case.backdated', { minutes: gap })}</span>` : null}
            ${e.imported ? html` <span class="badge badge-ended">${t('case.imported')}</span>` : null}</td>
          ${withState ? html`<td data-label=${t('case.stateAfter')}>${i18n.name('state', e.stateAfter)}</td>` : null}
          <td class="card-wide"><${DataList} caseType=${caseType} eventType=${e.type} data=${e.data} names=${e.names} timeZone=${timeZone} /></td>
        </tr>`;
      })}</tbody>
    </table></div>
  </section>`;
};

const sumFen = (movements) => (movements ?? []).reduce((total, m) => total + m.amountFen, 0);
/** Record types received at a desk: their first event is a receipt, and their clocks run from it. */
const atDesk = new Set(['complaint', 'repair', 'visit']);

/**
 * The facts at the top of a record's page, by its type, as [label, value]: what a manager needs to
 * recognise the record, from its first event and, where later events change them, its folded facts.
 */
const factsOf = (type, view, i18n) => {
  const { t } = i18n;
  const d = view.details ?? {};
  const f = view.facts ?? {};
  const list = (values) => values.join(i18n.lang === 'zh' ? '、' : ', ');
  switch (type) {
    case 'fee': {
      const billed = f.billedFen ?? d.amountFen;
      const collected = sumFen(f.payments) - sumFen(f.refunds);
      const waived = sumFen(f.waivers);
      return [
        [t('case.unit'), d.unit],
        [t('case.period'), d.period ? i18n.month(d.period) : null],
        [t('case.dueDate'), d.dueDate],
        [t('case.billed'), yuan(billed)],
        [t('case.collected'), yuan(collected)],
        ...(waived > 0 ? [[t('case.waived'), yuan(waived)]] : []),
        [t('case.owed'), yuan(billed - waived - collected)],
      ];
    }
    case 'activity':
      return [
        [t('case.title'), d.title],
        [t('case.heldOn'), d.heldOn],
        [t('case.participants'), grouped(f.participants ?? d.participants)],
      ];
    default:
      // A check (of an owner's record, of a procedure): what was checked, and the result it found.
      if (typeof d.correct === 'boolean' || typeof d.passed === 'boolean') {
        return [
          ...(d.unit ? [[t('case.unit'), d.unit]] : []),
          ...(d.procedure ? [[t('case.procedure'), d.procedure]] : []),
          [t('case.result'), i18n.name('yesNo', String(d.correct ?? d.passed))],
          ...(d.wrongFields?.length ? [[t('case.wrongFields'), list(d.wrongFields)]] : []),
        ];
      }
      return [
        [t('category'), i18n.category(type, d.category)],
        [t('case.unit'), d.unit ?? d.location],
        ...(d.channel ? [[t('channel'), i18n.name('channel', d.channel)]] : []),
        ...(d.complexity ? [[t('case.complexity'), i18n.name('complexity', f.complexity ?? d.complexity)]] : []),
        ...(type === 'visit' && f.department ? [[t('department'), i18n.department(f.department)]] : []),
      ];
  }
};

const Lookup = ({ initialId = '' }) => {
  const { t, name, records } = useI18n();
  const [caseType, setCaseType] = useState('complaint');
  const [id, setId] = useState(initialId);
  const submit = (event) => {
    event.preventDefault();
    if (id.trim()) location.hash = `#/case/${caseType}/${encodeURIComponent(id.trim())}`;
  };
  return html`<form class="filters lookup" onSubmit=${submit} aria-label=${t('case.lookup')}>
    <label>${t('caseType')}
      <select id="lookup-type" value=${caseType} onChange=${(e) => setCaseType(e.currentTarget.value)}>
        ${records.map((r) => html`<option value=${r.type}>${name('caseType', r.type)}</option>`)}
      </select></label>
    <label>${t('case.id')} <input id="lookup-id" value=${id} onInput=${(e) => setId(e.currentTarget.value)} size="38" /></label>
    <button type="submit">${t('case.open')}</button>
  </form>`;
};

export const CaseView = ({ caseType, caseId, role, timeZone, version }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const { data: loaded, error } = useLiveResource(
    () => (caseId ? loadCase(i18n.records, caseType, caseId, role) : Promise.resolve(null)),
    `${caseType}|${caseId}`,
    version,
    2000,
  );
  // What an action loaded after it acted, until the live load catches up with it.
  const [fresh, setFresh] = useState(null);
  const refresh = async () => {
    const next = await loadCase(i18n.records, caseType, caseId, role);
    setFresh(next);
    return next;
  };
  if (!caseId) return html`<section class="panel"><h2>${t('case.lookup')}</h2><${Lookup} /></section>`;
  if (error && !loaded) {
    return html`<section class="panel"><h2>${t('case.lookup')}</h2>
      ${error.status === 404 ? html`<p class="problem" role="alert">${t('case.notFound', { id: caseId })}</p>` : html`<${Problem} error=${error} />`}
      <${Lookup} initialId=${caseId} /></section>`;
  }
  if (!loaded) return html`<p class="loading">${t('loading')}</p>`;
  const shown = fresh && Number(fresh.view.revision) > Number(loaded.view.revision) ? fresh : loaded;
  const { view, type } = shown;
  const d = view.details ?? {};
  // What the record says in words: a receipt's description, a failed check's findings, else a note.
  const [wordsLabel, words] =
    d.description !== undefined
      ? [t('case.description'), d.description]
      : d.findings !== undefined
        ? [t('case.findings'), d.findings]
        : [i18n.name('field', 'note'), d.note];
  return html`<div class="case" data-case=${view.id} data-case-type=${type}>
    <section class="panel" aria-labelledby="case-title">
      <h2 id="case-title">${i18n.name('caseType', type)} ${view.number ? html`<span class="case-number">${view.number}</span> ` : null}<code class="case-id">${view.id}</code></h2>
      <dl class="facts" id="case-facts">
        <div><dt>${t('state')}</dt><dd id="case-state"><strong>${i18n.name('state', view.state)}</strong></dd></div>
        ${factsOf(type, view, i18n).map(([label, value]) => html`<div><dt>${label}</dt><dd>${value ?? '—'}</dd></div>`)}
        <div><dt>${t(atDesk.has(type) ? 'case.received' : 'case.recordedAt')}</dt><dd>${formatInstant(shown.events[0]?.metadata.occurredAt, i18n, timeZone, true)}</dd></div>
        <div><dt>${t('case.revision')}</dt><dd>${view.revision}</dd></div>
        ${words !== undefined || atDesk.has(type) ? html`<div class="wide"><dt>${wordsLabel}</dt><dd>${words ?? '—'}</dd></div>` : null}
      </dl>
      <h3>${t('case.allowed')}</h3>
      ${
        view.allowedActions.length === 0
          ? html`<p class="empty">${t('case.noActions')}</p>`
          : html`<ul class="actions" id="allowed-actions">${view.allowedActions.map((a) => html`<li>${i18n.name('action', a)} <code>${a}</code></li>`)}</ul>`
      }
      ${mayAct(i18n.records, type, role) ? html`<${Actions} type=${type} view=${view} role=${role} refresh=${refresh} />` : null}
      ${type === 'repair' ? html`<p><a class="print-link" href=${`#/print/${type}/${encodeURIComponent(view.id)}`}>${t('print.open')}</a></p>` : null}
    </section>
    ${view.clocks.length > 0 ? html`<${Clocks} clocks=${view.clocks} timeZone=${timeZone} />` : null}
    <${Timeline} caseType=${type} entries=${timelineOf(shown)} timeZone=${timeZone} />
  </div>`;
};
