import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../../test/support/engines.ts';
import { Directory } from '../directory/directory.ts';
import { CallMatches } from './call-matches.ts';

describe('call matches', () => {
  let t: TestStore;
  let dir: Directory;
  before(async () => {
    t = await openTestStore('sqlite');
    dir = new Directory(t.store, { defaultRegion: 'US' });
    await dir.upsertContact({ id: 'c1', firstName: 'Ann', lastName: 'Lee', phones: [{ number: '+12125550101', kind: 'work' }] });
  });
  after(() => t.dispose());

  test('a call\'s matches are looked up once and kept until forgotten', async () => {
    const m = new CallMatches(dir);
    const first = m.for('pbx:1', '+12125550101');
    assert.equal(m.for('pbx:1', null), first, 'the same answer for every consumer of the call');
    assert.deepEqual((await first).map((c) => c.id), ['c1']);
    m.forget('pbx:1');
    assert.notEqual(m.for('pbx:1', '+12125550101'), first);
  });

  test('once: the kept answer when there is one, else a lookup that leaves nothing behind', async () => {
    const m = new CallMatches(dir);
    const kept = m.for('pbx:2', '+12125550101');
    assert.equal(m.once('pbx:2', '+12125550101'), kept);
    m.forget('pbx:2');
    const late = m.once('pbx:2', '+12125550101');
    assert.deepEqual((await late).map((c) => c.id), ['c1']);
    // Nothing was kept: a later `for` looks up again instead of returning the late answer.
    assert.notEqual(m.for('pbx:2', '+12125550101'), late);
    assert.deepEqual(await m.once('pbx:3', null), []);
  });
});
