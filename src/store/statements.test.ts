import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { numberPlaceholders, statement } from './statements.ts';

test("placeholders: ? becomes $n outside quotes only", () => {
  assert.equal(numberPlaceholders("select a from t where b = ? and c = '?' and d = ?"), "select a from t where b = $1 and c = '?' and d = $2");
  assert.equal(numberPlaceholders('select "?" from t where x in (?, ?)'), 'select "?" from t where x in ($1, $2)');
});

for (const engine of ENGINES) {
  describe(`prepared statements on ${engine}`, () => {
    let t: TestStore;
    before(async () => {
      t = await openTestStore(engine);
    });
    after(() => t.dispose());

    test('read, write and count changes through one statement each, values bound', async () => {
      const insert = statement(t.store, 'test_gap_insert', "insert into pbx_gaps (id, pbx, from_at, to_at, cause, state, next_attempt_at, created_at) values (?, ?, ?, ?, ?, 'pending', ?, ?)");
      const byPbx = statement<{ pbx: string; cause: string }>(t.store, 'test_gap_by_pbx', 'select pbx, cause from pbx_gaps where pbx = ? order by from_at');
      const at = '2026-12-06T20:00:00.000Z';
      assert.equal(await insert.run(['g1', 'p1', at, at, 'link-cut', at, at]), 1);
      assert.equal(await insert.run(['g2', "p'2; drop table pbx_gaps", at, at, 'restart', at, at]), 1, 'a value is bound, never spliced');
      assert.deepEqual(await byPbx.all(['p1']), [{ pbx: 'p1', cause: 'link-cut' }]);
      assert.equal((await byPbx.get(["p'2; drop table pbx_gaps"]))?.cause, 'restart');
      assert.equal(await byPbx.get(['nobody']), undefined);
    });

    test('one name never means two statements', () => {
      statement(t.store, 'test_same_name', 'select 1 as x');
      assert.throws(() => statement(t.store, 'test_same_name', 'select 2 as x'), /already defined with other SQL/);
    });
  });
}
