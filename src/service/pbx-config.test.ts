import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';
import { pbxDefinitions } from './pbx-config.ts';
import { encryptSecret } from './secret-box.ts';

const file = (json: unknown) => ({ path: '/etc/crm-telephony/pbxs.json', text: JSON.stringify(json) });
const hamburg = { id: 'hamburg', name: 'Hamburg office', ami: { host: '10.2.0.5', username: 'crm', secretEnv: 'HH_SECRET', auth: 'md5' } };

test('no AMI_HOST and no file: no PBX (the demo runs); AMI_* alone: the default PBX, as before', () => {
  assert.deepEqual(pbxDefinitions({ config: loadConfig({}), env: {} }), []);
  const [only, ...rest] = pbxDefinitions({ config: loadConfig({ AMI_HOST: 'pbx.local', AMI_SECRET: 's', AMI_AUTH: 'md5' }), env: {} });
  assert.equal(rest.length, 0);
  assert.deepEqual([only!.id, only!.qualifier, only!.ami], ['default', null, { host: 'pbx.local', port: 5038, username: 'crm', secret: 's', authType: 'md5', tls: null }]);
});

test('a branch beside the AMI_* PBX: its own connection, secret from the environment, settings over the variables, host-bound ones not inherited', () => {
  const config = loadConfig({ AMI_HOST: 'pbx.local', AMI_SECRET: 's', C2C_CONTEXT: 'from-internal', CDR_SOURCE: 'csv', RECORDINGS_LOCAL_DIR: '/mnt/main-recordings', DEFAULT_REGION: 'US' });
  const pbxs = pbxDefinitions({ config, env: { HH_SECRET: 'hh-secret' }, file: file({ pbxs: [{ ...hamburg, settings: { DEFAULT_REGION: 'de', C2C_DIAL_PREFIX: '0' } }] }) });
  assert.deepEqual(pbxs.map((p) => [p.id, p.qualifier, p.name]), [
    ['default', null, 'Main PBX'],
    ['hamburg', 'hamburg', 'Hamburg office'],
  ]);
  const hh = pbxs[1]!;
  assert.deepEqual(hh.ami, { host: '10.2.0.5', port: 5038, username: 'crm', secret: 'hh-secret', authType: 'md5', tls: null });
  assert.equal(hh.config.DEFAULT_REGION, 'DE', "parsed by the variable's own rule");
  assert.equal(hh.config.C2C_DIAL_PREFIX, '0');
  assert.equal(hh.config.C2C_CONTEXT, 'from-internal', 'inherited');
  assert.equal(hh.config.CDR_SOURCE, 'none', "never the main PBX's CDRs");
  assert.equal(hh.config.RECORDINGS_LOCAL_DIR, undefined, "never the main PBX's recordings");
  assert.equal(hh.ownRecordings, false);
  assert.equal(pbxs[0]!.config.CDR_SOURCE, 'csv');
});

test('without AMI_HOST the file\'s first PBX is the default one (bare extensions); TLS and encrypted secrets', () => {
  const key = 'the service secret key';
  const pbxs = pbxDefinitions({
    config: loadConfig({}),
    env: { CRM_TELEPHONY_SECRET_KEY: key, HH_SECRET: 'x' },
    readFile: (p) => `PEM of ${p}`,
    file: file({
      pbxs: [
        { id: 'hq', ami: { host: 'hq.example.com', secretEncrypted: encryptSecret('hq-secret', key), tls: { ca: '/etc/hq-ca.pem' } }, settings: { RECORDINGS_SOURCE: 'local' } },
        { ...hamburg, ami: { ...hamburg.ami, tls: true } },
      ],
    }),
  });
  assert.deepEqual(pbxs.map((p) => [p.id, p.qualifier]), [
    ['hq', null],
    ['hamburg', 'hamburg'],
  ]);
  assert.deepEqual(pbxs[0]!.ami, { host: 'hq.example.com', port: 5039, username: 'crm', secret: 'hq-secret', authType: 'plain', tls: { rejectUnauthorized: true, ca: 'PEM of /etc/hq-ca.pem' } });
  assert.deepEqual(pbxs[1]!.ami.tls, { rejectUnauthorized: true });
  assert.equal(pbxs[1]!.ami.port, 5039, 'the TLS port by default');
});

test('every mistake is said with where it is and what to do', () => {
  const config = loadConfig({ AMI_HOST: 'pbx.local', AMI_SECRET: 's' });
  const problem = (json: unknown, env: NodeJS.ProcessEnv = { HH_SECRET: 'x' }): string => {
    try {
      pbxDefinitions({ config, env, file: typeof json === 'string' ? { path: '/etc/p.json', text: json } : file(json) });
    } catch (err) {
      return (err as Error).message;
    }
    return 'no error';
  };
  assert.match(problem('{ "pbxs": [ '), /is not JSON/);
  assert.match(problem({ pbxs: [] }), /at least one PBX/);
  assert.match(problem({ pbxs: [{ ...hamburg, id: 'Hamburg Office' }] }), /pbxs\.0\.id: lower-case letters/);
  assert.match(problem({ pbxs: [hamburg, hamburg] }), /"hamburg" twice/);
  assert.match(problem({ pbxs: [hamburg] }, {}), /HH_SECRET, which is not set/);
  assert.match(problem({ pbxs: [{ ...hamburg, ami: { ...hamburg.ami, secret: 'x' } }] }), /exactly one way/);
  assert.match(problem({ pbxs: [{ id: 'hamburg' }] }), /PBX "hamburg".*no "ami" connection/);
  assert.match(problem({ pbxs: [{ ...hamburg, settings: { DATABASE_URL: 'x' } }] }), /settings\.DATABASE_URL: not a setting a PBX can have/);
  assert.match(problem({ pbxs: [{ ...hamburg, settings: { C2C_RING_SECONDS: 1 } }] }), /settings\.C2C_RING_SECONDS/);
  assert.match(problem({ pbxs: [{ id: 'default', ami: hamburg.ami }] }), /AMI_HOST gives it too/);
  assert.match(problem({ pbxs: [hamburg], extra: 1 }), /extra|Unrecognized/);
  assert.match(problem({ pbxs: [{ ...hamburg, ami: { ...hamburg.ami, tls: { ca: '/nope/ca.pem' } } }] }), /\/nope\/ca\.pem cannot be read/);
});
