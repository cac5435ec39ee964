// The actions of a record as buttons, each named by its action's name; an action with fields opens a
// small form built from the fields the server describes (/dashboard/session records[].actions[].fields).
import { useEffect, useRef, useState } from 'preact/hooks';
import { fieldErrors, getJson, newIdempotencyKey, postJson, queryString } from './api.js';
import { payloadOf } from './commands.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { FieldRefusal } from './parts.js';

/** The actions of a record type the role may take, of those its state allows now. */
export const actionsFor = (records, type, role, allowed) => {
  const record = records.find((r) => r.type === type);
  if (!record) return [];
  return record.actions.filter((a) => allowed.includes(a.name) && (a.roles ?? []).includes(role));
};

/** Whether the role takes any action on a record of this type (in any state). */
export const mayAct = (records, type, role) => (records.find((r) => r.type === type)?.actions ?? []).some((a) => (a.roles ?? []).includes(role));

/** The technicians of a property with their open load, for dispatch; null when the directory cannot be read. */
const useTechnicians = (propertyId, wanted) => {
  const [technicians, setTechnicians] = useState(null);
  useEffect(() => {
    if (!wanted || !propertyId) return;
    getJson(`/v1/staff?${queryString({ propertyId, role: 'technician' })}`).then(
      (answer) => setTechnicians(answer.people),
      () => setTechnicians(null),
    );
  }, [propertyId, wanted]);
  return technicians;
};

const Field = ({ field, value, error, onChange, technicians }) => {
  const i18n = useI18n();
  const id = `action-field-${field.name.replaceAll('.', '-')}`;
  const label = field.label?.[i18n.lang] ?? i18n.name('field', field.name);
  const described = error ? `${id}-error` : undefined;
  const common = { id, name: field.name, required: field.required, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described };
  let control;
  if (field.name === 'technicianId' && technicians) {
    control = html`<select ...${common} value=${value ?? ''} onChange=${(e) => onChange(e.currentTarget.value)}>
      <option value="">—</option>
      ${technicians.map((p) => html`<option value=${p.id}>${p.name} · ${i18n.t('act.openJobs', { count: p.openJobs })}</option>`)}
    </select>`;
  } else if (field.kind === 'choice') {
    control = html`<select ...${common} value=${value ?? ''} onChange=${(e) => onChange(e.currentTarget.value)}>
      <option value="">—</option>
      ${field.choices.map((c) => html`<option value=${c.id}>${c.label?.[i18n.lang] ?? i18n.name(field.name === 'reason' ? 'pauseReason' : field.name, c.id)}</option>`)}
    </select>`;
  } else if (field.kind === 'boolean') {
    control = html`<input type="checkbox" ...${common} checked=${value === true} onChange=${(e) => onChange(e.currentTarget.checked)} />`;
  } else if (field.kind === 'number') {
    control = html`<input type="number" ...${common} value=${value ?? ''} onInput=${(e) => onChange(e.currentTarget.value === '' ? '' : Number(e.currentTarget.value))} />`;
  } else if (field.name === 'note' || field.name === 'description') {
    control = html`<textarea ...${common} maxlength=${field.maxLength} value=${value ?? ''} onInput=${(e) => onChange(e.currentTarget.value)}></textarea>`;
  } else {
    control = html`<input type=${field.kind === 'date' ? 'date' : 'text'} ...${common} maxlength=${field.maxLength} value=${value ?? ''} onInput=${(e) => onChange(e.currentTarget.value)} />`;
  }
  return html`<div class="field"><label for=${id}>${label}</label>${control}
    ${error ? html`<${FieldRefusal} id=${described} refusal=${error} />` : null}</div>`;
};

/** Someone acted on the record since the page read it: its revision moved, or its state no longer allows the action. */
const actedFirst = (error) => error.status === 412 || (error.status === 409 && ['REVISION_CONFLICT', 'TRANSITION_NOT_ALLOWED'].includes(error.problem?.code));

/** What changed when someone acted first: the record's state now and its last event. */
const Changed = ({ conflict }) => {
  const i18n = useI18n();
  if (!conflict) return null;
  return html`<p class="problem conflict" role="alert" id="action-conflict">${i18n.t('act.conflict', {
    state: i18n.name('state', conflict.state),
    event: conflict.lastEvent ? i18n.name('event', conflict.lastEvent) : '—',
  })}</p>`;
};

/**
 * The buttons of a record's allowed actions and the form of the one chosen. `refresh` loads the
 * record again and answers its new view and events; the form keeps what was typed across it.
 */
export const Actions = ({ type, view, role, refresh, large = false }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const actions = actionsFor(i18n.records, type, role, view.allowedActions);
  const [open, setOpen] = useState(null);
  const [values, setValues] = useState({});
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [conflict, setConflict] = useState(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(null);
  const record = i18n.records.find((r) => r.type === type);
  const chosen = open ? record?.actions.find((a) => a.name === open) : null;
  const technicians = useTechnicians(
    view.propertyId ?? view.details?.propertyId,
    chosen?.fields.some((f) => f.name === 'technicianId'),
  );

  const send = async (action) => {
    key.current ??= newIdempotencyKey();
    setBusy(true);
    setProblem(null);
    setErrors({});
    try {
      await postJson(`/v1/${record.segment}/${encodeURIComponent(view.id)}/${action.name}`, payloadOf(values), {
        idempotencyKey: key.current,
        ifMatch: view.revision,
      });
      key.current = null;
      setOpen(null);
      setValues({});
      setConflict(null);
      await refresh();
    } catch (error) {
      if (actedFirst(error)) {
        // Someone acted first: a new attempt is another request, on the record as it is now.
        key.current = null;
        const now = await refresh().catch(() => null);
        setConflict({ state: now?.view.state ?? view.state, lastEvent: now?.events.at(-1)?.type });
      } else {
        const byField = fieldErrors(error.problem);
        setErrors(byField);
        // A refusal of no field the form shows is shown under the form.
        if (!action.fields.some((f) => byField[f.name])) setProblem(error.message);
      }
    } finally {
      setBusy(false);
    }
  };
  const choose = (action) => {
    setConflict(null);
    setProblem(null);
    if (action.fields.length === 0) {
      setOpen(null);
      void send(action);
    } else setOpen(action.name);
  };

  return html`<div class=${large ? 'act act-large' : 'act'}>
    <${Changed} conflict=${conflict} />
    <div class="act-buttons" role="group" aria-label=${t('case.allowed')}>
      ${actions.map((a) => html`<button type="button" data-action=${a.name} disabled=${busy} aria-expanded=${a.fields.length > 0 ? String(open === a.name) : undefined} onClick=${() => choose(a)}>${a.label[i18n.lang]}</button>`)}
    </div>
    ${
      chosen
        ? html`<form class="act-form" id="action-form" data-action=${chosen.name} aria-label=${chosen.label[i18n.lang]} onSubmit=${(e) => {
            e.preventDefault();
            void send(chosen);
          }}>
            <h4>${chosen.label[i18n.lang]}</h4>
            ${chosen.fields.map((f) => html`<${Field} field=${f} value=${values[f.name]} error=${errors[f.name]} technicians=${technicians} onChange=${(v) => setValues((s) => ({ ...s, [f.name]: v }))} />`)}
            <div class="act-submit"><button type="submit" disabled=${busy}>${t('act.submit')}</button>
              <button type="button" class="secondary" onClick=${() => setOpen(null)}>${t('act.cancel')}</button></div>
          </form>`
        : null
    }
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
  </div>`;
};
