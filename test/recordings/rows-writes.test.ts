/**
 * The recordings table's per-call writes, on both engines: a recording named again with nothing new
 * costs no statement (its `updated_at` stays), a full path still corrects a guess, a location changed
 * by a report is not taken for the remembered one, and a call's end marks and returns its rows in
 * one statement, oldest first, leaving rows that were not recording as they were.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingRows } from '../../src/recordings/recording-rows.ts';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';

const PBX = 'default';

for (const engine of ENGINES) {
  describe(`recording rows' writes on ${engine}`, () => {
    let ts: TestStore;
    let clock = Date.parse('2026-12-07T10:00:00.000Z');
    const at = (): string => new Date(clock).toISOString();
    let rows: RecordingRows;
    before(async () => {
      ts = await openTestStore(engine);
      rows = new RecordingRows(ts.store, () => clock);
    });
    after(async () => ts.dispose());

    test('the same recording named again writes nothing; a full path still corrects a guess', async () => {
      const callId = `${PBX}:1795460001.1`;
      const file = 'in-1795460001.1.wav';
      await rows.touch({ callId, pbx: PBX, file, location: file, fromPath: false });
      const first = at();
      clock += 1000;
      await rows.touch({ callId, pbx: PBX, file, location: file, fromPath: false });
      assert.equal((await rows.byCallAndFile(callId, file))!.updatedAt, first, 'a second guess is skipped');
      clock += 1000;
      await rows.touch({ callId, pbx: PBX, file, location: `2026/12/07/${file}`, fromPath: true });
      const afterPath = (await rows.byCallAndFile(callId, file))!;
      assert.equal(afterPath.location, `2026/12/07/${file}`, 'a full path corrects the guessed location');
      assert.equal(afterPath.updatedAt, at());
      clock += 1000;
      await rows.touch({ callId, pbx: PBX, file, location: `2026/12/07/${file}`, fromPath: true });
      await rows.touch({ callId, pbx: PBX, file, location: file, fromPath: false });
      const still = (await rows.byCallAndFile(callId, file))!;
      assert.equal(still.location, `2026/12/07/${file}`, 'a later guess never undoes the path');
      assert.equal(still.updatedAt, afterPath.updatedAt, 'the same path again and a guess are both skipped');
    });

    test('a location a report changed is written again when the engine names the old path', async () => {
      const callId = `${PBX}:1795460002.1`;
      const file = 'in-1795460002.1.wav';
      await rows.touch({ callId, pbx: PBX, file, location: `a/${file}`, fromPath: true });
      const row = (await rows.byCallAndFile(callId, file))!;
      await rows.update(row.id, { location: `b/${file}` });
      await rows.touch({ callId, pbx: PBX, file, location: `a/${file}`, fromPath: true });
      assert.equal((await rows.byCallAndFile(callId, file))!.location, `a/${file}`, 'the upsert ran: the remembered location was forgotten by the update');
    });

    test("a call's end marks its recording rows ready and returns them all, oldest first", async () => {
      const callId = `${PBX}:1795460003.1`;
      clock += 1000;
      await rows.touch({ callId, pbx: PBX, file: 'first-1795460003.1.wav', location: 'first-1795460003.1.wav', fromPath: true });
      clock += 1000;
      await rows.touch({ callId, pbx: PBX, file: 'second-1795460003.1.wav', location: 'second-1795460003.1.wav', fromPath: true });
      const second = (await rows.byCallAndFile(callId, 'second-1795460003.1.wav'))!;
      await rows.update(second.id, { state: 'removed_by_retention' });
      const removedAt = (await rows.get(second.id))!.updatedAt;
      clock += 1000;
      const ended = await rows.endCall(callId);
      assert.deepEqual(
        ended.map((r) => [r.file, r.state]),
        [
          ['first-1795460003.1.wav', 'ready'],
          ['second-1795460003.1.wav', 'removed_by_retention'],
        ],
      );
      assert.equal(ended[0]!.updatedAt, at(), 'the recording row changed now');
      assert.equal(ended[1]!.updatedAt, removedAt, 'a row not recording is left as it was');
      assert.deepEqual(await rows.endCall(`${PBX}:no-such-call`), []);
    });
  });
}
