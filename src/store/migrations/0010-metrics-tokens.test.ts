import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { Directory } from '../../directory/directory.ts';
import { Access } from '../../web/auth/access.ts';
import { ENGINES, openTestStore, type TestStore } from '../../../test/support/engines.ts';
import { down, up } from './0010-metrics-tokens.ts';

for (const engine of ENGINES) {
  describe(`migration 0010 (metrics tokens) on ${engine}`, () => {
    let ts: TestStore;
    before(async () => {
      ts = await openTestStore(engine);
    });
    after(async () => ts.dispose());

    test('a metrics token reads as one; the kinds are still checked; down and up again keep every other token', async () => {
      const directory = new Directory(ts.store, { defaultRegion: 'US' });
      const alice = (await directory.upsertUser({ login: 'alice', name: 'Alice', extensions: ['101'] })).id;
      const access = new Access(ts.store, directory);
      const api = await access.createToken('api', 'script', alice);
      const routing = await access.createToken('routing', 'dialplan', null);
      const metrics = await access.createToken('metrics', 'prometheus', null);
      assert.equal((await access.byToken(metrics.token))?.tokenKind, 'metrics');
      assert.equal((await access.byToken(metrics.token))?.user, null, 'a metrics token is nobody');
      const db = ts.store.db as unknown as Kysely<unknown>;
      const insert = (kind: string) =>
        ts.store.db.insertInto('api_tokens').values({ id: `t-${kind}`, user_id: null, kind: kind as 'api', name: kind, token_hash: `h-${kind}`, created_at: new Date().toISOString(), last_used_at: null, revoked: 0 }).execute();
      await assert.rejects(insert('bogus'), 'a kind outside the list is refused');

      await down(db);
      assert.equal(await access.byToken(metrics.token), null, 'down removes the metrics tokens');
      await assert.rejects(insert('metrics'), 'and the check is back to api and routing');
      await up(db);
      assert.equal((await access.byToken(api.token))?.user?.login, 'alice', 'the API token survived the table being rebuilt');
      assert.equal((await access.byToken(routing.token))?.tokenKind, 'routing');
      await insert('metrics');
      await assert.rejects(insert('bogus'));
    });
  });
}
