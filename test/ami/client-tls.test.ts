/**
 * AMI over TLS (manager.conf `tlsenable`): the client checks the PBX's certificate against the CA it
 * is given and logs in over the encrypted link; an untrusted certificate and a plain port are said
 * in words. The certificates are made here, with Debian's openssl, for this run only.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmiClient } from '../../src/ami/client.ts';
import { noReconnect } from '../../src/ami/reconnect-strategy.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'crmt-ami-tls-'));
let ca: string;
let sim: AmiSimulator;
let plain: AmiSimulator;
let port: number;
let plainPort: number;

before(async () => {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  // A CA, and the PBX's certificate for 127.0.0.1 signed by it.
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Test PBX CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'pbx.key', '-out', 'pbx.csr', '-subj', '/CN=pbx.test');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName = DNS:pbx.test\n');
  ssl('x509', '-req', '-in', 'pbx.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'pbx.pem', '-days', '1', '-extfile', 'san.ext');
  ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  sim = new AmiSimulator({ port: 0, tls: { key: readFileSync(join(dir, 'pbx.key'), 'utf8'), cert: readFileSync(join(dir, 'pbx.pem'), 'utf8') } });
  port = (await sim.listen()).port;
  plain = new AmiSimulator({ port: 0 });
  plainPort = (await plain.listen()).port;
});

after(async () => {
  await Promise.all([sim?.close(), plain?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const client = (p: number, tls: ConstructorParameters<typeof AmiClient>[0]['tls']) =>
  new AmiClient({ id: 'tls-pbx', host: '127.0.0.1', port: p, username: 'crm', secret: 'crmsecret', tls, reconnect: noReconnect });

test('with the CA that signed it, the client logs in over TLS and actions work', async () => {
  const c = client(port, { ca, servername: 'pbx.test' });
  try {
    await c.connect();
    assert.equal(c.state, 'ready');
    const pong = await c.action('Ping');
    assert.equal(pong.response.response, 'Success');
  } finally {
    await c.close();
  }
});

test('a certificate the client does not trust, or a name that does not match, is refused in words', async () => {
  const untrusted = client(port, {});
  await assert.rejects(untrusted.connect(), /TLS certificate this service does not trust \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\).*tls\.ca/);
  await untrusted.close();
  const wrongName = client(port, { ca, servername: 'other.test' });
  await assert.rejects(wrongName.connect(), /ERR_TLS_CERT_ALTNAME_INVALID/);
  await wrongName.close();
  // A lab PBX: checking turned off on purpose.
  const lab = client(port, { rejectUnauthorized: false });
  await lab.connect();
  assert.equal(lab.state, 'ready');
  await lab.close();
});

test('TLS to a plain AMI port is said as such', async () => {
  const c = new AmiClient({ id: 'tls-pbx', host: '127.0.0.1', port: plainPort, username: 'crm', secret: 'crmsecret', tls: { rejectUnauthorized: false }, reconnect: noReconnect, connectTimeoutMs: 3000 });
  await assert.rejects(c.connect(), /does not speak TLS.*tlsbindport/);
  await c.close();
});
