/**
 * `crm-telephony seed` on a SQLite file, as an admin runs it, then `lookup` finding a generated
 * contact by another way of writing its number.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main.ts';
import { generateDemoDirectory } from '../../src/directory/demo-data.ts';

function collector(env: Record<string, string>): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return { io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env }, out };
}

describe('seed command on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-seed-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DATABASE_URL: join(dir, 'demo.sqlite'), DEFAULT_REGION: 'DE' };
  const run = async (argv: string[], withEnv: Record<string, string> = env) => {
    const { io, out } = collector(withEnv);
    return { code: await main(argv, io), ...out };
  };

  it('loads users, accounts, contacts and leads, and prints counts, time and how to try it', async () => {
    const r = await run(['seed', '--contacts', '300', '--seed', '7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Seeded .*demo\.sqlite \(region DE, seed 7\) in \d+\.\d s:/);
    assert.match(r.stdout, /users: {4}alice \(101, admin\), bob \(102\), carol \(103\), dave \(104\)/);
    assert.match(r.stdout, /accounts: 30\n {2}contacts: 300\n {2}leads: {4}60/);
    assert.match(r.stdout, /records created 390, updated 0\./);
    assert.match(r.stdout, /no password and cannot sign in; seed again with --password/);
    assert.match(r.stdout, /Try: crm-telephony lookup "\+\d+"/);
    assert.equal(r.stderr, '', 'no progress lines for a small seed off a terminal');
  });

  it('lookup finds a generated contact by a different formatting of its number', async () => {
    const demo = generateDemoDirectory({ contacts: 300, seed: 7, region: 'DE' });
    // A German contact whose number is stored in one format; ask in two others.
    const contact = demo.contacts.find((c) => c.phones.some((p) => p.e164?.startsWith('+49') && p.number !== p.e164))!;
    const phone = contact.phones.find((p) => p.e164?.startsWith('+49') && p.number !== p.e164)!;
    const national = `0${phone.e164!.slice(3)}`;
    for (const asked of [phone.e164!, national, `0049 ${phone.e164!.slice(3)}`]) {
      const r = await run(['lookup', asked]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.equal(json.number.e164, phone.e164, asked);
      const hit = json.candidates.find((c: { id: string }) => c.id === contact.id);
      assert.ok(hit, `${asked} should find ${contact.id} (stored as "${phone.number}"): ${r.stdout}`);
      assert.equal(hit.quality, 'exact');
      assert.equal(hit.matched.number, phone.number);
      assert.equal(hit.name, `${contact.firstName} ${contact.lastName}`);
      assert.ok(['alice', 'bob', 'carol', 'dave', undefined].includes(hit.owner?.login));
    }
  });

  it('seeding again updates the same records; --password gives the users one; --json for machines', async () => {
    const r = await run(['seed', '--contacts', '300', '--seed', '7', '--password', 'demo-pass-1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual([json.created, json.updated, json.contacts, json.passwordSet], [0, 390, 300, true]);
    assert.equal(json.users.length, 4);
    assert.ok(!r.stdout.includes('demo-pass-1'), 'the password is never printed');
  });

  it('seeding again without --password says the demo users kept their passwords and can sign in (it said they could not)', async () => {
    // The users got 'demo-pass-1' from the seed above; this one keeps it.
    const r = await run(['seed', '--contacts', '300', '--seed', '7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /kept the passwords they had: alice, bob, carol, dave can sign in\./);
    assert.doesNotMatch(r.stdout, /cannot sign in/);
  });

  it('says per user who can sign in when only some have a password', async () => {
    const own = { DATABASE_URL: join(dir, 'mixed.sqlite') };
    assert.equal((await run(['seed', '--contacts', '0'], own)).code, 0);
    const out = { stdout: '', stderr: '' };
    const io: CliIo = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env: own, readStdin: async () => 'bobs-own-password\n' };
    assert.equal(await main(['users', 'set-password', 'bob', '--stdin'], io), 0, out.stderr);
    const r = await run(['seed', '--contacts', '0'], own);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Kept the password they had and can sign in: bob\. Have no password and cannot sign in: alice, carol, dave; seed again with --password <pw>/);
  });

  it('refuses a bad command line with exit 2 and a way out', async () => {
    const cases: [string[], RegExp][] = [
      [['seed'], /Say how many contacts to make with --contacts/],
      [['seed', '--contacts', 'lots'], /--contacts must be a whole number from 0 to 10,000,000; got "lots"/],
      [['seed', '--contacts', '-5'], /--contacts|option/i],
      [['seed', '--contacts', '10', '--seed', '1.5'], /--seed must be a whole number/],
      [['seed', '--contacts', '10', '--password', 'short'], /at least 8 characters/],
      [['seed', '1000'], /Did you mean --contacts 1000\?/],
      [['seed', '--contacts', '10', '--region', 'XX'], /"XX" is not a region code/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
