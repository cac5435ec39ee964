// The staff's page: sign-in, each role's views (web/roles.js), and the live dashboard stream for the roles that read it.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Agreement } from './agreement.js';
import { ApiError, clearToken, followDashboard, getJson, getToken, onUnauthorized, queryString, setToken } from './api.js';
import { Board, FilterBar } from './board.js';
import { CaseView } from './case.js';
import { html } from './html.js';
import { I18n, storedLang, storeLang, translator, useI18n } from './i18n.js';
import { formatInstant, syncServerTime, useServerNow } from './time.js';
import { Jobs } from './jobs.js';
import { PrintOrder } from './print.js';
import { Queues } from './queues.js';
import { Today } from './today.js';
import { Find } from './find.js';
import { Import } from './import.js';
import { forgetDesk, Register } from './register.js';
import { mayOpen, readsDashboard, startView, viewsOf } from './roles.js';

performance.mark('dashboard:script-start');

const PROPERTY_KEY = 'dashboard.property';
/** Clocks listed per list at first; "show more" asks the server for more (at most 1,000). */
const LIST_LIMIT = 100;

/** The views the shell knows; a hash naming another (or none) opens the role's start view. */
const knownViews = ['board', 'today', 'agreement', 'case', 'register', 'find', 'queues', 'jobs', 'print', 'import'];

const parseHash = () => {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const view = knownViews.includes(parts[0]) ? parts[0] : null;
  if (view === 'case' || view === 'print') return { view, caseType: parts[1] ?? null, caseId: parts[2] ?? null };
  if (view === 'queues') return { view, queue: parts[1] ?? null };
  return { view, part: parts[1] ?? null };
};

const useRoute = () => {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const changed = () => setRoute(parseHash());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
};

