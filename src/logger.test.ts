import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { test } from 'node:test';
import { createLogger, type LogOutput } from './logger.ts';

function collector(isTTY: boolean): { out: LogOutput; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean };
  out.isTTY = isTTY;
  return { out, text: () => text };
}

test('json: one object per line, secrets redacted; auto is JSON when the output is not a terminal', async () => {
  for (const format of ['json', 'auto'] as const) {
    const c = collector(false);
    const log = createLogger('info', format, c.out);
    log.info({ pbx: 'default', secret: 'hunter22' }, 'connected to the PBX');
    log.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const lines = c.text().trim().split('\n');
    assert.equal(lines.length, 1, c.text());
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line['msg'], 'connected to the PBX');
    assert.equal(line['pbx'], 'default');
    assert.equal(line['secret'], '[redacted]');
  }
});

test('pretty (and auto on a terminal): readable lines with the level, the words and the fields; secrets still redacted', () => {
  for (const [format, tty] of [
    ['pretty', false],
    ['auto', true],
  ] as const) {
    const c = collector(tty);
    const log = createLogger('info', format, c.out);
    log.warn({ pbx: 'default', secret: 'hunter22' }, 'the PBX is not answering');
    const text = stripVTControlCharacters(c.text());
    assert.match(text, /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: the PBX is not answering\n/);
    assert.match(text, /pbx: "default"/);
    assert.doesNotMatch(text, /hunter22/);
    assert.throws(() => JSON.parse(text.trim()), 'not JSON');
  }
});
