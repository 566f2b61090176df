import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileNameOf, locationUnder, normalizeRoot } from './location.ts';
import { isRecordingError } from './recording-errors.ts';

const ROOT = '/var/spool/asterisk/monitor';

function refused(path: string, code: string): void {
  assert.throws(() => locationUnder(ROOT, path), (err: unknown) => isRecordingError(err) && err.code === code, path);
}

describe('recording locations', () => {
  test('names and full paths inside the folder become relative locations', () => {
    assert.equal(locationUnder(ROOT, '20261123-195708-+15551230001-1795463828.0.wav'), '20261123-195708-+15551230001-1795463828.0.wav');
    assert.equal(locationUnder(ROOT, `${ROOT}/20261123-195708-+15551230001-1795463828.0.wav`), '20261123-195708-+15551230001-1795463828.0.wav');
    assert.equal(locationUnder(`${ROOT}/`, `${ROOT}/2026/11/23/q-600-5551234-20240101-101010-1704103810.42.wav`), '2026/11/23/q-600-5551234-20240101-101010-1704103810.42.wav');
    assert.equal(fileNameOf('2026/11/23/x.wav'), 'x.wav');
  });

  test('traversal and escapes are refused as outside the root', () => {
    for (const p of [
      '/etc/passwd',
      '/var/spool/asterisk/monitor-evil/x.wav',
      `${ROOT}/../../../etc/passwd`,
      `${ROOT}/./x.wav`,
      '../x.wav',
      'a/../../x.wav',
      '..',
      '/var/spool/asterisk/monitor',
    ]) {
      assert.throws(() => locationUnder(ROOT, p), (err: unknown) => isRecordingError(err) && (err.code === 'RECORDING_ERR_OUTSIDE_ROOT' || err.code === 'RECORDING_ERR_BAD_PATH'), p);
    }
    refused('/etc/shadow', 'RECORDING_ERR_OUTSIDE_ROOT');
    refused(`${ROOT}/../secret.wav`, 'RECORDING_ERR_OUTSIDE_ROOT');
  });

  test('odd characters, empty segments, hidden files, too deep or too long are refused', () => {
    for (const p of [
      '',
      'x.wav\u0000.txt',
      'x\nwav',
      'a\\..\\b.wav',
      '%2e%2e/x.wav',
      'x y.wav',
      "x'.wav",
      '.hidden.wav',
      'a//b.wav',
      `${ROOT}//x.wav`,
      `${ROOT}/`,
      'a/b/c/d/e/f/g/h/i.wav',
      `${'a'.repeat(300)}.wav`,
      'x.wav/',
      '~root/x.wav',
      'C:x.wav',
    ]) {
      assert.throws(() => locationUnder(ROOT, p), (err: unknown) => isRecordingError(err), JSON.stringify(p));
    }
  });

  test('the configured root must be absolute and plain', () => {
    assert.equal(normalizeRoot('/var//spool/asterisk/monitor/'), ROOT);
    assert.throws(() => normalizeRoot('var/spool'), (err: unknown) => isRecordingError(err, 'RECORDING_ERR_CONFIG'));
    assert.throws(() => normalizeRoot('/var/../etc'), (err: unknown) => isRecordingError(err, 'RECORDING_ERR_CONFIG'));
  });
});