const SignIn = ({ message, onSignedIn }) => {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(message ? t(message) : null);
  const submit = async (event) => {
    event.preventDefault();
    const token = new FormData(event.currentTarget).get('token')?.toString().trim();
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      const session = await getJson('/dashboard/session', { token, quiet: true });
      setToken(token);
      onSignedIn(session);
    } catch (e) {
      setError(
        e instanceof ApiError
          ? e.status === 401
            ? t('signIn.invalid')
            : e.status === 403
              ? t('signIn.forbidden')
              : e.message
          : t('signIn.failed', { message: e.message }),
      );
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="signin">
    <form id="signin" onSubmit=${submit} aria-labelledby="signin-title">
      <h1 id="signin-title">${t('title')} · ${t('signIn.title')}</h1>
      <p>${t('signIn.intro')}</p>
      <label for="token">${t('signIn.token')}</label>
      <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required autofocus />
      ${error ? html`<p class="problem" role="alert" id="signin-error">${error}</p>` : null}
      <button type="submit" disabled=${busy}>${busy ? t('signIn.busy') : t('signIn.submit')}</button>
    </form>
  </main>`;
};

const clean = (filters) => Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''));

/**
 * The dashboard of a property, live: the stream follows the filters and the list limit, and is
 * opened again when either changes.
 */
const useLiveDashboard = (propertyId, filters, limit, enabled) => {
  const [dashboard, setDashboard] = useState(null);
  const [status, setStatus] = useState({ state: 'connecting' });
  const [problem, setProblem] = useState(null);
  const [version, setVersion] = useState(0);
  const query = queryString({ propertyId, ...clean(filters), limit });
  useEffect(() => {
    setProblem(null);
    // A role that may not read the stream is never connected to it (it would answer 403).
    if (!enabled) return undefined;
    return followDashboard(query, {
      onDashboard: (next) => {
        syncServerTime(next.asOf);
        setDashboard({ query, dashboard: next });
        setProblem(null);
        setVersion((v) => v + 1);
      },
      onProblem: setProblem,
      onStatus: setStatus,
    });
  }, [query, enabled]);
  // While a changed query's first message is on its way, the last dashboard stays on screen.
  const latest = dashboard?.dashboard ?? null;
  return { dashboard: latest, streamed: latest, pending: dashboard !== null && dashboard.query !== query, status, problem, version };
};

const ConnectionStatus = ({ status, streamed, problem }) => {
  const { t } = useI18n();
  const now = useServerNow();
  let text;
  let kind;
  if (status.state === 'disconnected') {
    kind = 'down';
    text = t('status.disconnected', { seconds: Math.max(0, Math.ceil((status.retryAt - Date.now()) / 1000)) });
  } else if (status.state === 'connecting') {
    kind = 'down';
    text = t('status.connecting');
  } else {
    // A projection a second or more behind; a moment's lag while an event is being applied is not shown.
    const behind = (streamed?.lag ?? []).filter((l) => !l.caughtUp && l.seconds >= 1);
    const failed = (streamed?.lag ?? []).find((l) => l.error);
    if (failed) {
      kind = 'behind';
      text = t('status.projectionError', { error: failed.error });
    } else if (behind.length > 0) {
      kind = 'behind';
      text = t('status.behind', {
        seconds: Math.max(...behind.map((l) => Math.round(l.seconds))),
        events: behind.reduce((sum, l) => sum + l.events, 0) + (behind.some((l) => l.capped) ? '+' : ''),
      });
    } else {
      kind = 'live';
      text = t('status.live');
    }
  }
  void now; // re-rendered each second so the reconnect countdown moves
  return html`<div class="connection">
    <span id="connection" class=${`conn conn-${kind}`} role="status" aria-live="polite"><span aria-hidden="true">${kind === 'live' ? '● ' : kind === 'behind' ? '◐ ' : '○ '}</span>${text}</span>
    ${problem ? html`<span class="problem" role="alert" id="stream-problem">${t('status.problem', { detail: problem.detail ?? problem.title ?? problem.status })}</span>` : null}
  </div>`;
};

const Shell = ({ session, lang, onLang, onSignOut }) => {
  const i18n = useI18n();
  const { t } = i18n;
  const route = useRoute();
  const [propertyId, setPropertyId] = useState(() => {
    const stored = localStorage.getItem(PROPERTY_KEY);
    return session.properties.some((p) => p.id === stored) ? stored : session.properties[0]?.id;
  });
  const chooseProperty = (id) => {
    localStorage.setItem(PROPERTY_KEY, id);
    setPropertyId(id);
    changeFilters({});
  };
  const [filters, setFilters] = useState({});
  const [limit, setLimit] = useState(LIST_LIMIT);
  const changeFilters = (next) => {
    setFilters(next);
    setLimit(LIST_LIMIT);
  };
  const property = session.properties.find((p) => p.id === propertyId);
  const streams = readsDashboard(session.role);
  const live = useLiveDashboard(propertyId, filters, limit, streams);
  const [registered, setRegistered] = useState(null);
  // The registration notice stays with the record it registered: leaving it dismisses the notice.
  useEffect(() => {
    setRegistered((done) => (done && route.view === 'case' && route.caseId === done.id ? done : null));
  }, [route.view, route.caseId]);
  // A view the role may not open (or none named) sends the page to the role's start view.
  useEffect(() => {
    if (!route.view || !mayOpen(session.role, route.view)) location.replace(`#/${startView(session.role)}`);
  }, [route.view, session.role]);
  const timeZone = live.streamed?.timeZone ?? property?.timeZone ?? 'Asia/Shanghai';
  const main = useRef(null);

  const nav = viewsOf(session.role).map((id) => [id, t(`nav.${id}`)]);
  let view;
  if (!route.view || !mayOpen(session.role, route.view)) view = null;
  else if (route.view === 'register')
    view = html`<${Register} session=${session} formId=${route.part} propertyId=${propertyId} timeZone=${timeZone} onRegistered=${(done) => {
      setRegistered(done);
      location.hash = `#/case/${done.type}/${encodeURIComponent(done.id)}`;
    }} />`;
  else if (route.view === 'find')
    view = html`<${Find} propertyId=${propertyId} properties=${session.properties} onProperty=${chooseProperty} timeZone=${timeZone} />`;
  else if (route.view === 'today') view = html`<${Today} dashboard=${live.dashboard} />`;
  else if (route.view === 'import') view = html`<${Import} session=${session} />`;
  else if (route.view === 'agreement')
    view = html`<${Agreement} propertyId=${propertyId} property=${property} today=${live.streamed?.today} timeZone=${timeZone} version=${live.version} />`;
  else if (route.view === 'case')
    view = html`<${CaseView} key=${`${route.caseType}/${route.caseId}`} caseType=${route.caseType ?? 'complaint'} caseId=${route.caseId} role=${session.role} timeZone=${timeZone} version=${live.version} />`;
  else if (route.view === 'queues')
    view = html`<${Queues} queue=${route.queue} propertyId=${propertyId} counts=${live.streamed?.queues} timeZone=${timeZone} version=${live.version} />`;
  else if (route.view === 'jobs') view = html`<${Jobs} session=${session} propertyId=${propertyId} timeZone=${timeZone} version=${live.version} />`;
  else if (route.view === 'print')
    view = html`<${PrintOrder} key=${`${route.caseType}/${route.caseId}`} caseType=${route.caseType ?? 'repair'} caseId=${route.caseId} timeZone=${timeZone} />`;
  else view = html`<${Board} dashboard=${live.dashboard} limit=${limit} onLimit=${setLimit} />`;
  const withFilters = route.view === 'board' || route.view === 'today';

  return html`<div class="shell">
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault();
      main.current?.focus();
    }}>${t('skip')}</a>
    <header class="top">
      <h1>${t('title')}<span class="property-name"> · ${property?.name ?? propertyId}</span></h1>
      ${
        streams
          ? html`<${ConnectionStatus} status=${live.status} streamed=${live.streamed} problem=${live.problem} />
      <span class="as-of">${t('asOf')}: <time id="as-of" datetime=${live.streamed?.asOf ?? ''}>${live.streamed ? formatInstant(live.streamed.asOf, i18n, timeZone, true) : '—'}</time> <span class="muted">(${timeZone})</span></span>`
          : null
      }
      <span class="who muted">${i18n.name('role', session.role)}</span>
      <button type="button" id="lang-switch" lang=${lang === 'zh' ? 'en' : 'zh'} aria-label=${t('language.label')} onClick=${() => onLang(lang === 'zh' ? 'en' : 'zh')}>${t('language')}</button>
      <button type="button" id="sign-out" onClick=${onSignOut}>${t('signOut')}</button>
    </header>
    <nav aria-label=${t('nav.label')}><ul>
      ${nav.map(([id, label]) => html`<li><a href=${`#/${id}`} id=${`nav-${id}`} aria-current=${route.view === id ? 'page' : undefined}>${label}</a></li>`)}
    </ul></nav>
    ${withFilters ? html`<${FilterBar} session=${session} propertyId=${propertyId} onProperty=${chooseProperty} filters=${filters} onFilters=${changeFilters} dashboard=${live.streamed} />` : null}
    ${
      registered
        ? html`<p class="registered" role="status" id="registered">${registered.number ? t('register.done', { number: registered.number }) : t('register.recorded')}
        <button type="button" class="link" onClick=${() => setRegistered(null)}>${t('register.dismiss')}</button></p>`
        : null
    }
    <main id="main" tabindex="-1" ref=${main}>${view}</main>
  </div>`;
};

const App = () => {
  const [lang, setLang] = useState(storedLang);
  const [session, setSession] = useState(null);
  const [signedIn, setSignedIn] = useState(() => getToken() !== null);
  const [message, setMessage] = useState(null);
  const [failure, setFailure] = useState(null);
  const i18n = useMemo(() => translator(lang, session?.categories, session?.records, session?.fields), [lang, session]);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = i18n.t('title');
  }, [lang, i18n]);
  useEffect(() => {
    onUnauthorized(() => {
      clearToken();
      setSession(null);
      setSignedIn(false);
      setMessage('signIn.expired');
    });
  }, []);
  useEffect(() => {
    if (!signedIn || session) return;
    getJson('/dashboard/session').then(setSession, (error) => {
      if (error.status !== 401) setFailure(error);
    });
  }, [signedIn, session]);

  const chooseLang = (next) => {
    storeLang(next);
    setLang(next);
  };
  const signOut = () => {
    clearToken();
    forgetDesk();
    setSession(null);
    setSignedIn(false);
    setMessage(null);
  };
  let body;
  if (!signedIn) {
    body = html`<${SignIn} message=${message} onSignedIn=${(s) => {
      setSession(s);
      setSignedIn(true);
      setMessage(null);
    }} />`;
  } else if (!session) {
    body = failure
      ? html`<main><p class="problem" role="alert">${i18n.t('error.generic', { message: failure.message })}</p><button type="button" onClick=${() => {
          setFailure(null);
          signOut();
        }}>${i18n.t('signOut')}</button></main>`
      : html`<p class="loading">${i18n.t('loading')}</p>`;
  } else {
    body = html`<${Shell} session=${session} lang=${lang} onLang=${chooseLang} onSignOut=${signOut} />`;
  }
  return html`<${I18n.Provider} value=${i18n}>
    ${!signedIn ? html`<div class="lang-corner"><button type="button" id="lang-switch" onClick=${() => chooseLang(lang === 'zh' ? 'en' : 'zh')}>${i18n.t('language')}</button></div>` : null}
    ${body}
  </${I18n.Provider}>`;
};

const root = document.getElementById('app');
root.textContent = ''; // the static "loading" line
render(html`<${App} />`, root);
