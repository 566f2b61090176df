/** Sign in with a login and password; the service sets an http-only session cookie. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, errorText, type Session } from '../api.ts';
import { useT } from '../i18n.ts';

export function SignInPage({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string | null }): JSX.Element {
  const tr = useT();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.login(login.trim(), password));
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <form class="sign-in-form" onSubmit={submit} aria-labelledby="sign-in-heading">
        <h1 id="sign-in-heading">{tr.t('console.signIn.heading')}</h1>
        {notice ? <p class="muted">{notice}</p> : null}
        <div class="field">
          <label for="login">{tr.t('console.signIn.login')}</label>
          <input id="login" name="username" autoComplete="username" value={login} onInput={(e) => setLogin(e.currentTarget.value)} required autoFocus />
        </div>
        <div class="field">
          <label for="password">{tr.t('console.signIn.password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </div>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {tr.t(busy ? 'console.signIn.busy' : 'console.signIn.submit')}
        </button>
      </form>
    </main>
  );
}
