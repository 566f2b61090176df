/**
 * docs/deploy: the systemd unit runs the service without npm and gives it time to stop; the
 * environment-file example names only settings the service knows, and the service accepts it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG_KEYS, loadConfig } from '../../src/config.ts';

const UNIT = readFileSync(new URL('../../docs/deploy/crm-telephony.service', import.meta.url), 'utf8');
const ENV = readFileSync(new URL('../../docs/deploy/crm-telephony.env.example', import.meta.url), 'utf8');

/** `Key=value` lines of one [Section] of a unit file (a key set twice keeps both). */
function section(name: string): [string, string][] {
  const out: [string, string][] = [];
  let current = '';
  for (const raw of UNIT.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) current = line.slice(1, -1);
    else if (current === name && line !== '' && !line.startsWith('#')) {
      const eq = line.indexOf('=');
      out.push([line.slice(0, eq), line.slice(eq + 1)]);
    }
  }
  return out;
}

test('the unit starts crm-telephony serve itself, stops it with SIGTERM and waits longer than its stop deadline', () => {
  const service = new Map(section('Service'));
  assert.match(service.get('ExecStart') ?? '', /^\/usr\/bin\/node \/opt\/crm-telephony\/bin\/crm-telephony\.js serve$/);
  assert.equal(service.get('KillSignal'), 'SIGTERM');
  assert.ok(Number(service.get('TimeoutStopSec')) > 8, 'the service gives itself 8 s to stop');
  assert.equal(service.get('EnvironmentFile'), '/etc/crm-telephony/crm-telephony.env');
  assert.equal(service.get('RestartPreventExitStatus'), '2', 'a wrong setting is not restarted for ever');
  assert.equal(service.get('NoNewPrivileges'), 'yes');
  assert.equal(service.get('ProtectSystem'), 'strict');
  assert.equal(service.get('MemoryDenyWriteExecute'), undefined, "V8's JIT needs writable code memory");
  assert.deepEqual(section('Install'), [['WantedBy', 'multi-user.target']]);
});

test('the environment-file example names only known settings, and the service accepts it as written', () => {
  const named = [...ENV.matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
  assert.ok(named.length >= 10, `${named.length} settings named`);
  for (const key of named) assert.ok((CONFIG_KEYS as readonly string[]).includes(key), `${key} is not a setting of the service`);
  const env: Record<string, string> = {};
  for (const line of ENV.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  const config = loadConfig(env);
  assert.equal(config.AMI_HOST, '192.0.2.10');
  assert.equal(config.HTTP_PORT, 8080);
});
