import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.ts';
import { openStore } from '../../src/store/store.ts';
import { Directory } from '../../src/directory/directory.ts';
import { Access } from '../../src/web/auth/access.ts';
import { tokens } from '../../src/cli/tokens.ts';

function io(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env } };
}

test('dialplan prints the AGI route with a fallback and the CURL() variant with short timeouts', async () => {
  const { out, io: cli } = io();
  assert.equal(await main(['dialplan', '--agi-host', 'crm.example.com', '--token', 'crmt_routing_x', '--fallback', 'PJSIP/101'], cli), 0);
  assert.match(out.stdout, /AGI\(agi:\/\/crm\.example\.com:4573\/route,\$\{CALLERID\(num\)\},\$\{EXTEN\}\)/);
  assert.match(out.stdout, /GotoIf\(\$\["\$\{AGISTATUS\}" != "SUCCESS"\]\?fallback\)/);
  assert.match(out.stdout, /CURLOPT\(conntimeout\)=1/);
  assert.match(out.stdout, /CURLOPT\(httptimeout\)=2/);
  assert.match(out.stdout, /token=crmt_routing_x/);
  assert.match(out.stdout, /Dial\(PJSIP\/101,60,tT\)/);
  const free = io();
  assert.equal(await main(['dialplan', '--style', 'freepbx'], free.io), 0);
  assert.match(free.out.stdout, /extensions_custom\.conf/);
  assert.match(free.out.stdout, /FROM_DID/);
  const bad = io();
  assert.equal(await main(['dialplan', '--fallback', 'PJSIP/1\n same => n,System(rm -rf /)'], bad.io), 2);
  assert.equal(bad.out.stdout, '');
});

test('tokens: an API token acts as its user; a routing token needs no user; both can be revoked', async () => {
  const store = await openStore({ url: ':memory:' });
  const dir = new Directory(store, { defaultRegion: 'US' });
  await dir.upsertUser({ login: 'alice', name: 'Alice', extensions: ['101'] });
  const access = new Access(store, dir);
  const open = async () => ({ ...store, close: async () => undefined });
  const a = io();
  assert.equal(await tokens(['create', '--user', 'alice'], a.io, open), 0);
  const apiToken = a.out.stdout.trim();
  assert.match(apiToken, /^crmt_api_/);
  assert.equal((await access.byToken(apiToken))?.user?.login, 'alice');
  const r = io();
  assert.equal(await tokens(['create', '--kind', 'routing'], r.io, open), 0);
  assert.equal((await access.byToken(r.out.stdout.trim()))?.tokenKind, 'routing');
  const m = io();
  assert.equal(await tokens(['create', '--kind', 'metrics'], m.io, open), 0);
  assert.match(m.out.stdout.trim(), /^crmt_metrics_/);
  assert.equal((await access.byToken(m.out.stdout.trim()))?.tokenKind, 'metrics');
  const bad = io();
  assert.equal(await tokens(['create', '--kind', 'admin'], bad.io, open), 2);
  assert.match(bad.out.stderr, /api, routing or metrics/);
  const none = io();
  assert.equal(await tokens(['create', '--user', 'nobody'], none.io, open), 1);
  assert.match(none.out.stderr, /no user "nobody"/);
  const list = io();
  assert.equal(await tokens(['list'], list.io, open), 0);
  const listed = JSON.parse(list.out.stdout) as { id: string; kind: string }[];
  assert.equal(listed.length, 3);
  assert.ok(!list.out.stdout.includes(apiToken), 'list never shows a secret');
  assert.equal(await tokens(['revoke', listed[0]!.id], io().io, open), 0);
  assert.equal(await access.byToken(apiToken), null);
  await store.close();
});

test('dialplan --pbx names the PBX in the AGI script, the CURL() route and the recording report; a bad id is refused', async () => {
  const { out, io: cli } = io();
  assert.equal(await main(['dialplan', '--pbx', 'hamburg', '--token', 'crmt_routing_abcdefghijklmnopqrstuvwxyz'], cli), 0);
  assert.match(out.stdout, /AGI\(agi:\/\/127\.0\.0\.1:4573\/route\?pbx=hamburg,\$\{CALLERID\(num\)\},\$\{EXTEN\}\)/);
  assert.match(out.stdout, /&token=crmt_routing_abcdefghijklmnopqrstuvwxyz&pbx=hamburg\)\}\)/);
  assert.match(out.stdout, /'http:\/\/127\.0\.0\.1:8080\/api\/recordings\/report\?pbx=hamburg'/);
  const plain = io();
  assert.equal(await main(['dialplan'], plain.io), 0);
  assert.ok(!plain.out.stdout.includes('pbx='), 'the default PBX needs no name');
  const bad = io();
  assert.equal(await main(['dialplan', '--pbx', 'Ham burg'], bad.io), 2);
  assert.match(bad.out.stderr, /--pbx must be a PBX id/);
});
