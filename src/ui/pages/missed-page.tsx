/** Missed calls on your extensions: call back, or mark them handled once dealt with. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { PhoneButton } from '../components/phone-button.tsx';
import { formatDuration, formatWhen, outcomeText } from '../format.ts';
import type { LoggedCall } from '../types.ts';

export function MissedPage(): JSX.Element {
  const { live } = useApp();
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
      setStatus('Marked as handled.');
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="page">
      <h1>Missed calls</h1>
      <label class="checkbox">
        <input type="checkbox" checked={includeHandled} onChange={(e) => setIncludeHandled(e.currentTarget.checked)} /> Show handled calls too
      </label>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="visually-hidden" role="status">
        {status ?? ''}
      </p>
      {calls && calls.length === 0 ? <p class="empty">No missed calls to deal with. Well done.</p> : null}
      {calls && calls.length > 0 ? (
        <ul class="missed-list" aria-label="Missed calls">
          {calls.map(({ record: r, handledAt }) => (
            <li key={r.id} class="missed-item" data-call-id={r.id}>
              <div class="missed-who">
                <strong>{r.externalName ?? 'Unknown caller'}</strong>
                <span class="muted">
                  {formatWhen(r.startedAt)} · {outcomeText(r)} · rang {formatDuration(r.ringSeconds)}
                  {r.did ? ` · line ${r.did}` : ''}
                  {r.queue ? ` · ${r.queue}` : ''}
                </span>
              </div>
              <div class="button-row">
                {r.externalNumber ? <PhoneButton number={r.externalNumber} /> : <span class="muted">No number to call back</span>}
                {handledAt ? (
                  <span class="muted">Handled {formatWhen(handledAt)}</span>
                ) : (
                  <button type="button" class="secondary" onClick={() => void markHandled(r.id)}>
                    Mark handled
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
