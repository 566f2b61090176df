import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrConfigSchema, cdrEnv, cdrSettings, createCdrSource, DEFAULT_CSV_PATH, type CdrSftpEnv } from './config.ts';
import { hostTimeZone } from './local-time.ts';
import { isCrmTelephonyError } from '../errors.ts';

const SFTP: CdrSftpEnv = {
  RECORDINGS_SFTP_HOST: 'pbx.example.com',
  RECORDINGS_SFTP_PORT: 22,
  RECORDINGS_SFTP_USER: 'asterisk',
  RECORDINGS_SFTP_KEY_FILE: '/etc/crm-telephony/pbx_key',
  RECORDINGS_SFTP_HOST_KEY: 'SHA256:9CbP9sTdSvWL4s7qeaPlsXkzsB3a1erPI7mhQEX/AB4',
  RECORDINGS_SFTP_TIMEOUT_MS: 10_000,
};

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => isCrmTelephonyError(err, 'CDR_ERR_INVALID') && pattern.test(err.message));
}

describe('CDR configuration', () => {
  test('defaults: auto, the stock Master.csv path, read here, this machine\'s zone, 10 minutes of slack (2 hours for a table)', () => {
    const env = cdrEnv({});
    assert.deepEqual(env, {
      CDR_SOURCE: 'auto',
      CDR_CSV_PATH: DEFAULT_CSV_PATH,
      CDR_CSV_ACCESS: 'local',
      CDR_TABLE: 'cdr',
      CDR_TIMEZONE: hostTimeZone(),
      CDR_LATE_READ_SECONDS: 120,
    });
    assert.deepEqual(cdrSettings(env), { kind: 'auto-local', csvPath: '/var/log/asterisk/cdr-csv/Master.csv', timeZone: hostTimeZone(), slackMs: 600_000 });
    const table = cdrSettings(cdrEnv({ CDR_DATABASE_URL: 'mysql://cdr@pbx/asteriskcdrdb' }));
    assert.equal(table.kind === 'mysql' ? table.slackMs : null, 7_200_000);
    assert.equal((cdrSettings(cdrEnv({ CDR_SLACK_MINUTES: '30' })) as { slackMs: number }).slackMs, 1_800_000);
  });

  test('auto: a local Master.csv when the file exists, else none with a sentence for admins', async () => {
    const settings = cdrSettings(cdrEnv({ CDR_TIMEZONE: 'Europe/Berlin' }));
    const found = createCdrSource(settings, { exists: (p) => p === DEFAULT_CSV_PATH });
    assert.equal(found.source?.kind, 'csv');
    assert.equal(found.source?.description, DEFAULT_CSV_PATH);
    assert.equal(found.missing, null);
    await found.source?.close();
    const none = createCdrSource(settings, { exists: () => false });
    assert.equal(none.source, null);
    assert.match(none.missing!, /AMI link is down are lost/);
    assert.match(none.missing!, /CDR_SOURCE=csv/);
    assert.match(none.missing!, /CDR_DATABASE_URL/);
    assert.ok(none.missing!.includes(DEFAULT_CSV_PATH));
  });

  test('auto picks the database when CDR_DATABASE_URL is set, and SFTP when CDR_CSV_ACCESS=sftp', () => {
    assert.equal(cdrSettings(cdrEnv({ CDR_DATABASE_URL: 'mysql://freepbx:pw@pbx:3306/asteriskcdrdb' })).kind, 'mysql');
    assert.equal(cdrSettings(cdrEnv({ CDR_DATABASE_URL: 'postgresql://asterisk@db/asterisk' })).kind, 'postgres');
    const sftp = cdrSettings(cdrEnv({ CDR_CSV_ACCESS: 'sftp' }), SFTP, () => Buffer.from('key'));
    assert.ok(sftp.kind === 'csv' && sftp.access === 'sftp');
  });

  test('none: no source, and the sentence says what is lost and how to turn one on', () => {
    const got = createCdrSource(cdrSettings(cdrEnv({ CDR_SOURCE: 'none' })));
    assert.equal(got.source, null);
    assert.match(got.missing!, /CDR_SOURCE=none/);
    assert.match(got.missing!, /Turn one on/);
  });

  test('csv over SFTP uses the recordings\' SFTP settings and reads the key once', async () => {
    const reads: string[] = [];
    const settings = cdrSettings(cdrEnv({ CDR_SOURCE: 'csv', CDR_CSV_ACCESS: 'sftp', CDR_CSV_PATH: '/var/log/asterisk/cdr-csv/Master.csv', CDR_TIMEZONE: 'America/New_York' }), SFTP, (p) => {
      reads.push(p);
      return Buffer.from('key');
    });
    assert.ok(settings.kind === 'csv' && settings.access === 'sftp');
    assert.deepEqual(reads, ['/etc/crm-telephony/pbx_key']);
    assert.equal(settings.sftp.host, 'pbx.example.com');
    assert.equal(settings.sftp.hostKey, SFTP.RECORDINGS_SFTP_HOST_KEY);
    const { source } = createCdrSource(settings);
    assert.equal(source?.description, 'sftp://asterisk@pbx.example.com:22/var/log/asterisk/cdr-csv/Master.csv');
    await source?.close();
    invalid(() => cdrSettings(cdrEnv({ CDR_SOURCE: 'csv', CDR_CSV_ACCESS: 'sftp' }), { ...SFTP, RECORDINGS_SFTP_HOST: undefined }), /RECORDINGS_SFTP_HOST/);
    invalid(
      () =>
        cdrSettings(cdrEnv({ CDR_SOURCE: 'csv', CDR_CSV_ACCESS: 'sftp' }), SFTP, () => {
          throw Object.assign(new Error('no'), { code: 'EACCES' });
        }),
      /RECORDINGS_SFTP_KEY_FILE cannot be read \(EACCES\)/,
    );
  });

  test('a database source: the description never holds the password', async () => {
    const { source } = createCdrSource(cdrSettings(cdrEnv({ CDR_SOURCE: 'mysql', CDR_DATABASE_URL: 'mysql://freepbx:s3cret@pbx.example.com:3306/asteriskcdrdb', CDR_TIMEZONE: 'UTC' })));
    assert.equal(source?.kind, 'mysql');
    assert.equal(source?.description, 'mysql://freepbx@pbx.example.com:3306/asteriskcdrdb (table cdr)');
    await source?.close();
    const pg = createCdrSource(cdrSettings(cdrEnv({ CDR_SOURCE: 'postgres', CDR_DATABASE_URL: 'postgres://asterisk:pw@db/asterisk', CDR_TABLE: 'cdr_schema.cdr' }))).source;
    assert.equal(pg?.description, 'postgres://asterisk@db/asterisk (table cdr_schema.cdr)');
    await pg?.close();
  });

  test('what is wrong is said, with what to write, and a database password never appears', () => {
    invalid(() => cdrEnv({ CDR_TIMEZONE: 'CEST' }), /CDR_TIMEZONE: an IANA time zone name such as Europe\/Berlin/);
    invalid(() => cdrEnv({ CDR_TIMEZONE: 'Europe/Berlinn' }), /CDR_TIMEZONE/);
    invalid(() => cdrEnv({ CDR_SOURCE: 'odbc' }), /CDR_SOURCE/);
    invalid(() => cdrEnv({ CDR_CSV_PATH: 'Master.csv' }), /CDR_CSV_PATH: the absolute path of a file/);
    invalid(() => cdrEnv({ CDR_TABLE: 'cdr; DROP TABLE cdr' }), /CDR_TABLE: a table name/);
    assert.throws(
      () => cdrEnv({ CDR_DATABASE_URL: 'sqlserver://sa:TopSecret1@db/cdr' }),
      (err: unknown) => isCrmTelephonyError(err, 'CDR_ERR_INVALID') && /CDR_DATABASE_URL: a URL starting with mysql:\/\//.test(err.message) && !err.message.includes('TopSecret1'),
    );
    invalid(() => cdrSettings(cdrEnv({ CDR_SOURCE: 'mysql' })), /CDR_SOURCE=mysql needs CDR_DATABASE_URL/);
    assert.throws(
      () => cdrSettings(cdrEnv({ CDR_SOURCE: 'postgres', CDR_DATABASE_URL: 'mysql://u:TopSecret1@db/asteriskcdrdb' })),
      (err: unknown) => isCrmTelephonyError(err, 'CDR_ERR_INVALID') && /make them agree/.test(err.message) && !err.message.includes('TopSecret1'),
    );
  });

  test('the schema merges into the service configuration: only CDR_* keys, each with a default or optional', () => {
    assert.ok(Object.keys(cdrConfigSchema.shape).every((k) => k.startsWith('CDR_')));
    assert.equal(cdrConfigSchema.safeParse({}).success, true);
  });
});
