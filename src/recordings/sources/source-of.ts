import type { SourceSettings } from '../config.ts';
import { LocalSource } from './local-source.ts';
import { SftpSource } from './sftp-source.ts';
import type { RecordingSource } from './source.ts';

/** The source one PBX's recordings are read from, as its settings describe it. */
export function sourceOf(s: SourceSettings): RecordingSource {
  return s.kind === 'local'
    ? new LocalSource({ root: s.localDir })
    : new SftpSource({ root: s.pbxDir, host: s.host, port: s.port, username: s.username, privateKey: s.privateKey, hostKey: s.hostKey, timeoutMs: s.timeoutMs, ...(s.passphrase ? { passphrase: s.passphrase } : {}) });
}
