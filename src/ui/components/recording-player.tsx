/**
 * The recording of one call: fetched on demand (a click, so a long panel costs no requests), played
 * by the browser's own player with Range requests (play, pause, seek), a speed choice, and a
 * download link when the person may keep it. "No audio" and unreachable files say so in words.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { useT } from '../i18n.ts';

interface RecordingInfoView {
  audio: boolean;
  reason: string | null;
  url: string | null;
  downloadUrl: string | null;
  playable: boolean | null;
  durationSeconds: number | null;
}

export interface CallRecordingView {
  recording: RecordingInfoView | null;
  reason: string | null;
}

const SPEEDS = [0.75, 1, 1.25, 1.5, 2];

export function RecordingPlayer({ callId }: { callId: string }): JSX.Element {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; info: RecordingInfoView } | { kind: 'none'; text: string }>({ kind: 'idle' });
  const [speed, setSpeed] = useState(1);
  const tr = useT();

  const load = (): void => {
    setState({ kind: 'loading' });
    api.callRecording(callId).then(
      (r) => {
        const rec = r.recording;
        // Only our own API paths are ever put into the page as a media source.
        if (rec && rec.audio && rec.url?.startsWith('/api/')) setState({ kind: 'ready', info: rec });
        else setState({ kind: 'none', text: rec?.reason ?? r.reason ?? tr.t('console.recording.none') });
      },
      (err: unknown) => setState({ kind: 'none', text: errorText(err) }),
    );
  };

  if (state.kind === 'idle') {
    return (
      <button type="button" class="link-button" onClick={load} aria-label={tr.t('console.recording.playLabel')}>
        ▶ {tr.t('console.recording.play')}
      </button>
    );
  }
  if (state.kind === 'loading') return <span class="muted">{tr.t('console.loading')}</span>;
  if (state.kind === 'none') return <span class="muted">{state.text}</span>;
  const { info } = state;
  return (
    <span class="recording-player">
      {info.playable === false ? (
        <span class="muted">{tr.t('console.recording.cannotPlay')}</span>
      ) : (
        <audio
          controls
          preload="metadata"
          src={info.url!}
          autoPlay
          onLoadedMetadata={(e) => ((e.currentTarget as HTMLAudioElement).playbackRate = speed)}
          aria-label={tr.t('console.recording.label')}
        />
      )}
      <label class="speed">
        <span class="visually-hidden">{tr.t('console.recording.speed')}</span>
        <select
          value={String(speed)}
          onChange={(e) => {
            const v = Number((e.currentTarget as HTMLSelectElement).value);
            setSpeed(v);
            const audio = (e.currentTarget as HTMLSelectElement).closest('.recording-player')?.querySelector('audio');
            if (audio) audio.playbackRate = v;
          }}
        >
          {SPEEDS.map((s) => (
            <option value={String(s)} key={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      {info.downloadUrl?.startsWith('/api/') ? (
        <a href={info.downloadUrl} download>
          {tr.t('console.recording.download')}
        </a>
      ) : null}
    </span>
  );
}
