/**
 * `crm-telephony users`: the way back in for an administrator who lost the password shown once at
 * the first start, and the list of who can sign in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/store.ts';
import { Directory } from '../../src/directory/directory.ts';
import { Access } from '../../src/web/auth/access.ts';
import { users } from '../../src/cli/users.ts';

function io(stdin = '') {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env: {}, readStdin: async () => stdin } };
}

test('set-password: a generated password printed once, or one piped in; the old one and every session stop working', async () => {
  const store = await openStore({ url: ':memory:' });
  const directory = new Directory(store, { defaultRegion: 'US' });
  await directory.upsertUser({ login: 'admin', name: 'Administrator', role: 'admin', password: 'the-lost-one' });
  await directory.upsertUser({ login: 'alice', name: 'Alice', extensions: ['101'], password: 'alice-password' });
  const access = new Access(store, directory);
  const open = async () => ({ ...store, close: async () => undefined });
  const session = (await access.login('admin', 'the-lost-one'))!;
  assert.ok(await access.bySession(session.sessionId));

  const generated = io();
  assert.equal(await users(['set-password', 'admin'], generated.io, open), 0, generated.out.stderr);
  const password = generated.out.stdout.trim();
  assert.match(password, /^[A-Za-z0-9_-]{16}$/);
  assert.match(generated.out.stderr, /shown only now.*sessions are closed/);
  assert.equal(await access.login('admin', 'the-lost-one'), null, 'the old password no longer works');
  assert.ok(await access.login('admin', password), 'the new one does');
  assert.equal(await access.bySession(session.sessionId), null, 'the old session is closed');
  assert.ok(await access.login('alice', 'alice-password'), 'nobody else is touched');

  const piped = io('my-new-admin-password\n');
  assert.equal(await users(['set-password', 'admin', '--stdin'], piped.io, open), 0);
  assert.equal(piped.out.stdout, '', 'a password given is not printed back');
  assert.ok(await access.login('admin', 'my-new-admin-password'));

  const short = io('short\n');
  assert.equal(await users(['set-password', 'admin', '--stdin'], short.io, open), 2);
  assert.match(short.out.stderr, /at least 8 characters\. Nothing was changed/);
  assert.ok(await access.login('admin', 'my-new-admin-password'), 'unchanged');
  const inline = io();
  assert.equal(await users(['set-password', 'admin', 'hunter22'], inline.io, open), 2);
  assert.match(inline.out.stderr, /never given on the command line/);
  const nobody = io();
  assert.equal(await users(['set-password', 'nobody'], nobody.io, open), 1);
  assert.match(nobody.out.stderr, /no user "nobody".*users list/);

  const list = io();
  assert.equal(await users(['list'], list.io, open), 0);
  assert.deepEqual(JSON.parse(list.out.stdout), [
    { login: 'admin', name: 'Administrator', role: 'admin', active: true, extensions: [] },
    { login: 'alice', name: 'Alice', role: 'agent', active: true, extensions: ['101'] },
  ]);
  assert.ok(!list.out.stdout.includes('password'), 'no password hash in the list');
  await store.close();
});
