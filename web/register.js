// Registration (登记) at the desk: a complaint, a repair, a visit, a payment on a fee ledger. The
// forms are the server's (`/dashboard/session` → records[].actions[].fields): their fields, names
// and choices; the page adds the keyboard, the owner's earlier records and the draft kept on error.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, fieldErrors, getJson, newIdempotencyKey, OfflineError, postJson, queryString } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { caseHref, FieldRefusal } from './parts.js';
import { formatInstant } from './time.js';

/** The desk's forms: the record type and the action that creates it (a payment: the fee ledger's `pay`). */
export const deskForms = [
  { id: 'complaint', type: 'complaint', action: 'receive', tab: 'register.complaint' },
  { id: 'repair', type: 'repair', action: 'report', tab: 'register.repair' },
  { id: 'visit', type: 'visit', action: 'receive', tab: 'register.visit' },
  { id: 'payment', type: 'fee', action: 'pay', tab: 'register.payment' },
];

/** A payment names its ledger as the desk knows it: the unit and the billing month (POST /v1/fees/payments). */
const ledgerFields = [
  { name: 'unit', kind: 'text', required: true },
  { name: 'period', kind: 'month', required: true },
];

const actionOf = (records, form) => records.find((r) => r.type === form.type)?.actions.find((a) => a.name === form.action);

/** The forms a role may fill: those whose action its role may take. */
export const formsFor = (records, role) => deskForms.filter((form) => actionOf(records, form)?.roles.includes(role));

const DRAFT_KEY = 'desk.draft.';
const loadDraft = (id) => {
  try {
    return JSON.parse(sessionStorage.getItem(DRAFT_KEY + id) ?? 'null');
  } catch {
    return null;
  }
};
const saveDraft = (id, draft) => {
  try {
    if (draft) sessionStorage.setItem(DRAFT_KEY + id, JSON.stringify(draft));
    else sessionStorage.removeItem(DRAFT_KEY + id);
  } catch {
    // storage refused: the draft lives in the form only
  }
};

/** Sign-out forgets the desk's drafts and last search: the next person at the desk starts clean. */
export const forgetDesk = () => {
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith('desk.')) sessionStorage.removeItem(key);
  } catch {
    // storage refused: nothing was kept
  }
};

/** A form's values as the API's body: `owner.phone` nested, numbers as numbers, empty optional fields left out. */
const bodyOf = (fields, values) => {
  const body = {};
  for (const field of fields) {
    let value = values[field.name];
    if (field.kind === 'boolean') value = value === true;
    else if (value === undefined || value === '') continue;
    else if (field.name === 'amountFen') value = Math.round(Number(value) * 100);
    else if (field.kind === 'number') value = Number(value);
    const path = field.name.split('.');
    let at = body;
    for (const key of path.slice(0, -1)) at = at[key] ??= {};
    at[path.at(-1)] = value;
  }
  return body;
};

const inputId = (form, name) => `f-${form}-${name.replace('.', '-')}`;

/** The owner's earlier records, found by the phone number as it is typed. */
const useEarlier = (propertyId, phone) => {
  const [found, setFound] = useState(null);
  useEffect(() => {
    const digits = (phone ?? '').replace(/\D/g, '');
    if (digits.length < 7 || !propertyId) {
      setFound(null);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      getJson(`/v1/cases?${queryString({ propertyId, phone: phone.trim(), limit: 10 })}`, { signal: abort.signal }).then(
        (page) => setFound(page.items),
        // An abort is the next keystroke's: that lookup answers instead.
        (error) => {
          if (error?.name !== 'AbortError') setFound(null);
        },
      );
    }, 300);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [propertyId, phone]);
  return found;
};

