/** Call recordings: located from the engine's effects and the PBX's reports, streamed to those allowed. */
import type { Log } from '../../logger.ts';
import type { Store } from '../../store/store.ts';
import { pbxsWithRecordings, Recordings, recordingSettings, type RecordingsEnv } from '../../recordings/index.ts';
import type { Access } from '../../web/auth/access.ts';
import { recordingsRoutes } from '../../web/routes/recordings-routes.ts';
import type { Capability } from '../capability.ts';
import type { EffectSink } from '../pbx-session.ts';

export interface RecordingsCapability extends Capability {
  recordings: Recordings;
}

/**
 * `pbxs`: every PBX with its own settings, the default first. With one PBX its source serves every
 * recording (as always); with several, each PBX's recordings come from its own source only, so a
 * branch's file name is never looked for on the main PBX's host.
 */
export function createRecordings(
  config: RecordingsEnv,
  deps: { store: Store; access: Access; log: Log; pbxs: readonly { id: string; config: RecordingsEnv; ownRecordings: boolean }[] },
): RecordingsCapability {
  const settings = recordingSettings(config);
  if (deps.pbxs.length > 1) {
    const sources: typeof settings.sources = {};
    for (const pbx of pbxsWithRecordings(deps.pbxs)) sources[pbx.id] = recordingSettings(pbx.config).sources['*']!;
    settings.sources = sources;
  }
  const recordings = new Recordings({ store: deps.store, settings, log: deps.log, defaultPbx: deps.pbxs[0]?.id ?? 'default' });
  const sink: EffectSink = (effect) => recordings.sink(effect);
  sink.label = 'recordings';
  // Its queue holds only what it handles: its bound is then thousands of calls, not hundreds.
  sink.accepts = new Set(['recording-located', 'call-ended']);
  return {
    name: 'recordings',
    recordings,
    sinks: [sink],
    routes: [(app) => recordingsRoutes(app, { recordings, access: deps.access })],
    start: () => recordings.start(),
    startLeading: () => recordings.startRetention(),
    stop: () => recordings.stop(),
  };
}
