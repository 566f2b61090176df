import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../../test/support/engines.ts';
import { Directory } from '../../directory/directory.ts';
import { Access, openSession, sweepExpiredSessions } from './access.ts';

for (const engine of ENGINES) {
  describe(`access on ${engine}`, () => {
    let t: TestStore;
    let directory: Directory;
    let access: Access;
    let alice: string;
    before(async () => {
      t = await openTestStore(engine);
      directory = new Directory(t.store, { defaultRegion: 'US' });
      access = new Access(t.store, directory);
      alice = (await directory.upsertUser({ login: 'alice', name: 'Alice Agent', password: 'pw-alice', extensions: ['101'] })).id;
    });
    after(() => t.dispose());

    test('tokens are listed oldest first with the login they act as, never their secret', async (ctx) => {
      ctx.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-06T12:00:00.000Z') });
      assert.deepEqual(await access.listTokens(), []);
      const routing = await access.createToken('routing', 'dialplan', null);
      ctx.mock.timers.tick(1_000);
      const api = await access.createToken('api', 'script', alice);
      ctx.mock.timers.tick(120_000);
      assert.equal((await access.byToken(api.token))?.user?.login, 'alice');
      await access.revokeToken(routing.id);
      const listed = await access.listTokens();
      assert.deepEqual(listed, [
        { id: routing.id, kind: 'routing', name: 'dialplan', user: null, createdAt: '2026-12-06T12:00:00.000Z', lastUsedAt: null, revoked: true },
        { id: api.id, kind: 'api', name: 'script', user: 'alice', createdAt: '2026-12-06T12:00:01.000Z', lastUsedAt: '2026-12-06T12:02:01.000Z', revoked: false },
      ]);
      assert.ok(!JSON.stringify(listed).includes(api.token) && !JSON.stringify(listed).includes(routing.token));
    });

    test('a session opened for a user is accepted until it expires; the sweep removes expired ones only', async () => {
      const now = Date.now();
      const live = await openSession(t.store, alice, 3600_000, now);
      const stale = await openSession(t.store, alice, 1_000, now - 10_000);
      assert.equal((await access.bySession(live.sessionId))?.user?.login, 'alice');
      assert.equal((await access.bySession(live.sessionId))?.csrfToken, live.csrfToken);
      await sweepExpiredSessions(t.store, now);
      assert.equal((await access.bySession(live.sessionId))?.user?.login, 'alice');
      const rows = await t.store.db.selectFrom('sessions').select('user_id').execute();
      assert.equal(rows.length, 1, 'the expired session was swept');
      assert.equal(await access.bySession(stale.sessionId), null);
    });
  });
}
