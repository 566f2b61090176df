/**
 * The Master.csv source over SFTP against a real OpenSSH server on loopback (the recordings tests'
 * throwaway sshd): the same rows as the local file, only the tail read, and a missing file or
 * folder or a refused key said in words.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvCdrSource, sftpCsvAccess } from '../../src/cdr/sources/csv-source.ts';
import { parseMasterCsv } from '../../src/cdr/master-csv.ts';
import { isCrmTelephonyError } from '../../src/errors.ts';
import { startSshd, sshdMissing, type Sshd } from '../recordings/support/sshd.ts';

const missing = sshdMissing();
// In CI (.ci/run installs openssh-server) a missing sshd is a failure, not a skip.
const skip = missing !== null && !process.env['CI'] ? `${missing} (skipped outside CI)` : false;
const MASTER = readFileSync(new URL('../fixtures/ami-transcripts/cdr/Master.csv', import.meta.url));
const ALL = parseMasterCsv(MASTER, 'UTC').rows;
const utc = (iso: string): number => Date.parse(iso);

describe('Master.csv source over SFTP against a real sshd', { skip }, () => {
  let sshd: Sshd;
  let folder: string;
  const sources: CsvCdrSource[] = [];
  const source = (path: string, over: { chunkBytes?: number; slackMs?: number } = {}): CsvCdrSource => {
    const s = new CsvCdrSource({
      path,
      access: sftpCsvAccess(path, { host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.clientKey, hostKey: sshd.hostKey, timeoutMs: 3000 }),
      timeZone: 'UTC',
      ...over,
    });
    sources.push(s);
    return s;
  };
  before(async () => {
    sshd = await startSshd();
    folder = join(sshd.dir, 'files', 'cdr-csv');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'Master.csv'), MASTER);
  });
  after(async () => {
    for (const s of sources) await s.close();
    await sshd?.stop();
  });

  test('the same rows as the file itself; a recent window reads only the tail', async () => {
    const path = join(folder, 'Master.csv');
    const s = source(path, { chunkBytes: 4096 });
    await s.check();
    const day = await s.read({ from: utc('2026-12-06T00:00:00Z'), to: utc('2026-12-07T00:00:00Z') });
    assert.deepEqual(day, { rows: ALL, skipped: 0 });
    assert.equal(s.bytesRead, MASTER.length, 'the whole day is the whole file');
    const window = { from: utc('2026-12-06T12:45:00Z'), to: utc('2026-12-06T12:46:00Z') };
    const recent = source(path, { chunkBytes: 4096, slackMs: 60_000 });
    const got = await recent.read(window);
    assert.deepEqual(got.rows, ALL.filter((r) => r.start <= window.to && r.end >= window.from));
    assert.ok(got.rows.length > 0);
    assert.ok(recent.bytesRead < MASTER.length / 4, `read ${recent.bytesRead} of ${MASTER.length} bytes`);
    assert.ok(s.description.startsWith(`sftp://${sshd.user}@127.0.0.1:${sshd.port}/`), s.description);
  });

  test('a missing file and a missing folder are said in words', async () => {
    const gone = source(join(folder, 'Nope.csv'));
    const err = await gone.read({ from: 0, to: 1 }).catch((e: unknown) => e);
    assert.ok(isCrmTelephonyError(err, 'CDR_ERR_UNREACHABLE'), String(err));
    assert.match(err.message, /CDR_CSV_PATH/);
    assert.ok(err.message.includes('on the PBX'), err.message);
    const noFolder = await source(join(sshd.dir, 'no-such-folder', 'Master.csv')).check().catch((e: unknown) => e);
    assert.ok(isCrmTelephonyError(noFolder, 'CDR_ERR_UNREACHABLE'), String(noFolder));
    assert.match(noFolder.message, /does not exist/);
  });

  test('a refused key is said in words (the recordings SFTP settings)', async () => {
    const path = join(folder, 'Master.csv');
    const s = new CsvCdrSource({ path, access: sftpCsvAccess(path, { host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.wrongKey, hostKey: sshd.hostKey, timeoutMs: 3000 }), timeZone: 'UTC' });
    sources.push(s);
    const err = await s.check().catch((e: unknown) => e);
    assert.ok(isCrmTelephonyError(err, 'CDR_ERR_UNREACHABLE'), String(err));
    assert.match(err.message, /RECORDINGS_SFTP_KEY_FILE/);
  });
});
