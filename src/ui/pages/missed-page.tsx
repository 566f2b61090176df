/** Missed calls on your extensions: call back, or mark them handled once dealt with. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { PhoneButton } from '../components/phone-button.tsx';
import { formatDuration, formatWhen, outcomeText } from '../format.ts';
import type { LoggedCall } from '../types.ts';
import { useT } from '../i18n.ts';

export function MissedPage(): JSX.Element {
  const { live } = useApp();
  const tr = useT();
  const [includeHandled, setIncludeHandled] = useState(false);
  const [calls, setCalls] = useState<LoggedCall[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    api.missedCalls(includeHandled).then(
      (r) => {
        if (stale) return;
        setCalls(r.calls);
        setError(null);
      },
      (err: unknown) => !stale && setError(errorText(err)),
    );
    return () => {
      stale = true;
    };
  }, [includeHandled, live.callsChanged]);

  const markHandled = async (callId: string): Promise<void> => {
    try {
      await api.markHandled(callId);
      setCalls((cs) => (includeHandled ? (cs ?? []).map((c) => (c.record.id === callId ? { ...c, handledAt: new Date().toISOString() } : c)) : (cs ?? []).filter((c) => c.record.id !== callId)));
      setStatus(tr.t('console.missed.marked'));
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="page">
      <h1>{tr.t('console.nav.missed')}</h1>
      <label class="checkbox">
        <input type="checkbox" checked={includeHandled} onChange={(e) => setIncludeHandled(e.currentTarget.checked)} /> {tr.t('console.missed.showHandled')}
      </label>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="visually-hidden" role="status">
        {status ?? ''}
      </p>
      {calls && calls.length === 0 ? <p class="empty">{tr.t('console.missed.none')}</p> : null}
      {calls && calls.length > 0 ? (
        <ul class="missed-list" aria-label={tr.t('console.nav.missed')}>
          {calls.map(({ record: r, handledAt, externalNumberFormatted }) => (
            <li key={r.id} class="missed-item" data-call-id={r.id}>
              <div class="missed-who">
                <strong>{r.externalName ?? tr.t(r.externalNumber ? 'console.card.unknownCaller' : 'console.card.anonymousCaller')}</strong>
                <span class="muted">
                  {formatWhen(r.startedAt, undefined, tr)} · {outcomeText(r, tr)} · {tr.t('console.calls.rang', { duration: formatDuration(r.ringSeconds) })}
                  {r.did ? ` · ${tr.t('console.card.line', { did: r.did })}` : ''}
                  {r.queue ? ` · ${r.queue}` : ''}
                </span>
              </div>
              <div class="button-row">
                {r.externalNumber ? <PhoneButton number={r.externalNumber} display={externalNumberFormatted ?? null} /> : <span class="muted">{tr.t('console.missed.noNumber')}</span>}
                {handledAt ? (
                  <span class="muted">{tr.t('console.missed.handled', { when: formatWhen(handledAt, undefined, tr) })}</span>
                ) : (
                  <button type="button" class="secondary" onClick={() => void markHandled(r.id)}>
                    {tr.t('console.missed.markHandled')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
