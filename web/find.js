// Find (查找): one box for a work-order number, a unit, a phone number or words of the description
// (GET /v1/cases with `phone=` when the input looks like a phone number, else `q=`). The results are
// cards (they fit a phone); the arrow keys move through them and Enter opens one.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, queryString } from './api.js';
import { html } from './html.js';
import { useI18n } from './i18n.js';
import { caseHref, Problem } from './parts.js';
import { formatInstant } from './time.js';

const PAGE = 20;
/** Digits, spaces, dashes, parentheses and a leading + with at least 7 digits: a phone number, not a unit like 3-2-1201. */
export const looksLikePhone = (text) => /^\+?[0-9][0-9 ()-]{4,29}$/.test(text) && text.replace(/\D/g, '').length >= 7 && !/^\d+-\d+(-\d+)?$/.test(text);

const FIND_KEY = 'desk.find';

export const Find = ({ propertyId, properties, onProperty, timeZone }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const [text, setText] = useState(() => sessionStorage.getItem(FIND_KEY) ?? '');
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const list = useRef(null);
  const input = useRef(null);

  const search = async (query, cursor) => {
    const trimmed = query.trim();
    if (!trimmed) {
      setResult(null);
      return;
    }
    const by = looksLikePhone(trimmed) ? { phone: trimmed } : { q: trimmed };
    try {
      const page = await getJson(`/v1/cases?${queryString({ propertyId, ...by, limit: PAGE, cursor })}`);
      setError(null);
      setResult((before) => ({ query: trimmed, items: cursor && before ? [...before.items, ...page.items] : page.items, next: page.next }));
    } catch (e) {
      setError(e);
    }
  };
  // The box takes the focus when the view opens (autofocus acts once per page, not per view).
  useEffect(() => input.current?.focus(), []);
  // As it is typed, a moment after the last key.
  useEffect(() => {
    sessionStorage.setItem(FIND_KEY, text);
    const timer = setTimeout(() => search(text), 250);
    return () => clearTimeout(timer);
  }, [text, propertyId]);

  const links = () => [...(list.current?.querySelectorAll('a.result') ?? [])];
  const move = (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const all = links();
    if (all.length === 0) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement);
    if (event.key === 'ArrowUp' && at <= 0) {
      input.current?.focus();
      return;
    }
    all[Math.min(all.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1))]?.focus();
  };

  return html`<section class="find" aria-labelledby="find-title" onKeyDown=${move}>
    <h2 id="find-title">${t('nav.find')}</h2>
    <form role="search" onSubmit=${(e) => {
      e.preventDefault();
      // Enter in the box opens the only (or first) result once it is there; before, it searches at once.
      const first = links()[0];
      if (first && result?.query === text.trim()) location.hash = first.getAttribute('href');
      else search(text);
    }}>
      ${
        properties.length > 1
          ? html`<label for="find-property">${t('property')}</label>
        <select id="find-property" value=${propertyId} onChange=${(e) => onProperty(e.currentTarget.value)}>
          ${properties.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
        </select>`
          : null
      }
      <label for="find-box">${t('nav.find')}</label>
      <input id="find-box" ref=${input} type="search" value=${text} autocomplete="off" placeholder=${t('find.placeholder')}
        aria-describedby="find-hint" onInput=${(e) => setText(e.currentTarget.value)} />
      <p id="find-hint" class="muted">${t('find.hint')}</p>
    </form>
    ${error ? html`<${Problem} error=${error} />` : null}
    ${
      result
        ? html`<p class="muted" role="status" id="find-count">${result.items.length === 0 ? t('find.none') : t('find.count', { count: result.items.length, more: result.next ? '+' : '' })}</p>
      <ul class="results" ref=${list} id="find-results">
        ${result.items.map(
          (r) => html`<li><a class="result" href=${caseHref(r.type, r.id)}>
            <span class="r-number">${r.number ?? r.id}</span>
            <span class="r-type">${i18n.name('caseType', r.type)}</span>
            <span class="r-state">${i18n.name('state', r.state)}</span>
            <span class="r-unit">${r.unit ?? '—'}</span>
            <span class="r-category">${r.category ? i18n.category(r.type, r.category) : '—'}</span>
            <span class="r-deadline">${t('deadline')}: ${formatInstant(r.nextDeadline, i18n, timeZone)}</span>
          </a></li>`,
        )}
      </ul>
      ${result.next ? html`<button type="button" id="find-more" onClick=${() => search(result.query, result.next)}>${t('find.more')}</button>` : null}`
        : null
    }
  </section>`;
};
