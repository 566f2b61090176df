/** `crm-telephony lookup <number>`: the JSON it prints, on both engines, and its refusals. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryLookup } from '../../src/cli/directory-lookup.ts';
import { main, type CliIo } from '../../src/cli/main.ts';
import { Directory } from '../../src/directory/directory.ts';
import type { Store } from '../../src/store/store.ts';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';

function collector(env: Record<string, string> = {}): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return { io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env }, out };
}
const borrowed = (store: Store) => ({ openStore: async (): Promise<Store> => ({ ...store, close: async () => {} }) });

for (const engine of ENGINES) {
  describe(`lookup command on ${engine}`, () => {
    let t: TestStore;
    const lookup = async (args: string[], env: Record<string, string> = {}) => {
      const { io, out } = collector(env);
      const code = await directoryLookup(args, io, borrowed(t.store));
      return { code, ...out, json: out.stdout ? JSON.parse(out.stdout) : undefined };
    };

    before(async () => {
      t = await openTestStore(engine);
      const d = new Directory(t.store, { defaultRegion: 'RU' });
      const alice = await d.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101'] });
      await d.upsertAccount({ id: 'acc-1', name: 'ООО «Ромашка»', assignedUserId: alice.id, phones: [{ kind: 'office', number: '+7 (495) 123-45-67' }] });
      await d.upsertContact({ id: 'c-1', firstName: 'Иван', lastName: 'Петров', accountId: 'acc-1', assignedUserId: alice.id, phones: [{ kind: 'work', number: '8 495 123 45 67 доб. 12' }] });
      await d.upsertLead({ id: 'l-1', firstName: 'Olga', lastName: 'Smirnova', accountName: 'Lead Co', phones: [{ kind: 'mobile', number: '+7 916 000-11-22' }] });
    });
    after(() => t.dispose());

    it('a hit: the number as understood, and every candidate ranked, with account, owner and the matched field', async () => {
      const r = await lookup(['84951234567', '--region', 'RU']);
      assert.equal(r.code, 0);
      assert.deepEqual(r.json.number, { kind: 'number', e164: '+74951234567', formatted: '8 (495) 123-45-67', country: 'RU', national: '4951234567', valid: true, extension: null });
      assert.equal(r.json.input, '84951234567');
      assert.equal(r.json.region, 'RU');
      assert.deepEqual(
        r.json.candidates.map((c: { type: string; id: string; quality: string }) => [c.type, c.id, c.quality]),
        [
          ['contact', 'c-1', 'exact'],
          ['account', 'acc-1', 'exact'],
        ],
      );
      const [contact, account] = r.json.candidates;
      assert.equal(contact.name, 'Иван Петров');
      assert.deepEqual(contact.account, { id: 'acc-1', name: 'ООО «Ромашка»' });
      assert.equal(contact.owner.login, 'alice');
      assert.deepEqual(contact.matched, { kind: 'work', number: '8 495 123 45 67 доб. 12' });
      assert.deepEqual(account.matched, { kind: 'office', number: '+7 (495) 123-45-67' });
      assert.deepEqual(Object.keys(contact), ['type', 'id', 'name', 'account', 'owner', 'matched', 'quality', 'lastActivityAt', 'source', 'externalId']);
    });

    it('foreign formatting from another region finds the same records', async () => {
      const r = await lookup(['011 7 495 123 4567'], { DEFAULT_REGION: 'US' });
      assert.equal(r.json.number.e164, '+74951234567');
      assert.equal(r.json.number.formatted, '+7 495 123 45 67');
      assert.equal(r.json.candidates.length, 2);
    });

    it('a lead, a miss, an extension, an anonymous caller and garbage: each said plainly, exit 0', async () => {
      assert.equal((await lookup(['+79160001122'])).json.candidates[0].type, 'lead');
      const miss = await lookup(['+1 212 555 0100']);
      assert.deepEqual([miss.code, miss.json.number.kind, miss.json.candidates], [0, 'number', []]);
      assert.deepEqual((await lookup(['101'])).json.number, { kind: 'internal', e164: null, formatted: '101', extension: '101' });
      assert.deepEqual((await lookup(['anonymous'])).json.number, { kind: 'anonymous', e164: null, formatted: 'anonymous' });
      const junk = await lookup(["1' OR '1'='1"]);
      assert.equal(junk.code, 0);
      assert.equal(junk.json.number.kind, 'invalid');
      assert.equal(typeof junk.json.number.code, 'string');
      assert.deepEqual(junk.json.candidates, []);
    });
  });
}

describe('lookup through main()', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-lookup-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (argv: string[], env: Record<string, string> = {}) => {
    const { io, out } = collector(env);
    return { code: await main(argv, io), ...out };
  };

  it('refuses to create a directory where none exists, and says how to get one', async () => {
    const r = await run(['lookup', '+14155552671', '--database', join(dir, 'none.sqlite')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /There is no directory at .*none\.sqlite\. Import or seed one first/);
  });

  it('one number, quoted when it has spaces; a known region', async () => {
    const none = await run(['lookup']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Give the number to look up/);
    const two = await run(['lookup', '+1', '415', '555', '2671']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /crm-telephony lookup "\+1 415 555 2671"/);
    const uk = await run(['lookup', '020 7946 0958'], { DEFAULT_REGION: 'UK' });
    assert.equal(uk.code, 2);
    assert.match(uk.stderr, /DEFAULT_REGION "UK" is not a region code\. Use GB, not UK\./);
  });

  it('--help', async () => {
    const r = await run(['lookup', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: crm-telephony lookup <number>/);
  });
});
