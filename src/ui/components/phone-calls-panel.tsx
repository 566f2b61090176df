/**
 * The "Phone calls" panel of a record: every call in and out, from and to which number, who
 * handled it, when, how long, how it ended. Reloads when one of the person's calls ends.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { directionText, formatDuration, formatWhen, outcomeText } from '../format.ts';
import type { CallRecord, LoggedCall, RecordType } from '../types.ts';
import { PhoneButton } from './phone-button.tsx';
import { RecordingPlayer } from './recording-player.tsx';

export function PhoneCallsPanel({ type, id }: { type: RecordType; id: string }): JSX.Element {
  const { user, live } = useApp();
  const [calls, setCalls] = useState<LoggedCall[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    const t = window.setTimeout(
      () =>
        api.callsForRecord(type, id).then(
          (r) => {
            if (stale) return;
            setCalls(r.calls);
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

  const who = (ext: string | null): string => (ext === null ? '–' : user.extensions.includes(ext) ? `You (${ext})` : `ext. ${ext}`);

  return (
    <section class="phone-calls" aria-labelledby="calls-heading">
      <h2 id="calls-heading">Phone calls</h2>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {calls && calls.length === 0 ? <p class="muted">No calls with this record yet.</p> : null}
      {calls && calls.length > 0 ? (
        <div class="table-wrap">
          <table class="calls-table">
            <caption class="visually-hidden">Calls with this record, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Direction</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Handled by</th>
                <th scope="col">Talk</th>
                <th scope="col">Ended</th>
                <th scope="col">Recording</th>
              </tr>
            </thead>
            <tbody>
              {calls.map(({ record: r }) => (
                <tr key={r.id} data-call-id={r.id}>
                  <td>
                    <time dateTime={r.startedAt ?? undefined}>{formatWhen(r.startedAt)}</time>
                  </td>
                  <td>{directionText(r.direction)}</td>
                  <td>{r.direction === 'inbound' ? <ExternalNumber record={r} /> : who(r.callerExtension)}</td>
                  <td>{r.direction === 'inbound' ? (r.did ? `line ${r.did}${r.queue ? ` · ${r.queue}` : ''}` : '–') : <ExternalNumber record={r} />}</td>
                  <td>{who(r.answeredBy)}</td>
                  <td>{r.disposition === 'answered' ? formatDuration(r.talkSeconds) : <span class="muted">rang {formatDuration(r.ringSeconds)}</span>}</td>
                  <td>{outcomeText(r)}</td>
                  <td>{r.recording ? <RecordingPlayer callId={r.id} /> : <span class="muted">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function ExternalNumber({ record }: { record: CallRecord }): JSX.Element {
  const number = record.externalNumber;
  if (!number) return <span class="muted">withheld</span>;
  return <PhoneButton number={number} />;
}
