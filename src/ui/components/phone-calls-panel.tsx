/**
 * The "Phone calls" panel of a record: every call in and out, from and to which number, who
 * handled it, when, how long, how it ended. Reloads when one of the person's calls ends.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { directionText, formatDuration, formatWhen, outcomeText } from '../format.ts';
import { useT } from '../i18n.ts';
import type { CallRecord, LoggedCall, RecordType } from '../types.ts';
import { PhoneButton } from './phone-button.tsx';
import { RecordingPlayer } from './recording-player.tsx';

export function PhoneCallsPanel({ type, id }: { type: RecordType; id: string }): JSX.Element {
  const { user, live } = useApp();
  const tr = useT();
  const [calls, setCalls] = useState<LoggedCall[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    const t = window.setTimeout(
      () =>
        api.callsForRecord(type, id).then(
          (r) => {
            if (stale) return;
            setCalls(r.calls);
            setNext(r.next ?? null);
            setError(null);
          },
          (err: unknown) => !stale && setError(errorText(err)),
        ),
      // After a call ends its record reaches the log a moment later.
      live.callsChanged === 0 ? 0 : 800,
    );
    return () => {
      stale = true;
      window.clearTimeout(t);
    };
  }, [type, id, live.callsChanged]);

  const more = async (): Promise<void> => {
    if (next === null) return;
    setLoadingMore(true);
    try {
      const r = await api.callsForRecord(type, id, next);
      setCalls((have) => [...(have ?? []), ...r.calls.filter((c) => !(have ?? []).some((h) => h.record.id === c.record.id))]);
      setNext(r.next ?? null);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoadingMore(false);
    }
  };

  const who = (ext: string | null): string => (ext === null ? '–' : tr.t(user.extensions.includes(ext) ? 'console.calls.you' : 'console.card.extension', { extension: ext }));

  return (
    <section class="phone-calls" aria-labelledby="calls-heading">
      <h2 id="calls-heading">{tr.t('console.calls.heading')}</h2>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {calls && calls.length === 0 ? <p class="muted">{tr.t('console.calls.none')}</p> : null}
      {calls && calls.length > 0 ? (
        <div class="table-wrap">
          <table class="calls-table">
            <caption class="visually-hidden">{tr.t('console.calls.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{tr.t('console.calls.when')}</th>
                <th scope="col">{tr.t('console.calls.direction')}</th>
                <th scope="col">{tr.t('console.calls.from')}</th>
                <th scope="col">{tr.t('console.calls.to')}</th>
                <th scope="col">{tr.t('console.calls.handledBy')}</th>
                <th scope="col">{tr.t('console.calls.talk')}</th>
                <th scope="col">{tr.t('console.calls.ended')}</th>
                <th scope="col">{tr.t('console.calls.recording')}</th>
              </tr>
            </thead>
            <tbody>
              {calls.map(({ record: r, externalNumberFormatted }) => (
                <tr key={r.id} data-call-id={r.id}>
                  <td>
                    <time dateTime={r.startedAt ?? undefined}>{formatWhen(r.startedAt, undefined, tr)}</time>
                  </td>
                  <td>{directionText(r.direction, tr)}</td>
                  <td>{r.direction === 'inbound' ? <ExternalNumber record={r} formatted={externalNumberFormatted} /> : who(r.callerExtension)}</td>
                  <td>{r.direction === 'inbound' ? (r.did ? `${tr.t('console.card.line', { did: r.did })}${r.queue ? ` · ${r.queue}` : ''}` : '–') : <ExternalNumber record={r} formatted={externalNumberFormatted} />}</td>
                  <td>{who(r.answeredBy)}</td>
                  <td>{r.disposition === 'answered' ? formatDuration(r.talkSeconds) : <span class="muted">{tr.t('console.calls.rang', { duration: formatDuration(r.ringSeconds) })}</span>}</td>
                  <td>{outcomeText(r, tr)}</td>
                  <td>{r.recording ? <RecordingPlayer callId={r.id} /> : <span class="muted">{tr.t('console.calls.noRecording')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next !== null ? (
            <div class="button-row">
              <button type="button" class="secondary" onClick={() => void more()} disabled={loadingMore}>
                {tr.t('console.calls.more')}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function ExternalNumber({ record, formatted }: { record: CallRecord; formatted: string | null | undefined }): JSX.Element {
  const tr = useT();
  const number = record.externalNumber;
  if (!number) return <span class="muted">{tr.t('console.calls.withheld')}</span>;
  return <PhoneButton number={number} display={formatted ?? null} />;
}
