/**
 * `Directory.touch`, the mark an answered call leaves on its records (their cards' "Last call",
 * issue 16): seen by the very next lookup despite the lookup's memory, never moved back by an older
 * call, and kept by a SuiteCRM sync that lists the record again. On both engines.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { DirectoryWriter } from '../crm/suitecrm/directory-writer.ts';
import type { SyncedRecord } from '../crm/suitecrm/records.ts';
import { Directory } from './directory.ts';
import { findByPhone } from './lookup.ts';

const CALL = '2026-12-06T12:00:00.000Z';

for (const engine of ENGINES) {
  describe(`touch on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    before(async () => {
      t = await openTestStore(engine);
      // A long memory: only the write count can make the lookup read again.
      dir = new Directory(t.store, { defaultRegion: 'US', recentLookups: { ttlMs: 3_600_000 } });
    });
    after(() => t.dispose());

    const lastCall = async (number: string): Promise<(string | null)[]> => (await findByPhone(dir, number)).candidates.map((c) => c.lastActivityAt);

    test('the next lookup of the number shows the call, though the number was just looked up', async () => {
      const id = (await dir.upsertContact({ firstName: 'Tom', lastName: 'Touched', phones: [{ kind: 'work', number: '+1 415 555 0800' }] })).id;
      assert.deepEqual(await lastCall('+14155550800'), [null]);
      await dir.touch('contact', id, CALL);
      assert.deepEqual(await lastCall('(415) 555-0800'), [CALL]);
      const stored = await t.store.db.selectFrom('contacts').select('last_activity_at').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(stored.last_activity_at, CALL);
    });

    test('an older call (told late by the CDRs) never moves the time back; a newer one moves it on', async () => {
      const id = (await dir.upsertAccount({ name: 'Order Co', phones: [{ kind: 'office', number: '+1 415 555 0801' }] })).id;
      await dir.touch('account', id, CALL);
      await dir.touch('account', id, '2026-12-05T08:00:00.000Z');
      assert.deepEqual(await lastCall('+14155550801'), [CALL]);
      await dir.touch('account', id, '2026-12-07T09:00:00.000Z');
      assert.deepEqual(await lastCall('+14155550801'), ['2026-12-07T09:00:00.000Z']);
      const phones = await t.store.db.selectFrom('phones').select('last_activity_at').where('record_id', '=', id).execute();
      assert.deepEqual(phones.map((p) => p.last_activity_at), ['2026-12-07T09:00:00.000Z']);
    });

    test('a SuiteCRM sync listing the called record again keeps the call (unchanged, edited before it, or no edit time)', async () => {
      const writer = new DirectoryWriter(dir);
      const listed = (modifiedAt: number, lastName = 'Synced'): SyncedRecord => ({
        type: 'contact',
        externalId: 'crm-c1',
        modifiedAt,
        assignedExternal: null,
        accountExternal: null,
        name: '',
        firstName: 'Sue',
        lastName,
        accountName: null,
        status: null,
        phones: [{ kind: 'mobile', number: '+1 415 555 0802' }],
      });
      const sync = async (r: SyncedRecord): Promise<void> => {
        const [resolved] = await writer.resolve([r], new Set());
        if (resolved!.changed) await writer.writeRecords('contact', [resolved!.input]);
      };
      await sync(listed(Date.parse('2026-12-01T00:00:00.000Z')));
      const [synced] = (await findByPhone(dir, '+14155550802')).candidates;
      assert.equal(synced?.source, 'suitecrm');
      await dir.touch('contact', synced!.id, CALL);
      await sync(listed(Date.parse('2026-12-01T00:00:00.000Z')));
      assert.deepEqual(await lastCall('+14155550802'), [CALL], 'listed again unchanged');
      await sync(listed(Date.parse('2026-12-02T00:00:00.000Z'), 'Renamed'));
      assert.deepEqual(await lastCall('+14155550802'), [CALL], 'edited before the call');
      await sync(listed(Number.NaN, 'Again'));
      assert.deepEqual(await lastCall('+14155550802'), [CALL], 'no edit time: never null');
    });
  });
}