const Earlier = ({ items, timeZone }) => {
  const i18n = useI18n();
  const { t } = i18n;
  if (!items) return null;
  return html`<section class="earlier" aria-labelledby="earlier-title" id="earlier">
    <h3 id="earlier-title">${t('register.earlier', { count: items.length })}</h3>
    ${
      items.length === 0
        ? html`<p class="muted">${t('register.noEarlier')}</p>`
        : html`<ul class="cards">${items.map(
            (r) =>
              html`<li><a href=${caseHref(r.type, r.id)}>${r.number ?? r.id}</a> · ${i18n.name('caseType', r.type)} · ${i18n.name('state', r.state)} · ${r.unit ?? '—'} · ${formatInstant(r.receivedAt, i18n, timeZone)}</li>`,
          )}</ul>`
    }
  </section>`;
};

/** A unit the engine refuses for its form (not a schema refusal): the property's numbering, said in the page's language. */
const unitLead = (i18n, field, refusal, units) =>
  field.name === 'unit' && units && refusal.issue === 'INVALID_COMMAND' ? i18n.t('register.unitRefused', { example: units.example }) : undefined;

const Field = ({ form, field, value, error, units, onInput }) => {
  const i18n = useI18n();
  const id = inputId(form, field.name);
  const label = field.name === 'amountFen' ? i18n.t('register.amountYuan') : i18n.name('field', field.name);
  const described = error ? `${id}-error` : undefined;
  const common = { id, name: field.name, required: field.required, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described };
  let control;
  if (field.kind === 'choice') {
    const choiceName = (c) => (c.label ? c.label[i18n.lang] : i18n.name(field.name === 'method' ? 'paymentMethod' : field.name, c.id));
    control = html`<select ...${common} value=${value ?? ''} onChange=${(e) => onInput(e.currentTarget.value)}>
      <option value="">${i18n.t('register.choose')}</option>
      ${field.choices.map((c) => html`<option value=${c.id}>${choiceName(c)}</option>`)}
    </select>`;
  } else if (field.kind === 'boolean') {
    control = html`<input type="checkbox" ...${common} required=${false} checked=${value === true} onChange=${(e) => onInput(e.currentTarget.checked)} />`;
  } else if (field.name === 'description') {
    control = html`<textarea ...${common} rows="3" maxlength=${field.maxLength} value=${value ?? ''} onInput=${(e) => onInput(e.currentTarget.value)}
      onKeyDown=${(e) => {
        // Enter submits, as in every other field; Shift+Enter starts a new line.
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          e.currentTarget.form?.requestSubmit();
        }
      }}></textarea>`;
  } else {
    const type = { number: 'number', date: 'date', month: 'month' }[field.kind] ?? (field.name.endsWith('phone') ? 'tel' : 'text');
    const extra = field.name === 'amountFen' ? { step: '0.01', min: '0.01', inputmode: 'decimal' } : {};
    if (field.name === 'unit' && units) extra.placeholder = i18n.t('register.unitExample', { example: units.example });
    control = html`<input type=${type} ...${common} ...${extra} maxlength=${field.maxLength} value=${value ?? ''} autocomplete="off" onInput=${(e) => onInput(e.currentTarget.value)} />`;
  }
  return html`<div class=${`field${error ? ' invalid' : ''}`}>
    <label for=${id}>${label}</label>
    ${control}
    ${error ? html`<${FieldRefusal} id=${described} refusal=${error} lead=${unitLead(i18n, field, error, units)} />` : null}
  </div>`;
};

