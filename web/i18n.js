// Labels in Chinese (default) and English. The choice is remembered in localStorage.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en } from './messages-en.js';
import { zh } from './messages-zh.js';
import { names } from './names.js';

const LANG_KEY = 'dashboard.lang';

export const storedLang = () => {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
};

export const storeLang = (lang) => {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // storage refused (private mode): the choice lasts for this page only
  }
};

const messages = { zh, en };

const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The translator for a language: `t(key, params)` fills `{name}` placeholders; `name(group, id)`
 * names an engine id (falling back to the id itself); `category`/`department` use the ruleset's names;
 * `month('2026-09')` names a month ("2026年9月", "Sep 2026").
 */
/** The names the server gives each record type, its states, events and actions, and the records' fields, by group. */
const recordNames = (records, fields, lang) => {
  const groups = { caseType: {}, state: {}, event: {}, action: {}, field: {} };
  for (const [name, label] of Object.entries(fields ?? {})) groups.field[name] = label[lang];
  for (const record of records ?? []) {
    groups.caseType[record.type] = record.label[lang];
    for (const state of record.states) groups.state[state.id] ??= state.label[lang];
    for (const event of record.events) groups.event[event.type] ??= event.label[lang];
    for (const action of record.actions) groups.action[action.name] ??= action.label[lang];
  }
  return groups;
};

export const translator = (lang, categories, records, fields) => {
  const fromServer = recordNames(records, fields, lang);
  const dict = messages[lang];
  const t = (key, params = {}) => {
    const text = dict[key] ?? messages.zh[key] ?? key;
    return typeof text === 'string' ? text.replace(/\{(\w+)\}/g, (_, p) => String(params[p] ?? '')) : text;
  };
  const name = (group, id) => (id === null || id === undefined ? '—' : (fromServer[group]?.[id] ?? names[lang][group]?.[id] ?? id));
  const named = (list, id) => {
    if (id === null || id === undefined) return '—';
    const found = list?.find((c) => c.id === id);
    return found ? found[lang] : id;
  };
  return {
    lang,
    t,
    /** Whether the page has its own text for a key (else `t` falls back to the key itself). */
    has: (key) => key in dict,
    name,
    /** The record types as the server describes them. */
    records: records ?? [],
    /** A record type's collection in the API. */
    segment: (type) => records?.find((r) => r.type === type)?.segment,
    category: (caseType, id) => named(categories?.[caseType], id),
    department: (id) => named(categories?.departments, id),
    month: (id) => {
      const [year, month] = id.split('-');
      return lang === 'zh' ? `${year}年${Number(month)}月` : `${monthsEn[Number(month) - 1] ?? month} ${year}`;
    },
  };
};

export const I18n = createContext(translator('zh', null, null, null));
export const useI18n = () => useContext(I18n);
