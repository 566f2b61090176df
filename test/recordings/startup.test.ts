/** At start, a recordings folder that is not there is said in the log, in words, once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { openTestStore } from '../support/engines.ts';
import { Recordings } from '../../src/recordings/recordings.ts';
import { defaultRecordingSettings } from '../../src/recordings/config.ts';

test('the default folder missing on this server: a warning that says what to do', async () => {
  const lines: { level: number; msg: string; code?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const t = await openTestStore('sqlite');
  const r = new Recordings({
    store: t.store,
    log: pino({ level: 'info' }, sink),
    settings: defaultRecordingSettings({ sources: { '*': { kind: 'local', pbxDir: '/var/spool/asterisk/monitor', localDir: '/nonexistent/var/spool/asterisk/monitor' } } }),
  });
  try {
    await r.start();
    await r.idle();
    const warning = lines.find((l) => l.code === 'RECORDING_ERR_SOURCE_UNAVAILABLE');
    assert.ok(warning, JSON.stringify(lines));
    assert.equal(warning.level, 40);
    assert.match(warning.msg, /\/nonexistent\/var\/spool\/asterisk\/monitor does not exist on this server\. Mount the PBX's recordings folder there/);
  } finally {
    await r.stop();
    await t.dispose();
  }
});
