/** Call recordings: located from the engine's effects and the PBX's reports, streamed to those allowed. */
import type { Log } from '../../logger.ts';
import type { Store } from '../../store/store.ts';
import { Recordings, recordingSettings, type RecordingsEnv } from '../../recordings/index.ts';
import type { Access } from '../../web/auth/access.ts';
import { recordingsRoutes } from '../../web/routes/recordings-routes.ts';
import type { Capability } from '../capability.ts';
import type { EffectSink } from '../pbx-session.ts';

export interface RecordingsCapability extends Capability {
  recordings: Recordings;
}

export function createRecordings(config: RecordingsEnv, deps: { store: Store; access: Access; log: Log; pbxId: string }): RecordingsCapability {
  const recordings = new Recordings({ store: deps.store, settings: recordingSettings(config), log: deps.log, defaultPbx: deps.pbxId });
  const sink: EffectSink = (effect) => recordings.sink(effect);
  sink.label = 'recordings';
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