/** One desk form: the draft kept in sessionStorage until it is registered, one Idempotency-Key per filled form. */
const DeskForm = ({ session, form, action, propertyId, timeZone, onRegistered }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const several = session.properties.length > 1;
  const fields = (form.id === 'payment' ? [...ledgerFields, ...action.fields] : action.fields).filter((f) => f.name !== 'propertyId' || several);
  const [draft, setDraft] = useState(() => loadDraft(form.id) ?? { values: several ? { propertyId } : {}, key: newIdempotencyKey() });
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const values = draft.values;
  const chosenProperty = several ? values.propertyId || propertyId : propertyId;
  const phoneField = fields.find((f) => f.name.endsWith('.phone'));
  const units = session.properties.find((p) => p.id === chosenProperty)?.units;
  const earlier = useEarlier(chosenProperty, phoneField ? values[phoneField.name] : undefined);
  useEffect(() => saveDraft(form.id, draft), [form.id, draft]);
  // The first field takes the focus when a form opens (autofocus acts once per page, not per view).
  useEffect(() => {
    if (fields[0]) document.getElementById(inputId(form.id, fields[0].name))?.focus();
  }, [form.id]);

  const set = (name) => (value) => {
    setDraft((d) => ({ ...d, values: { ...d.values, [name]: value } }));
    if (errors[name]) setErrors((e) => ({ ...e, [name]: undefined }));
  };
  const submit = async (event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    const body = { ...bodyOf(fields, values), propertyId: chosenProperty };
    const path = form.id === 'payment' ? '/v1/fees/payments' : `/v1/${i18n.segment(form.type)}`;
    try {
      // The same key on every retry of this form: a submit that reached the server is not registered twice.
      const { body: answer } = await postJson(path, body, { idempotencyKey: draft.key });
      saveDraft(form.id, null);
      setDraft({ values: several ? { propertyId: chosenProperty } : {}, key: newIdempotencyKey() });
      setErrors({});
      onRegistered({ type: form.type, id: answer.id, number: answer.number });
    } catch (error) {
      if (error instanceof OfflineError) setProblem({ kind: 'offline' });
      else if (error instanceof ApiError) {
        const byField = fieldErrors(error.problem);
        setErrors(byField);
        setProblem({ kind: 'refused', message: error.message, atFields: Object.keys(byField).some((n) => fields.some((f) => f.name === n)) });
        const first = fields.find((f) => byField[f.name]);
        if (first) document.getElementById(inputId(form.id, first.name))?.focus();
      } else setProblem({ kind: 'refused', message: error.message });
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="desk-form" id=${`form-${form.id}`} onSubmit=${submit} novalidate aria-labelledby=${`tab-${form.id}`}>
    <div class="fields">
      ${fields.map(
        (field) =>
          html`<${Field} key=${field.name} form=${form.id} field=${field} value=${values[field.name]} error=${errors[field.name]} units=${units} onInput=${set(field.name)} />`,
      )}
    </div>
    ${phoneField ? html`<${Earlier} items=${earlier} timeZone=${timeZone} />` : null}
    ${
      problem?.kind === 'offline'
        ? html`<p class="problem" role="alert" id="form-problem">${t('register.offline')}</p>`
        : problem
          ? html`<p class="problem" role="alert" id="form-problem">${problem.atFields ? t('register.refusedAtFields') : t('error.generic', { message: problem.message })}</p>`
          : null
    }
    <div class="form-actions">
      <button type="submit" disabled=${busy}>${busy ? t('register.busy') : problem?.kind === 'offline' ? t('retry') : t('register.submit')}</button>
    </div>
  </form>`;
};

/** The registration view: a tab per form the role may fill, the chosen one's form. */
export const Register = ({ session, formId, propertyId, timeZone, onRegistered }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const forms = formsFor(session.records, session.role);
  const form = forms.find((f) => f.id === formId) ?? forms[0];
  if (!form) return html`<p class="muted">${t('register.none')}</p>`;
  return html`<section class="register" aria-labelledby="register-title">
    <h2 id="register-title">${t('nav.register')}</h2>
    <nav class="tabs" aria-label=${t('register.kinds')}>
      ${forms.map(
        (f) => html`<a href=${`#/register/${f.id}`} id=${`tab-${f.id}`} class="tab" aria-current=${f.id === form.id ? 'page' : undefined}>${t(f.tab)}</a>`,
      )}
    </nav>
    <${DeskForm} key=${form.id} session=${session} form=${form} action=${actionOf(session.records, form)} propertyId=${propertyId} timeZone=${timeZone} onRegistered=${onRegistered} />
  </section>`;
};
