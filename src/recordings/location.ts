/**
 * Where a recording is, as a path relative to the PBX's recordings folder, checked by text rules
 * before anything touches a file system. Pure.
 *
 * The PBX tells us a full path (`/var/spool/asterisk/monitor/2026/11/23/x.wav`, from MixMonitor's
 * data or the report) or only a name (`x.wav`, from `CRM_RECORDING`). Either becomes a relative
 * location (`2026/11/23/x.wav`), or is refused: outside the folder, `.` or `..` segments, empty
 * segments, characters outside a conservative set, too long or too deep. The sources then resolve
 * the location under their root again and check it after following symbolic links; this text check
 * is the first of two fences, not the only one.
 */
import { type RecordingError, RecordingErrorCodes, CrmTelephonyError } from './recording-errors.ts';

/**
 * What a path segment may hold: letters, digits and `_ + @ = , - .`, not starting with a dot.
 * Asterisk's, FreePBX's and our dialplan's names (`20261123-195708-+15551230001-1795463828.0.wav`,
 * `q-600-5551234-20240101-101010-1704103810.42.wav`) fit; spaces, quotes, `%`, `\` and control
 * characters do not.
 */
const SEGMENT = /^[A-Za-z0-9_+@=,-][A-Za-z0-9_+@=,.-]{0,254}$/;
const MAX_DEPTH = 8;
const MAX_LENGTH = 1024;

/** A normalized absolute POSIX folder: `/var/spool/asterisk/monitor` (no trailing slash, no dots). */
export function normalizeRoot(root: string): string {
  if (!root.startsWith('/')) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CONFIG, `The recordings folder "${root}" must be an absolute path (starting with /).`);
  const parts = root.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) {
    throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CONFIG, `The recordings folder "${root}" must not contain "." or ".." segments.`);
  }
  return `/${parts.join('/')}`;
}

/**
 * The location of `pathOrName` under `pbxRoot` (the PBX's view of its recordings folder), or a
 * RecordingError saying why not: `RECORDING_ERR_OUTSIDE_ROOT` or `RECORDING_ERR_BAD_PATH`.
 */
export function locationUnder(pbxRoot: string, pathOrName: string): string {
  const root = normalizeRoot(pbxRoot);
  if (pathOrName.length === 0 || pathOrName.length > MAX_LENGTH) throw bad('is empty or too long');
  let relative: string;
  if (pathOrName.startsWith('/')) {
    const prefix = root === '/' ? '/' : `${root}/`;
    if (!pathOrName.startsWith(prefix)) {
      throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_OUTSIDE_ROOT, `The recording's path is outside the PBX's recordings folder (${root}). Set RECORDINGS_PBX_DIR to the folder MixMonitor writes to.`, {
        root,
      });
    }
    relative = pathOrName.slice(prefix.length);
  } else {
    relative = pathOrName;
  }
  const segments = relative.split('/');
  if (segments.length > MAX_DEPTH) throw bad(`is more than ${MAX_DEPTH} folders deep`);
  for (const segment of segments) {
    if (segment === '.' || segment === '..') {
      throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_OUTSIDE_ROOT, 'The recording\'s path holds "." or ".." segments; it is refused.', {});
    }
    if (!SEGMENT.test(segment)) throw bad('holds characters other than letters, digits and _ + @ = , - . (or an empty or dot-first segment)');
  }
  return segments.join('/');
}

/** The file name part of a location. */
export function fileNameOf(location: string): string {
  const slash = location.lastIndexOf('/');
  return slash >= 0 ? location.slice(slash + 1) : location;
}

/** True when `name` could be a location on its own (a safe single segment). */
export function isSafeFileName(name: string): boolean {
  return SEGMENT.test(name) && name !== '.' && name !== '..';
}

function bad(why: string): RecordingError {
  return new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_BAD_PATH, `The recording's path ${why}; it is refused.`);
}
