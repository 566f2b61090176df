/**
 * Retention (RECORDINGS_RETENTION_DAYS, off by default): recordings older than N days are deleted:
 * our copies and cached files always, the PBX's files only with RECORDINGS_RETENTION_DELETE_PBX.
 * The row stays, marked `removed_by_retention` with the date, so the call's history and the audit
 * still say what happened. A file that cannot be deleted now (the PBX unreachable) leaves its row
 * as it was, and the next run (hourly) tries again.
 */
import type { Log } from '../logger.ts';
import type { RecordingsSettings } from './config.ts';
import type { RecordingRows } from './recording-rows.ts';
import type { RecordingCache } from './cache.ts';
import type { LocalSource } from './sources/local-source.ts';
import type { RecordingSource } from './sources/source.ts';

export interface RetentionDeps {
  rows: RecordingRows;
  settings: Pick<RecordingsSettings, 'retention'>;
  log: Log;
  now: () => number;
  storage: LocalSource;
  cache: RecordingCache;
  sourceFor: (pbx: string) => RecordingSource;
  dropCopyJob: (recordingId: string) => Promise<void>;
}

const BATCH = 200;

export async function runRetention(d: RetentionDeps): Promise<number> {
  const { days, deleteFromPbx } = d.settings.retention;
  if (days <= 0) return 0;
  const cutoff = new Date(d.now() - days * 86_400_000).toISOString();
  let removed = 0;
  const skipped = new Set<string>();
  for (;;) {
    const rows = (await d.rows.olderThan(cutoff, BATCH + skipped.size)).filter((r) => !skipped.has(r.id));
    if (rows.length === 0) break;
    for (const row of rows) {
      try {
        await d.dropCopyJob(row.id);
        if (row.storedLocation !== null) await d.storage.remove(row.storedLocation);
        await d.cache.remove(row.id);
        let pbxDeleted = row.pbxDeleted;
        if (deleteFromPbx && !pbxDeleted && row.location !== null) {
          await d.sourceFor(row.pbx).remove(row.location);
          pbxDeleted = true;
        }
        await d.rows.update(row.id, { state: 'removed_by_retention', removedAt: new Date(d.now()).toISOString(), pbxDeleted, storedLocation: null });
        removed++;
      } catch (err) {
        skipped.add(row.id);
        d.log.warn({ callId: row.callId, recordingId: row.id, code: (err as { code?: string }).code }, `retention could not remove a recording yet: ${(err as Error).message}`);
      }
    }
    if (rows.length < BATCH) break;
  }
  if (removed > 0) d.log.info({ removed, days }, 'recordings removed by retention');
  return removed;
}
