/**
 * The console's shell: finds out who is signed in, shows the sign-in page or the console (header,
 * navigation, click-to-call status line, the current page), and keeps the live stream open.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, errorText, onSessionLost, setCsrfToken, type EntityRef, type Session } from './api.ts';
import { AppContext, useApp, type AppServices } from './app-context.ts';
import { useLiveBoard, type Connection } from './live/use-live-board.ts';
import { ringingCount } from './live/board-state.ts';
import { Link, navigate, useRoute, type Route } from './router.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { BoardPage } from './pages/board-page.tsx';
import { RecordsPage } from './pages/records-page.tsx';
import { RecordPage } from './pages/record-page.tsx';
import { MissedPage } from './pages/missed-page.tsx';
import { AdminPbxPage, AdminUsersPage } from './pages/admin-pages.tsx';
import type { ApiUser } from './types.ts';

type SessionState = { kind: 'loading' } | { kind: 'signed-out'; notice: string | null } | { kind: 'signed-in'; user: ApiUser };

export function App(): JSX.Element {
  const [session, setSession] = useState<SessionState>({ kind: 'loading' });

  const signedIn = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken);
    setSession({ kind: 'signed-in', user: s.user });
  }, []);
  const signedOut = useCallback((notice: string | null) => {
    setCsrfToken(null);
    setSession({ kind: 'signed-out', notice });
  }, []);

  useEffect(() => {
    api.me().then(signedIn, () => signedOut(null));
    onSessionLost(() => signedOut('Your session ended: sign in again to go on.'));
    return () => onSessionLost(null);
  }, [signedIn, signedOut]);

  if (session.kind === 'loading') return <main id="main" class="loading" aria-busy="true" />;
  if (session.kind === 'signed-out') return <SignInPage onSignedIn={signedIn} notice={session.notice} />;
  return <Console user={session.user} onSignOut={() => signedOut(null)} onLost={() => signedOut('Your session ended: sign in again to go on.')} />;
}

interface CallStatus {
  kind: 'placing' | 'placed' | 'failed';
  text: string;
}

function Console({ user, onSignOut, onLost }: { user: ApiUser; onSignOut: () => void; onLost: () => void }): JSX.Element {
  const live = useLiveBoard(onLost);
  const route = useRoute();
  const [callStatus, setCallStatus] = useState<CallStatus | null>(null);

  const placeCall = useCallback(async (number: string, entity?: EntityRef) => {
    setCallStatus({ kind: 'placing', text: `Calling ${number}: ringing your phone first…` });
    try {
      const res = await api.placeCall(number, entity);
      setCallStatus({ kind: 'placed', text: res.message });
    } catch (err) {
      setCallStatus({ kind: 'failed', text: errorText(err) });
    }
  }, []);
  useEffect(() => {
    if (callStatus?.kind !== 'placed') return;
    const t = window.setTimeout(() => setCallStatus(null), 15_000);
    return () => window.clearTimeout(t);
  }, [callStatus]);

  const ringing = ringingCount(live.board);
  useEffect(() => {
    document.title = ringing > 0 ? `(${ringing}) Ringing · Phone console` : 'Phone console';
  }, [ringing]);

  const services = useMemo<AppServices>(() => ({ user, live, placeCall }), [user, live, placeCall]);
  const signOut = async (): Promise<void> => {
    await api.logout().catch(() => undefined);
    navigate('/', { replace: true });
    onSignOut();
  };

  return (
    <AppContext.Provider value={services}>
      <a class="skip-link" href="#main">
        Skip to the content
      </a>
      <header class="top">
        <span class="brand">Phone console</span>
        <nav aria-label="Main">
          <ul>
            <NavLink route={route} page="board" href="/">
              Live{ringing > 0 ? ` (${ringing})` : ''}
            </NavLink>
            <NavLink route={route} page="records" href="/records">
              Records
            </NavLink>
            <NavLink route={route} page="missed" href="/missed">
              Missed calls
            </NavLink>
            {user.role === 'admin' ? (
              <>
                <NavLink route={route} page="admin-users" href="/admin/users">
                  Users
                </NavLink>
                <NavLink route={route} page="admin-pbx" href="/admin/pbx">
                  PBX
                </NavLink>
              </>
            ) : null}
          </ul>
        </nav>
        <ConnectionBadge connection={live.connection} />
        <span class="who">
          {user.name}
          {user.primaryExtension ? <span class="muted"> · ext. {user.primaryExtension}</span> : null}
        </span>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      {callStatus ? <CallStatusLine status={callStatus} onClose={() => setCallStatus(null)} /> : null}
      <main id="main" tabIndex={-1}>
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
    case 'admin-users':
      return user.role === 'admin' ? <AdminUsersPage /> : <NotFound />;
    case 'admin-pbx':
      return user.role === 'admin' ? <AdminPbxPage /> : <NotFound />;
    case 'not-found':
      return <NotFound />;
  }
}

function NotFound(): JSX.Element {
  return (
    <div class="page">
      <h1>Nothing here</h1>
      <p>
        This page does not exist. Go to the <Link href="/">live board</Link>.
      </p>
    </div>
  );
}

function NavLink(props: { route: Route; page: Route['page']; href: string; children: ComponentChildren }): JSX.Element {
  const current = props.route.page === props.page || (props.page === 'records' && props.route.page === 'record');
  return (
    <li>
      <Link href={props.href} aria-current={current ? 'page' : undefined}>
        {props.children}
      </Link>
    </li>
  );
}

const CONNECTION_TEXT: Record<Connection, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

function ConnectionBadge({ connection }: { connection: Connection }): JSX.Element {
  return (
    <span class={`connection connection--${connection}`} role="status" title={connection === 'live' ? 'Calls appear the moment they ring' : 'Calls may show late until the connection is back'}>
      <span class="dot" aria-hidden="true" /> {CONNECTION_TEXT[connection]}
    </span>
  );
}

function CallStatusLine({ status, onClose }: { status: CallStatus; onClose: () => void }): JSX.Element {
  return (
    <div class={`call-status call-status--${status.kind}`} role={status.kind === 'failed' ? 'alert' : 'status'}>
      <span>{status.text}</span>
      <button type="button" class="link" onClick={onClose} aria-label="Dismiss this message">
        ×
      </button>
    </div>
  );
}
