/** Demo mode only: "Simulate an incoming call" rings your extension on the built-in PBX. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';

type Answer = 'none' | 'here' | 'elsewhere';

export function DemoControl(): JSX.Element | null {
  const { user } = useApp();
  const [available, setAvailable] = useState(false);
  const [extension, setExtension] = useState(user.primaryExtension ?? '');
  const [from, setFrom] = useState('');
  const [answer, setAnswer] = useState<Answer>('none');
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void api.demoAvailable().then((ok) => live && setAvailable(ok));
    return () => {
      live = false;
    };
  }, []);
  if (!available) return null;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setStatus(null);
    try {
      const res = await api.simulateCall({ answer, ...(extension ? { extension } : {}), ...(from.trim() ? { from: from.trim() } : {}) });
      setStatus({ text: `Extension ${res.extension} is ringing: watch for the card.`, error: false });
    } catch (err) {
      // The route disappeared (the service restarted outside demo mode): stop offering it.
      if (err instanceof ApiError && err.httpStatus === 404) setAvailable(false);
      setStatus({ text: errorText(err), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="demo" aria-labelledby="demo-heading">
      <h2 id="demo-heading">Demo</h2>
      <form class="demo-form" onSubmit={submit}>
        <div class="field">
          <label for="demo-ext">Ring extension</label>
          {user.extensions.length > 1 ? (
            <select id="demo-ext" value={extension} onChange={(e) => setExtension(e.currentTarget.value)}>
              {user.extensions.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          ) : (
            <input id="demo-ext" value={extension} onInput={(e) => setExtension(e.currentTarget.value)} inputMode="numeric" size={6} />
          )}
        </div>
        <div class="field">
          <label for="demo-from">From number (optional)</label>
          <input id="demo-from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} inputMode="tel" placeholder="a demo customer" size={16} />
        </div>
        <div class="field">
          <label for="demo-answer">Then</label>
          <select id="demo-answer" value={answer} onChange={(e) => setAnswer(e.currentTarget.value as Answer)}>
            <option value="none">nobody answers</option>
            <option value="here">you answer</option>
            <option value="elsewhere">a colleague answers</option>
          </select>
        </div>
        <button type="submit" disabled={busy}>
          Simulate an incoming call
        </button>
      </form>
      {status ? (
        <p class={status.error ? 'error' : 'muted'} role={status.error ? 'alert' : 'status'}>
          {status.text}
        </p>
      ) : null}
    </section>
  );
}
