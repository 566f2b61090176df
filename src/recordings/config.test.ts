import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordingSettings, recordingsEnv } from './config.ts';
import { isRecordingError } from './recording-errors.ts';

describe('recordings configuration', () => {
  test('safe defaults that run out of the box', () => {
    const s = recordingSettings(recordingsEnv({}));
    assert.equal(s.mode, 'pbx');
    assert.deepEqual(s.sources, { '*': { kind: 'local', pbxDir: '/var/spool/asterisk/monitor', localDir: '/var/spool/asterisk/monitor' } });
    assert.equal(s.access, 'participants');
    assert.equal(s.download, 'listeners');
    assert.equal(s.retention.days, 0, 'retention is off');
    assert.equal(s.retention.deleteFromPbx, false);
    assert.equal(s.copy.deleteFromPbx, false, 'nothing is ever deleted by default');
    assert.equal(s.transcode.to, 'off');
    assert.equal(s.cache.maxBytes, 1024 * 1024 * 1024);
  });

  test('the prefix mapping, copy mode and the rest from RECORDINGS_* variables', () => {
    const s = recordingSettings(
      recordingsEnv({
        RECORDINGS_MODE: 'copy',
        RECORDINGS_PBX_DIR: '/var/spool/asterisk/monitor/',
        RECORDINGS_LOCAL_DIR: '/mnt/pbx1/monitor',
        RECORDINGS_COPY_DELAY_S: '5',
        RECORDINGS_DELETE_FROM_PBX: 'yes',
        RECORDINGS_ACCESS: 'everyone',
        RECORDINGS_RETENTION_DAYS: '90',
        RECORDINGS_TRANSCODE: 'opus',
      }),
    );
    assert.deepEqual(s.sources['*'], { kind: 'local', pbxDir: '/var/spool/asterisk/monitor', localDir: '/mnt/pbx1/monitor' });
    assert.equal(s.mode, 'copy');
    assert.equal(s.copy.delayMs, 5000);
    assert.equal(s.copy.deleteFromPbx, true);
    assert.equal(s.access, 'everyone');
    assert.equal(s.retention.days, 90);
    assert.equal(s.transcode.to, 'opus');
  });

  test('SFTP: host, key file (read once), host key fingerprint', () => {
    const s = recordingSettings(
      recordingsEnv({
        RECORDINGS_SOURCE: 'sftp',
        RECORDINGS_SFTP_HOST: 'pbx.example.com',
        RECORDINGS_SFTP_KEY_FILE: '/etc/crm-telephony/pbx_key',
        RECORDINGS_SFTP_HOST_KEY: 'SHA256:9CbP9sTdSvWL4s7qeaPlsXkzsB3a1erPI7mhQEX/AB4',
      }),
      (path) => Buffer.from(`key from ${path}`),
    );
    const src = s.sources['*'];
    assert.ok(src?.kind === 'sftp');
    assert.equal(src.port, 22);
    assert.equal(src.username, 'asterisk');
    assert.equal(String(src.privateKey), 'key from /etc/crm-telephony/pbx_key');
    assert.equal(src.hostKey, 'SHA256:9CbP9sTdSvWL4s7qeaPlsXkzsB3a1erPI7mhQEX/AB4');
    assert.equal(src.timeoutMs, 10_000);
  });

  test('mistakes are said in words', () => {
    const bad = (env: NodeJS.ProcessEnv, pattern: RegExp): void => {
      assert.throws(
        () => recordingSettings(recordingsEnv(env), () => {
          throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        }),
        (err: unknown) => isRecordingError(err, 'RECORDING_ERR_CONFIG') && pattern.test(err.message),
        JSON.stringify(env),
      );
    };
    bad({ RECORDINGS_MODE: 'cloud' }, /RECORDINGS_MODE/);
    bad({ RECORDINGS_PBX_DIR: 'spool/monitor' }, /RECORDINGS_PBX_DIR: an absolute folder/);
    bad({ RECORDINGS_LOCAL_DIR: '/mnt/../etc' }, /RECORDINGS_LOCAL_DIR/);
    bad({ RECORDINGS_SOURCE: 'sftp' }, /needs RECORDINGS_SFTP_HOST and RECORDINGS_SFTP_KEY_FILE/);
    bad({ RECORDINGS_SOURCE: 'sftp', RECORDINGS_SFTP_HOST: 'pbx', RECORDINGS_SFTP_KEY_FILE: '/nope' }, /cannot be read \(ENOENT\)/);
    bad({ RECORDINGS_SFTP_HOST_KEY: 'md5:aa:bb' }, /ssh-keygen -lf/);
    bad({ RECORDINGS_DELETE_FROM_PBX: 'maybe' }, /use true or false/);
    bad({ RECORDINGS_RETENTION_DAYS: '-1' }, /RECORDINGS_RETENTION_DAYS/);
  });
});
