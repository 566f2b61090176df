/** Demo mode only: "Simulate an incoming call" rings your extension on the built-in PBX. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { useT } from '../i18n.ts';

type Answer = 'none' | 'here' | 'elsewhere';

export function DemoControl(): JSX.Element | null {
  const { user } = useApp();
  const tr = useT();
  const [available, setAvailable] = useState(false);
  const [extension, setExtension] = useState(user.primaryExtension ?? '');
  const [from, setFrom] = useState('');
  const [answer, setAnswer] = useState<Answer>('none');
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  // Every extension the demo may ring (a colleague's too: to watch a card withdrawn), yours first.
  const [choices, setChoices] = useState<{ extension: string; name: string }[]>([]);

  useEffect(() => {
    let live = true;
    void api.demoAvailable().then((ok) => {
      if (!live || !ok) return;
      setAvailable(true);
      api.demoExtensions().then(
        (r) => live && setChoices([...r.extensions].sort((a, b) => Number(!user.extensions.includes(a.extension)) - Number(!user.extensions.includes(b.extension)))),
        () => undefined,
      );
    });
    return () => {
      live = false;
    };
  }, [user.extensions]);
  // A success says where to look, then goes: the form is used again and again.
  useEffect(() => {
    if (status === null || status.error) return;
    const t = window.setTimeout(() => setStatus(null), 10_000);
    return () => window.clearTimeout(t);
  }, [status]);
  if (!available) return null;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setStatus(null);
    try {
      const ring = extension || choices[0]?.extension || '';
      const res = await api.simulateCall({ answer, ...(ring ? { extension: ring } : {}), ...(from.trim() ? { from: from.trim() } : {}) });
      setStatus({ text: tr.t('console.demo.ringing', { extension: res.extension }), error: false });
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
      <h2 id="demo-heading">{tr.t('console.demo.heading')}</h2>
      <form class="demo-form" onSubmit={submit}>
        <div class="field">
          <label for="demo-ext">{tr.t('console.demo.extension')}</label>
          {choices.length > 0 ? (
            <select id="demo-ext" value={extension || choices[0]!.extension} onChange={(e) => setExtension(e.currentTarget.value)}>
              {choices.map((x) => (
                <option key={x.extension} value={x.extension}>
                  {user.extensions.includes(x.extension) ? tr.t('console.demo.yourExtension', { extension: x.extension }) : `${x.extension} · ${x.name}`}
                </option>
              ))}
            </select>
          ) : user.extensions.length === 1 ? (
            // Your one extension: nothing to choose, nothing to mistype.
            <output id="demo-ext" class="demo-ext">
              {extension}
            </output>
          ) : (
            <input id="demo-ext" value={extension} onInput={(e) => setExtension(e.currentTarget.value)} inputMode="numeric" pattern="[0-9]{2,6}" size={6} />
          )}
        </div>
        <div class="field">
          <label for="demo-from">{tr.t('console.demo.from')}</label>
          <input id="demo-from" type="tel" value={from} onInput={(e) => setFrom(e.currentTarget.value)} inputMode="tel" pattern="[+0-9 ()./-]{3,40}" placeholder={tr.t('console.demo.fromPlaceholder')} size={16} />
        </div>
        <div class="field">
          <label for="demo-answer">{tr.t('console.demo.then')}</label>
          <select id="demo-answer" value={answer} onChange={(e) => setAnswer(e.currentTarget.value as Answer)}>
            <option value="none">{tr.t('console.demo.nobody')}</option>
            <option value="here">{tr.t('console.demo.you')}</option>
            <option value="elsewhere">{tr.t('console.demo.colleague')}</option>
          </select>
        </div>
        <button type="submit" disabled={busy}>
          {tr.t('console.demo.submit')}
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
