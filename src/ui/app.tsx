/**
 * The console's shell: finds out who is signed in, shows the sign-in page or the console (header,
 * navigation, click-to-call status line, the current page), and keeps the live stream open.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, errorText, onSessionLost, setApiLanguage, setCsrfToken, type EntityRef, type Session } from './api.ts';
import { browserLocale, I18nContext, useT } from './i18n.ts';
import { LOCALE_NAMES, LOCALES, isLocale, type Locale } from '../i18n/locales.ts';
import { browserTranslator as translator } from '../i18n/browser.ts';
import { AppContext, useApp, type AppServices } from './app-context.ts';
import { useLiveBoard, type Connection } from './live/use-live-board.ts';
import { ringingCount } from './live/board-state.ts';
import { Link, navigate, useRoute, type Route } from './router.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { BoardPage } from './pages/board-page.tsx';
import { RecordsPage } from './pages/records-page.tsx';
import { RecordPage } from './pages/record-page.tsx';
import { MissedPage } from './pages/missed-page.tsx';
import { MissedAlerts } from './components/missed-alerts.tsx';
import { ReportsPage } from './pages/reports-page.tsx';
import { AdminPbxPage, AdminUsersPage } from './pages/admin-pages.tsx';
import type { ApiUser } from './types.ts';

type SessionState = { kind: 'loading' } | { kind: 'signed-out'; notice: string | null } | { kind: 'signed-in'; user: ApiUser };

export function App(): JSX.Element {
  const [session, setSession] = useState<SessionState>({ kind: 'loading' });
  // The person's pick once signed in; until then, and when they never picked, the browser's.
  const [locale, setLocale] = useState<Locale>(browserLocale);
  const tr = useMemo(() => translator(locale), [locale]);
  useEffect(() => {
    setApiLanguage(tr);
    document.documentElement.lang = locale;
  }, [tr, locale]);

  const signedIn = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken);
    if (s.locale != null && isLocale(s.locale)) setLocale(s.locale);
    setSession({ kind: 'signed-in', user: s.user });
  }, []);
  const signedOut = useCallback((notice: string | null) => {
    setCsrfToken(null);
    setSession({ kind: 'signed-out', notice });
  }, []);

  useEffect(() => {
    api.me().then(signedIn, () => signedOut(null));
    onSessionLost(() => signedOut('console.session.ended'));
    return () => onSessionLost(null);
  }, [signedIn, signedOut]);

  const pick = useCallback(async (next: Locale) => {
    setLocale(next);
    // Kept by the service, so that it follows the person to another browser; a failure only means
    // the choice lasts until the page is reloaded.
    await api.setLanguage(next).catch(() => undefined);
  }, []);

  let page: JSX.Element;
  if (session.kind === 'loading') page = <main id="main" class="loading" aria-busy="true" />;
  else if (session.kind === 'signed-out') page = <SignInPage onSignedIn={signedIn} notice={session.notice === null ? null : tr.t('console.session.ended')} />;
  else page = <Console user={session.user} locale={locale} onPickLocale={pick} onSignOut={() => signedOut(null)} onLost={() => signedOut('console.session.ended')} />;
  return <I18nContext.Provider value={tr}>{page}</I18nContext.Provider>;
}

interface CallStatus {
  kind: 'placing' | 'placed' | 'failed';
  text: string;
}

function Console({ user, locale, onPickLocale, onSignOut, onLost }: { user: ApiUser; locale: Locale; onPickLocale: (l: Locale) => void; onSignOut: () => void; onLost: () => void }): JSX.Element {
  const tr = useT();
  const live = useLiveBoard(onLost, { userId: user.id });
  const route = useRoute();
  const [callStatus, setCallStatus] = useState<CallStatus | null>(null);

  const placeCall = useCallback(async (number: string, entity?: EntityRef) => {
    setCallStatus({ kind: 'placing', text: tr.t('console.call.placing', { number }) });
    try {
      const res = await api.placeCall(number, entity);
      setCallStatus({ kind: 'placed', text: res.message });
    } catch (err) {
      setCallStatus({ kind: 'failed', text: errorText(err) });
    }
  }, [tr]);
  useEffect(() => {
    if (callStatus?.kind !== 'placed') return;
    const t = window.setTimeout(() => setCallStatus(null), 15_000);
    return () => window.clearTimeout(t);
  }, [callStatus]);

  const ringing = ringingCount(live.board);
  const missedCount = live.missed.count ?? 0;
  useEffect(() => {
    document.title = ringing > 0 ? tr.t('console.title.ringing', { count: ringing }) : tr.t('console.title');
  }, [ringing, tr]);

  const services = useMemo<AppServices>(() => ({ user, live, placeCall }), [user, live, placeCall]);
  const signOut = async (): Promise<void> => {
    await api.logout().catch(() => undefined);
    navigate('/', { replace: true });
    onSignOut();
  };

  return (
    <AppContext.Provider value={services}>
      <a class="skip-link" href="#main">
        {tr.t('console.skip')}
      </a>
      <header class="top">
        <span class="brand">{tr.t('console.title')}</span>
        <nav aria-label={tr.t('console.nav.label')}>
          <ul>
            <NavLink route={route} page="board" href="/">
              {tr.t('console.nav.live')}
              {ringing > 0 ? ` (${ringing})` : ''}
            </NavLink>
            <NavLink route={route} page="records" href="/records">
              {tr.t('console.nav.records')}
            </NavLink>
            <NavLink route={route} page="missed" href="/missed" label={missedCount > 0 ? tr.t('console.missed.navLabel', { count: missedCount }) : undefined}>
              {tr.t('console.nav.missed')}
              {missedCount > 0 ? (
                <span class="nav-count" aria-hidden="true">
                  {` (${missedCount})`}
                </span>
              ) : null}
            </NavLink>
            <NavLink route={route} page="reports" href="/reports">
              {tr.t('console.nav.reports')}
            </NavLink>
            {user.role === 'admin' ? (
              <>
                <NavLink route={route} page="admin-users" href="/admin/users">
                  {tr.t('console.nav.users')}
                </NavLink>
                <NavLink route={route} page="admin-pbx" href="/admin/pbx">
                  {tr.t('console.nav.pbx')}
                </NavLink>
              </>
            ) : null}
          </ul>
        </nav>
        <ConnectionBadge connection={live.connection} />
        <span class="who">
          {user.name}
          {user.primaryExtension ? <span class="muted"> · {tr.t('console.card.extension', { extension: user.primaryExtension })}</span> : null}
        </span>
        <label class="language">
          <span class="visually-hidden">{tr.t('console.language')}</span>
          <select value={locale} onChange={(e) => onPickLocale(e.currentTarget.value as Locale)}>
            {LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LOCALE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary" onClick={signOut}>
          {tr.t('console.signOut')}
        </button>
      </header>
      {callStatus ? <CallStatusLine status={callStatus} onClose={() => setCallStatus(null)} /> : null}
      <main id="main" tabIndex={-1}>
        {route.page === 'board' ? <MissedAlerts /> : null}
        <Page route={route} />
      </main>
    </AppContext.Provider>
  );
}

function Page({ route }: { route: Route }): JSX.Element {
  const { user } = useApp();
  switch (route.page) {
    case 'board':
      return <BoardPage />;
    case 'records':
      return <RecordsPage q={route.q} />;
    case 'record':
      return <RecordPage type={route.type} id={route.id} />;
    case 'missed':
      return <MissedPage />;
    case 'reports':
      return <ReportsPage />;
    case 'admin-users':
      return user.role === 'admin' ? <AdminUsersPage /> : <NotFound />;
    case 'admin-pbx':
      return user.role === 'admin' ? <AdminPbxPage /> : <NotFound />;
    case 'not-found':
      return <NotFound />;
  }
}

function NotFound(): JSX.Element {
  const tr = useT();
  return (
    <div class="page">
      <h1>{tr.t('console.notFound.heading')}</h1>
      <p>
        {tr.t('console.notFound.text')} <Link href="/">{tr.t('console.notFound.link')}</Link>
      </p>
    </div>
  );
}

/** `label`: the link's accessible name when its text alone would say less (a count shown as a number). */
function NavLink(props: { route: Route; page: Route['page']; href: string; label?: string | undefined; children: ComponentChildren }): JSX.Element {
  const current = props.route.page === props.page || (props.page === 'records' && props.route.page === 'record');
  return (
    <li>
      <Link href={props.href} aria-current={current ? 'page' : undefined} aria-label={props.label}>
        {props.children}
      </Link>
    </li>
  );
}

const CONNECTION_KEY = { connecting: 'console.connection.connecting', live: 'console.connection.live', reconnecting: 'console.connection.reconnecting' } as const;

function ConnectionBadge({ connection }: { connection: Connection }): JSX.Element {
  const tr = useT();
  return (
    <span class={`connection connection--${connection}`} role="status" title={tr.t(connection === 'live' ? 'console.connection.liveTitle' : 'console.connection.lateTitle')}>
      <span class="dot" aria-hidden="true" /> {tr.t(CONNECTION_KEY[connection])}
    </span>
  );
}

function CallStatusLine({ status, onClose }: { status: CallStatus; onClose: () => void }): JSX.Element {
  const tr = useT();
  return (
    <div class={`call-status call-status--${status.kind}`} role={status.kind === 'failed' ? 'alert' : 'status'}>
      <span>{status.text}</span>
      <button type="button" class="link" onClick={onClose} aria-label={tr.t('console.dismiss')}>
        ×
      </button>
    </div>
  );
}
