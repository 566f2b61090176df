/**
 * The lookup's fast path on both engines: one probe per key finds exactly what the old three-key OR
 * found, ranked the same; weaker keys reach only phones without an E.164 key; and the memory of
 * recent lookups answers repeated callers until a directory write or its lifetime ends.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { normalizePhone } from '../phone/normalize.ts';
import { Directory } from './directory.ts';
import { collapse, findByNormalized, findByPhone } from './lookup.ts';
import { indexKeys } from './phone-keys.ts';
import type { PhoneRow } from './phone-rows.ts';
import { rankCandidates } from './rank.ts';

for (const engine of ENGINES) {
  describe(`lookup fast path on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    let alice: string;

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US', recentLookups: { entries: 0 } });
      alice = (await dir.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101'] })).id;
    });
    after(() => t.dispose());

    test('a caller with an E.164 key: exact matches, then phones without one that end the same; never another full number', async () => {
      const exact = (await dir.upsertContact({ firstName: 'Exact', lastName: 'Match', phones: [{ kind: 'work', number: '+1 415 555 2671' }] })).id;
      // Seven digits in region US: not even a possible number, so no E.164 key, only a suffix key.
      const local = (await dir.upsertLead({ firstName: 'Local', lastName: 'Only', phones: [{ kind: 'work', number: '555-2671' }] })).id;
      await dir.upsertContact({ firstName: 'Other', lastName: 'City', phones: [{ kind: 'work', number: '+1 212 555 2671' }] });
      const res = await findByPhone(dir, '+1 415 555 2671');
      assert.deepEqual(
        res.candidates.map((c) => [c.id, c.quality]),
        [
          [exact, 'exact'],
          [local, 'suffix'],
        ],
      );
    });

    test('a caller without an E.164 key matches every phone that ends the same', async () => {
      const res = await findByPhone(dir, '555-2671');
      assert.equal(res.number.kind, 'number');
      assert.deepEqual(res.candidates.map((c) => [c.name, c.quality]).sort(), [
        ['Exact Match', 'suffix'],
        ['Local Only', 'suffix'],
        ['Other City', 'suffix'],
      ]);
    });

    test('a phone row with a national key and no E.164 key (as older data may hold) still matches as national', async () => {
      const id = (await dir.upsertContact({ firstName: 'Legacy', lastName: 'Row', assignedUserId: alice })).id;
      await t.store.db
        .insertInto('phones')
        .values({
          record_type: 'contact',
          record_id: id,
          position: 0,
          kind: 'work',
          raw: 'legacy',
          e164_key: null,
          national_key: '4155550999',
          suffix_key: '5550999',
          extension: null,
          first_name: 'Legacy',
          last_name: 'Row',
          owner_id: alice,
          owner_login: 'alice',
          owner_name: 'Alice Agent',
          source: 'embedded',
        })
        .execute();
      const res = await findByPhone(dir, '+1 415 555 0999');
      assert.deepEqual(res.candidates.map((c) => [c.id, c.quality, c.owner?.login]), [[id, 'national', 'alice']]);
    });

    test('a phone row whose record is gone (no card) is not a candidate', async () => {
      await t.store.db
        .insertInto('phones')
        .values({ record_type: 'lead', record_id: 'no-such-lead', position: 0, kind: 'work', raw: '+1 415 555 0998', e164_key: '+14155550998', national_key: '4155550998', suffix_key: '5550998', extension: null })
        .execute();
      assert.deepEqual((await findByPhone(dir, '+14155550998')).candidates, []);
    });

    test('the probes find what the three-key OR found, ranked the same, for every kind of caller', async () => {
      const numbers = ['+1 415 555 3000', '415-555-3000', '555-3000', '+44 20 7946 3000', '+1 650 555 3000', '3000 555', 'tel 5 5 5 3 0 0 0 please', '+1 415 555 3001'];
      let i = 0;
      for (const n of numbers) {
        await dir.upsertContact({ firstName: `C${i}`, lastName: 'Eq', phones: [{ kind: 'work', number: n }, { kind: 'mobile', number: numbers[(i + 3) % numbers.length]! }] });
        await dir.upsertAccount({ name: `A${i++}`, phones: [{ kind: 'office', number: n }] });
      }
      const or = async (keys: ReturnType<typeof indexKeys>): Promise<PhoneRow[]> =>
        (await t.store.db
          .selectFrom('phones')
          .selectAll()
          .where((eb) => eb.or([eb('e164_key', '=', keys.e164_key), eb('national_key', '=', keys.national_key), eb('suffix_key', '=', keys.suffix_key)]))
          .execute()) as PhoneRow[];
      const callers = [...numbers, '+14155553000', '14155553000', '0044 20 7946 3000', '5553000', 'anonymous', '101', '+7 916 555 3000'];
      for (const caller of callers) {
        const number = normalizePhone(caller, { defaultRegion: 'US' });
        const keys = indexKeys(number);
        const expected = keys.e164_key === null && keys.national_key === null && keys.suffix_key === null ? [] : rankCandidates(collapse(await or(keys), keys), dir.typeOrder);
        assert.deepEqual((await findByNormalized(dir, number)).candidates, expected, caller);
      }
    });
  });

  describe(`recent lookups on ${engine}`, () => {
    let t: TestStore;
    let now = 0;
    let dir: Directory;
    let id: string;
    const renameBehindTheDirectorysBack = (name: string) => t.store.db.updateTable('phones').set({ first_name: name }).where('record_id', '=', id).execute();

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US', recentLookups: { entries: 3, ttlMs: 1000, now: () => now } });
      id = (await dir.upsertContact({ firstName: 'Ringing Group', phones: [{ kind: 'mobile', number: '+1 415 555 4000' }] })).id;
    });
    after(() => t.dispose());

    test('a caller looked up again, in any form, is answered from memory until a directory write', async () => {
      assert.equal((await findByPhone(dir, '+1 415 555 4000')).candidates[0]?.name, 'Ringing Group');
      await renameBehindTheDirectorysBack('Changed');
      assert.equal((await findByPhone(dir, '(415) 555-4000')).candidates[0]?.name, 'Ringing Group', 'remembered');
      assert.equal((await findByPhone(dir, '14155554000')).candidates[0]?.name, 'Ringing Group', 'remembered');
      await dir.upsertUser({ login: 'someone', name: 'Any Write' });
      assert.equal((await findByPhone(dir, '+1 415 555 4000')).candidates[0]?.name, 'Changed', 'a write forgets');
    });

    test('a write through another Directory on the same store forgets too; so does the end of the lifetime', async () => {
      await renameBehindTheDirectorysBack('Again');
      assert.equal((await findByPhone(dir, '+1 415 555 4000')).candidates[0]?.name, 'Changed');
      await new Directory(t.store, { defaultRegion: 'US' }).touch('contact', id);
      assert.equal((await findByPhone(dir, '+1 415 555 4000')).candidates[0]?.name, 'Again');
      await renameBehindTheDirectorysBack('Later');
      now += 999;
      assert.equal((await findByPhone(dir, '+1 415 555 4000')).candidates[0]?.name, 'Again');
      now += 1;
      assert.equal((await findByPhone(dir, '+1 415 555 4000')).candidates[0]?.name, 'Later');
    });

    test('misses are remembered too, and answers are copies nobody can change for the next caller', async () => {
      assert.deepEqual((await findByPhone(dir, '+1 415 555 4999')).candidates, []);
      const first = await findByPhone(dir, '+1 415 555 4000');
      first.candidates[0]!.name = 'Mutated';
      first.candidates[0]!.matched.number = 'x';
      first.candidates.pop();
      const again = await findByPhone(dir, '+1 415 555 4000');
      assert.equal(again.candidates[0]?.name, 'Later');
      assert.equal(again.candidates[0]?.matched.number, '+1 415 555 4000');
      assert.ok(dir.recentLookups.size <= 3);
    });

    test('lookups of one caller arriving together each get their own copy of one remembered answer', async () => {
      await dir.upsertUser({ login: 'writer', name: 'A write, so nothing is remembered' });
      await renameBehindTheDirectorysBack('Together');
      const forms = ['+1 415 555 4000', '(415) 555-4000', '14155554000', '415.555.4000'];
      const answers = await Promise.all(forms.map((f) => findByPhone(dir, f)));
      for (const a of answers) assert.equal(a.candidates[0]?.name, 'Together');
      assert.notEqual(answers[0]!.candidates[0], answers[1]!.candidates[0], 'copies, not one shared object');
      await renameBehindTheDirectorysBack('After');
      assert.equal((await findByPhone(dir, '+1 415 555 4000')).candidates[0]?.name, 'Together', 'the shared read is remembered');
    });
  });
}
