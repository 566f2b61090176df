/**
 * The AMI codec against real Asterisk 20 bytes, split and chunked every way a TCP stream can cut them,
 * against hostile peers, and the encoder against injection. See STYLE.md items 2 and 9.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AmiDecoder, decodeMessage, encodeAction } from './codec.ts';
import type { AmiDecoded, AmiDecodedItem, AmiDecoderOptions } from './codec.ts';
import { AmiMessage } from './message.ts';
import { ErrorCodes, isCrmTelephonyError } from '../errors.ts';

const FIXTURES = new URL('../../test/fixtures/ami-transcripts/', import.meta.url);
const TRANSCRIPTS = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.ami'))
  .sort();
const SENT = readdirSync(new URL('sent/', FIXTURES))
  .filter((name) => name.endsWith('.sent'))
  .sort();

const bytesOf = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
const SMALL = '12-actions-ping-coreshowchannels-status-idle.ami';
const CYRILLIC = 'a3-cyrillic-callerid-agent-hangs-up.ami';

/** A decoded item reduced to plain data, so two decodings can be compared with deepEqual. */
type Snapshot =
  | { kind: 'greeting'; line: string; version: string }
  | { kind: 'message'; fields: (readonly [string, string])[]; json: Record<string, string | string[]>; unparsed: string[] }
  | { kind: 'error'; code: string };

function snapshot(items: readonly AmiDecoded[]): Snapshot[] {
  return items.map((item): Snapshot => {
    if (item.kind === 'greeting') return { kind: 'greeting', line: item.line, version: item.version };
    if (item.kind === 'error') return { kind: 'error', code: item.error.code };
    const m = item.message;
    return { kind: 'message', fields: [...m.fields], json: m.toJSON(), unparsed: [...m.unparsed] };
  });
}

/** Feeds the chunks in order, then ends the stream; returns everything decoded. */
function decode(chunks: readonly Uint8Array[], options?: AmiDecoderOptions): AmiDecoded[] {
  const decoder = new AmiDecoder(options);
  const out: AmiDecoded[] = [];
  for (const chunk of chunks) out.push(...decoder.push(chunk));
  out.push(...decoder.end());
  return out;
}

/** Cuts `buf` at the given offsets (any order, duplicates and out-of-range offsets ignored). */
function cutAt(buf: Buffer, offsets: readonly number[]): Buffer[] {
  const cuts = [...new Set(offsets)].filter((o) => o > 0 && o < buf.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    out.push(buf.subarray(from, cut));
    from = cut;
  }
  out.push(buf.subarray(from));
  return out;
}

/** Cuts `buf` into pieces of the given sizes, cycling through them. */
function cutBySizes(buf: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < buf.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(buf.subarray(at, at + size));
    at += size;
  }
  return out;
}

function messages(items: readonly AmiDecoded[]): AmiMessage[] {
  return items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));
}

function errorCodes(items: readonly AmiDecoded[]): string[] {
  return items.flatMap((item) => (item.kind === 'error' ? [item.error.code] : []));
}

function countOf(buf: Buffer, needle: string): number {
  let n = 0;
  for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + needle.length)) n++;
  return n;
}

/** The one message whose fields include every pair given. */
function findMessage(items: readonly AmiDecoded[], where: Record<string, string>): AmiMessage {
  const found = messages(items).filter((m) => Object.entries(where).every(([k, v]) => m.getAll(k).includes(v)));
  assert.equal(found.length, 1, `expected one message matching ${JSON.stringify(where)}, got ${found.length}`);
  return found[0]!;
}

const wholeDecodings = new Map(TRANSCRIPTS.map((name) => [name, snapshot(decode([bytesOf(name)]))]));
const whole = (name: string): Snapshot[] => wholeDecodings.get(name)!;

describe('AmiDecoder reads every real Asterisk 20 transcript', () => {
  test('the fixture set is there', () => {
    assert.ok(TRANSCRIPTS.length >= 24, `found only ${TRANSCRIPTS.length} transcripts`);
  });

  for (const name of TRANSCRIPTS) {
    test(name, () => {
      const bytes = bytesOf(name);
      const items = decode([bytes]);
      assert.deepEqual(errorCodes(items), []);
      assert.deepEqual(items[0], { kind: 'greeting', line: 'Asterisk Call Manager/9.0.0', version: '9.0.0' });
      assert.equal(items.filter((i) => i.kind === 'greeting').length, 1);
      const msgs = messages(items);
      assert.equal(msgs.length, countOf(bytes, '\r\n\r\n'));
      assert.equal(items.length, msgs.length + 1);
      for (const m of msgs) {
        assert.deepEqual(m.unparsed, []);
        assert.ok(m.type === 'event' || m.type === 'response', `unexpected first field ${m.fields[0]?.[0]}`);
      }
    });
  }

  test('repeated Variable lines of a Status reply stay in order (13)', () => {
    const items = decode([bytesOf('13-actions-during-active-call.ami')]);
    const status = findMessage(items, { Event: 'Status', ActionID: 'crm-5' });
    assert.deepEqual(status.getAll('Variable'), [
      'CRM_RECORDING=20261123-200005-+15551230013-1795464005.27.wav',
      'CRM_DID=5550100',
      'DIALSTATUS=(null)',
    ]);
    assert.equal(status.get('Variable'), 'CRM_RECORDING=20261123-200005-+15551230013-1795464005.27.wav');
    assert.deepEqual(status.toJSON()['Variable'], status.getAll('Variable'));
    const vars = status.variables();
    assert.equal(vars.get('CRM_DID'), '5550100');
    assert.equal(vars.get('DIALSTATUS'), '(null)');
    assert.equal(status.get('actionid'), 'crm-5');
    assert.equal(status.get('ACTIONID'), 'crm-5');
    assert.equal(status.get('AccountCode'), '');
  });

  test('a value holding ": " keeps everything after the first colon and space', () => {
    const observer = decode([bytesOf('14-failed-login-observer.ami')]);
    const challenge = findMessage(observer, { Event: 'RequestNotAllowed' });
    assert.equal(challenge.get('RequestType'), 'Action: Ping');
    assert.equal(challenge.get('AccountID'), '');
    const list = findMessage(decode([bytesOf('15-actions-extra-queue-endpoints-devstate.ami')]), { ActionID: 'crm-10' });
    assert.equal(list.get('Status'), 'List channel status.  (Priv: system,call,reporting,all)');
    assert.equal(list.get('WaitEvent'), 'Wait for an event to occur.  (Priv: <none>)');
  });

  test('the Cyrillic caller name decodes as UTF-8 (a3)', () => {
    const msgs = messages(decode([bytesOf(CYRILLIC)]));
    const named = msgs.filter((m) => m.get('CallerIDName') === 'Иван Петров');
    assert.ok(named.length > 10);
    assert.ok(msgs.every((m) => m.fields.every(([, v]) => !v.includes('\uFFFD'))));
  });
});

describe('AmiDecoder reads the actions our client sent (server side, no greeting)', () => {
  for (const name of SENT) {
    test(name, () => {
      const bytes = readFileSync(new URL(`sent/${name}`, FIXTURES));
      const items = decode([bytes], { expectGreeting: false });
      assert.deepEqual(errorCodes(items), []);
      const msgs = messages(items);
      assert.equal(msgs.length, countOf(bytes, '\r\n\r\n'));
      // encodeAction rebuilds the exact bytes the capture client sent.
      const again = msgs.map((m) => {
        assert.equal(m.type, 'action');
        return encodeAction(m.get('Action')!, m.fields.slice(1));
      });
      assert.equal(again.join(''), bytes.toString('utf8'));
    });
  }
});

describe('AmiDecoder split tests', () => {
  const bytes = bytesOf(SMALL);
  const expected = whole(SMALL);
  // The Ping reply: a message in the middle of the stream.
  const start = bytes.indexOf('Response: Success\r\nActionID: crm-2');
  const end = bytes.indexOf('\r\n\r\n', start) + 4;

  const cases: [string, number[]][] = [
    ['at the start of a message', [start]],
    ['one byte into a message', [start + 1]],
    ['in the middle of a key', [start + 3]],
    ['right after the colon', [bytes.indexOf('Ping:', start) + 5]],
    ['in the middle of a value', [bytes.indexOf('Pong', start) + 2]],
    ['between CR and LF of a line', [bytes.indexOf('\r\n', start) + 1]],
    ['right after the CRLF of a line', [bytes.indexOf('\r\n', start) + 2]],
    ['right before the terminator', [end - 4]],
    ['between CR and LF of the last line', [end - 3]],
    ['right after the first CRLF of the terminator', [end - 2]],
    ['between CR and LF of the terminating empty line', [end - 1]],
    ['at the end of the message', [end]],
    ['everywhere at once', [start, start + 1, end - 3, end - 2, end - 1, end]],
  ];
  for (const [what, offsets] of cases) {
    test(`a message cut ${what}`, () => {
      assert.deepEqual(snapshot(decode(cutAt(bytes, offsets))), expected);
    });
  }

  test('every single two-piece cut of a small transcript', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      assert.deepEqual(snapshot(decode(cutAt(bytes, [cut]))), expected, `cut at ${cut}`);
    }
  });

  test('the greeting line split', () => {
    const greetingEnd = bytes.indexOf('\r\n');
    for (const cut of [1, 'Asterisk'.length, 'Asterisk Call Manager/'.length, greetingEnd - 1, greetingEnd + 1]) {
      assert.deepEqual(snapshot(decode(cutAt(bytes, [cut]))), expected, `cut at ${cut}`);
    }
    const decoder = new AmiDecoder();
    assert.deepEqual(decoder.push(Buffer.from('Asterisk Call Man')), []);
    assert.deepEqual(decoder.push(Buffer.from('ager/9.0.0\r')), []);
    assert.deepEqual(decoder.push(Buffer.from('\n')), [
      { kind: 'greeting', line: 'Asterisk Call Manager/9.0.0', version: '9.0.0' },
    ]);
  });

  test('a UTF-8 character cut in two decodes whole', () => {
    const a3 = bytesOf(CYRILLIC);
    const name = Buffer.from('Иван Петров');
    const at = a3.indexOf(name);
    assert.ok(at > 0);
    assert.equal(name[0]! >> 5, 0b110, 'И is a 2-byte character');
    const items = decode(cutAt(a3, [at + 1]));
    assert.deepEqual(errorCodes(items), []);
    const first = messages(items).find((m) => m.get('CallerIDName') !== undefined)!;
    assert.equal(first.get('CallerIDName'), 'Иван Петров');
    assert.equal(first.get('CallerIDname'), 'Иван Петров');
    // Every cut inside the name, both halves of each character included, gives the same messages.
    const expectedA3 = whole(CYRILLIC);
    for (let cut = at; cut <= at + name.length; cut++) {
      assert.deepEqual(snapshot(decode(cutAt(a3, [cut]))), expectedA3, `cut at ${cut - at} bytes into the name`);
    }
  });

  test('a Uint8Array that is not a Buffer is read from its own window only', () => {
    const backing = new Uint8Array(bytes.length + 20).fill(0x41);
    backing.set(bytes, 10);
    const view = new Uint8Array(backing.buffer, 10, bytes.length);
    assert.deepEqual(snapshot(decode([view.subarray(0, 100), view.subarray(100)])), expected);
  });
});

describe('AmiDecoder under arbitrary chunking (fast-check)', () => {
  /** Either random cut points or a cycle of small chunk sizes (many tiny chunks). */
  const chunker = (length: number): fc.Arbitrary<(buf: Buffer) => Buffer[]> =>
    fc.oneof(
      fc.array(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 40 }).map(
        (cuts) => (buf: Buffer) => cutAt(buf, cuts),
      ),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }).map(
        (sizes) => (buf: Buffer) => cutBySizes(buf, sizes),
      ),
    );

  for (const name of TRANSCRIPTS) {
    test(`${name}: any chunking decodes like the whole`, () => {
      const bytes = bytesOf(name);
      const expected = whole(name);
      fc.assert(
        fc.property(chunker(bytes.length), (cut) => {
          assert.deepEqual(snapshot(decode(cut(bytes))), expected);
        }),
        { numRuns: 30 },
      );
    });
  }

  for (const name of [SMALL, '14-failed-login.ami', CYRILLIC]) {
    test(`${name}: single-byte chunks`, () => {
      const bytes = bytesOf(name);
      assert.deepEqual(snapshot(decode(cutBySizes(bytes, [1]))), whole(name));
    });
  }
});

describe('AmiDecoder fast paths (pushInto, a reused read buffer, whole-message framing)', () => {
  /** What pushInto hands out, as push would have wrapped it. */
  function viaPushInto(chunks: readonly Uint8Array[], options?: AmiDecoderOptions): AmiDecoded[] {
    const decoder = new AmiDecoder(options);
    const out: AmiDecoded[] = [];
    for (const chunk of chunks) {
      const into: AmiDecodedItem[] = [];
      decoder.pushInto(chunk, into);
      for (const item of into) out.push(item instanceof AmiMessage ? { kind: 'message', message: item } : item);
    }
    out.push(...decoder.end());
    return out;
  }

  /** Every chunk is copied into one buffer that is scribbled over as soon as push returns. */
  function throughOneBuffer(chunks: readonly Buffer[], options?: AmiDecoderOptions): AmiDecoded[] {
    const decoder = new AmiDecoder(options);
    const shared = Buffer.alloc(Math.max(1, ...chunks.map((c) => c.length)));
    const out: AmiDecoded[] = [];
    for (const chunk of chunks) {
      chunk.copy(shared);
      out.push(...decoder.push(shared.subarray(0, chunk.length)));
      shared.fill(0x0a); // LFs: any view the decoder kept would now read as empty lines
    }
    out.push(...decoder.end());
    return out;
  }

  const chunkSizes = fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 8 });

  for (const name of [SMALL, CYRILLIC, '13-actions-during-active-call.ami']) {
    test(`${name}: pushInto gives push's items, messages bare, however chunked (fast-check)`, () => {
      const bytes = bytesOf(name);
      assert.deepEqual(snapshot(viaPushInto([bytes])), whole(name));
      fc.assert(
        fc.property(chunkSizes, (sizes) => {
          assert.deepEqual(snapshot(viaPushInto(cutBySizes(bytes, sizes))), whole(name));
        }),
        { numRuns: 40 },
      );
    });

    test(`${name}: a caller may reuse a chunk's memory once push returns (fast-check)`, () => {
      const bytes = bytesOf(name);
      fc.assert(
        fc.property(chunkSizes, (sizes) => {
          assert.deepEqual(snapshot(throughOneBuffer(cutBySizes(bytes, sizes))), whole(name));
        }),
        { numRuns: 40 },
      );
    });
  }

  test('bare-LF hostile input through one reused buffer decodes like the whole', () => {
    const parts = fc.array(fc.constantFrom('Event: A\n', 'K: v\n', '\n', '\r\n', '\r', 'Response: Follows\r\n', '--END COMMAND--\r\n', 'Иван', ': x\n'), {
      maxLength: 40,
    });
    fc.assert(
      fc.property(parts, chunkSizes, fc.boolean(), (list, sizes, expectGreeting) => {
        const bytes = Buffer.from(list.join(''));
        const once = snapshot(decode([bytes], { expectGreeting }));
        assert.deepEqual(snapshot(throughOneBuffer(cutBySizes(bytes, sizes), { expectGreeting })), once);
        assert.deepEqual(snapshot(viaPushInto(cutBySizes(bytes, sizes), { expectGreeting })), once);
      }),
      { numRuns: 500 },
    );
  });

  test('bytes that are not UTF-8, UTF-8 letters and odd lines read as decodeMessage reads their text', () => {
    const bytes = Buffer.concat([
      Buffer.from('Event: Stray\r\nName: '),
      Buffer.from([0xff, 0xc2, 0x3a, 0x80]),
      Buffer.from('\r\nK\xe9y: v\r\n\r\nEvent: Letters\r\nCallerIDName: Иван Петров\r\nN: 1\r\n\r\n'),
      Buffer.from('Event: Odd\r\n Padded : p\r\nno colon\r\n:empty key\r\nK:v:w\r\n\r\n'),
    ]);
    const items = decode(cutAt(bytes, []), { expectGreeting: false });
    assert.deepEqual(errorCodes(items), []);
    const texts = bytes.toString('utf8').split('\r\n\r\n').slice(0, 3);
    assert.deepEqual(
      messages(items).map((m) => [[...m.fields], [...m.unparsed]]),
      texts.map((t) => {
        const item = decodeMessage(`${t}\r\n`);
        assert.ok(item.kind === 'message');
        return [[...item.message.fields], [...item.message.unparsed]];
      }),
    );
    assert.equal(messages(items)[0]!.get('Name'), '\uFFFD\uFFFD:\uFFFD');
    assert.equal(messages(items)[1]!.get('N'), '1');
    assert.equal(messages(items)[2]!.get('padded'), 'p');
  });

  test('a bare-LF message before a CRLF one in the same chunk ends at its own empty line', () => {
    const items = decode([Buffer.from('Event: A\nK: 1\n\nEvent: B\r\nK: 2\r\n\r\n')], { expectGreeting: false });
    assert.deepEqual(errorCodes(items), []);
    assert.deepEqual(
      messages(items).map((m) => [...m.fields]),
      [
        [
          ['Event', 'A'],
          ['K', '1'],
        ],
        [
          ['Event', 'B'],
          ['K', '2'],
        ],
      ],
    );
  });

  test('a short bare-LF message is not refused for the size of the CRLF message after it', () => {
    const big = `Event: Big\r\nData: ${'x'.repeat(300)}\r\n\r\n`;
    const items = decode([Buffer.from(`Event: Small\nK: 1\n\n${big}Event: Next\n\n`)], { expectGreeting: false, maxMessageBytes: 256 });
    assert.deepEqual(errorCodes(items), [ErrorCodes.AMI_ERR_FRAME_TOO_LARGE]);
    assert.deepEqual(
      messages(items).map((m) => m.event),
      ['Small', 'Next'],
    );
  });

  test('a message finished across the cut, then the rest of the chunk, in order', () => {
    const decoder = new AmiDecoder({ expectGreeting: false });
    const events = (chunk: string): string[] => {
      const items = decoder.push(Buffer.from(chunk));
      assert.deepEqual(errorCodes(items), []);
      return messages(items).map((m) => `${m.event}:${m.get('K') ?? ''}`);
    };
    assert.deepEqual(events('Event: A\r\nK: 1\r\n'), []);
    assert.deepEqual(events('\r\nEvent: B\r\n\r\nEvent: C\r\nK: 3'), ['A:1', 'B:']);
    assert.deepEqual(events('\r\n\r\nEvent: D\r\n\r\n'), ['C:3', 'D:']);
    assert.deepEqual(events('Event: E\r\n\r'), []);
    assert.deepEqual(events('\nEvent: F\r\n\r\nEvent: G\n'), ['E:', 'F:']);
    assert.deepEqual(events('\nEvent: H\r\n\r\n'), ['G:', 'H:']);
    assert.deepEqual(decoder.end(), []);
  });
});

describe('AmiDecoder with LF-only line ends', () => {
  for (const name of TRANSCRIPTS) {
    test(`${name} with bare LF decodes like the CRLF original`, () => {
      const lf = Buffer.from(bytesOf(name).toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
      assert.deepEqual(snapshot(decode([lf])), whole(name));
    });
  }

  test('CRLF and LF mixed line by line, chunked at random (fast-check)', () => {
    const bytes = bytesOf(SMALL);
    const lines = bytes.toString('latin1').split('\r\n');
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: lines.length, maxLength: lines.length }),
        fc.array(fc.integer({ min: 1, max: 1100 }), { maxLength: 10 }),
        (bare, cuts) => {
          const text = lines.map((line, i) => (i === lines.length - 1 ? line : line + (bare[i] ? '\n' : '\r\n'))).join('');
          assert.deepEqual(snapshot(decode(cutAt(Buffer.from(text, 'latin1'), cuts))), whole(SMALL));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('AmiDecoder on hostile input', () => {
  const LIMIT = 256;
  /** Fragments that exercise the framing paths, mixed with random bytes. */
  const framingBytes = fc
    .array(
      fc.oneof(
        fc.constantFrom('\r', '\n', '\r\n', '\r\n\r\n', '\n\n', ':', ': ', ' ', 'Event: X', 'Key: value', 'x'.repeat(300)),
        fc.constantFrom('Response: Follows\r\n', '--END COMMAND--', 'Asterisk Call Manager/9.0.0\r\n', 'Иван'),
        fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
      ),
      { maxLength: 60, size: 'large' },
    )
    .map((parts) => Buffer.from(parts.join(''), 'latin1'));
  const anyBytes = fc.oneof(
    fc.uint8Array({ maxLength: 2000, size: 'large' }).map((b) => Buffer.from(b)),
    framingBytes,
  );
  const sizes = fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 });

  test('push() and end() never throw and never hold more than maxMessageBytes', () => {
    fc.assert(
      fc.property(anyBytes, sizes, fc.boolean(), (bytes, chunkSizes, expectGreeting) => {
        const decoder = new AmiDecoder({ maxMessageBytes: LIMIT, expectGreeting });
        for (const chunk of cutBySizes(bytes, chunkSizes)) {
          for (const item of decoder.push(chunk)) assert.ok(['greeting', 'message', 'error'].includes(item.kind));
          assert.ok(decoder.bufferedBytes <= LIMIT, `holding ${decoder.bufferedBytes} bytes`);
        }
        decoder.end();
        assert.equal(decoder.bufferedBytes, 0);
      }),
      { numRuns: 1000 },
    );
  });

  test('below the size limit, the chunking of arbitrary bytes never changes what comes out', () => {
    fc.assert(
      fc.property(framingBytes, sizes, fc.boolean(), (bytes, chunkSizes, expectGreeting) => {
        const once = snapshot(decode([bytes], { expectGreeting }));
        assert.deepEqual(snapshot(decode(cutBySizes(bytes, chunkSizes), { expectGreeting })), once);
      }),
      { numRuns: 600 },
    );
  });

  test('a stream that ends in the middle of a message is reported, not lost', () => {
    const decoder = new AmiDecoder({ expectGreeting: false });
    assert.deepEqual(decoder.push(Buffer.from('Event: Cut\r\nChannel: PJSIP/1')), []);
    const [item, ...rest] = decoder.end();
    assert.deepEqual(rest, []);
    assert.ok(item?.kind === 'error' && item.error.code === ErrorCodes.AMI_ERR_MALFORMED);
    assert.deepEqual(decoder.end(), []);
  });
});

describe('AmiDecoder with an oversized message', () => {
  const LIMIT = 1024;
  const sizes = fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 });
  const next = 'Event: Next\r\nChannel: PJSIP/101-00000001\r\n\r\n';

  test('reports AMI_ERR_FRAME_TOO_LARGE once and resyncs on the next message', () => {
    const decoder = new AmiDecoder({ expectGreeting: false, maxMessageBytes: LIMIT });
    const items: AmiDecoded[] = [];
    items.push(...decoder.push(Buffer.from('Event: Huge\r\n')));
    for (let i = 0; i < 50; i++) {
      items.push(...decoder.push(Buffer.from(`Output: line ${i} ${'y'.repeat(60)}\r\n`)));
      assert.ok(decoder.bufferedBytes <= LIMIT);
    }
    items.push(...decoder.push(Buffer.from('\r\n' + next)));
    items.push(...decoder.end());
    assert.deepEqual(errorCodes(items), [ErrorCodes.AMI_ERR_FRAME_TOO_LARGE]);
    const error = items.find((i) => i.kind === 'error');
    assert.ok(error?.kind === 'error');
    assert.equal(error.error.details['limit'], LIMIT);
    const msgs = messages(items);
    assert.equal(msgs.length, 1);
    assert.deepEqual(msgs[0]!.fields, [
      ['Event', 'Next'],
      ['Channel', 'PJSIP/101-00000001'],
    ]);
  });

  test('a peer that sends an endless line with no LF stays bounded', () => {
    for (const expectGreeting of [false, true]) {
      const decoder = new AmiDecoder({ expectGreeting, maxMessageBytes: LIMIT });
      const items: AmiDecoded[] = [];
      const junk = Buffer.alloc(1000, 0x78);
      for (let i = 0; i < 2000; i++) {
        items.push(...decoder.push(junk));
        assert.ok(decoder.bufferedBytes <= LIMIT, `holding ${decoder.bufferedBytes} bytes`);
      }
      const codes = errorCodes(items);
      if (expectGreeting) {
        // Not AMI; what follows is read as (oversized) messages, reported once more at most.
        assert.equal(codes[0], ErrorCodes.AMI_ERR_NOT_AMI);
        assert.ok(codes.length <= 2 && codes.slice(1).every((c) => c === ErrorCodes.AMI_ERR_FRAME_TOO_LARGE));
      } else {
        assert.deepEqual(codes, [ErrorCodes.AMI_ERR_FRAME_TOO_LARGE]);
        const after = decoder.push(Buffer.from('\r\n\r\n' + next));
        assert.deepEqual(messages(after).map((m) => m.event), ['Next']);
      }
    }
  });

  // Bug: after an overflow the decoder drops the partial line it holds and forgets it was
  // mid-line, so a chunk that starts with that line's CRLF looks like the empty line ending the
  // message, and the rest of the oversized message comes out as a message of its own.
  test('the tail of an oversized message never comes out as a message (cut before a CRLF)', () => {
    for (const cutTail of ['', '\r']) {
      const decoder = new AmiDecoder({ expectGreeting: false, maxMessageBytes: 256 });
      const items = decoder.push(Buffer.from(`Event: Big\r\nData: ${'x'.repeat(300)}${cutTail}`));
      items.push(...decoder.push(Buffer.from(`${cutTail ? '\n' : '\r\n'}ActionID: crm-9\r\n\r\n${next}`)));
      assert.deepEqual(errorCodes(items), [ErrorCodes.AMI_ERR_FRAME_TOO_LARGE]);
      assert.deepEqual(messages(items).map((m) => m.event), ['Next']);
    }
  });

  test('oversized messages among normal ones, chunked at random, cost only themselves (fast-check)', () => {
    const small = fc.integer({ min: 0, max: 999 }).map((n) => `Event: Small\r\nSeq: ${n}\r\n\r\n`);
    const huge = fc.integer({ min: 300, max: 900 }).map((n) => `Event: Huge\r\nData: ${'z'.repeat(n)}\r\nMore: tail\r\n\r\n`);
    fc.assert(
      fc.property(fc.array(fc.oneof(small, huge), { maxLength: 12 }), sizes, (parts, chunkSizes) => {
        const items = decode(cutBySizes(Buffer.from(parts.join('')), chunkSizes), { expectGreeting: false, maxMessageBytes: 256 });
        assert.equal(errorCodes(items).length, parts.filter((p) => p.startsWith('Event: Huge')).length);
        assert.deepEqual(
          messages(items).map((m) => m.get('Seq')),
          parts.filter((p) => p.startsWith('Event: Small')).map((p) => /Seq: (\d+)/.exec(p)![1]),
        );
      }),
      { numRuns: 300 },
    );
  });

  // Inconsistent: the limit is only checked on bytes held between pushes, so a message that
  // arrives whole in one chunk is delivered however long it is.
  test('a message over the limit is refused however it is chunked', () => {
    const big = Buffer.from(`Event: Big\r\nData: ${'x'.repeat(300)}\r\n\r\n${next}`);
    const items = decode([big], { expectGreeting: false, maxMessageBytes: 256 });
    assert.deepEqual(errorCodes(items), [ErrorCodes.AMI_ERR_FRAME_TOO_LARGE]);
    assert.deepEqual(messages(items).map((m) => m.event), ['Next']);
  });
});

describe('AmiDecoder on a port that is not AMI', () => {
  const notAmi = (items: readonly AmiDecoded[]): void => {
    assert.equal(items[0]?.kind, 'error');
    assert.ok(isCrmTelephonyError(items[0].kind === 'error' ? items[0].error : null, ErrorCodes.AMI_ERR_NOT_AMI));
    assert.ok(!items.some((i) => i.kind === 'greeting'));
  };

  test('an SSH server', () => {
    notAmi(new AmiDecoder().push(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')));
  });

  test('an HTTP server', () => {
    notAmi(
      decode([Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')]),
    );
  });

  test('a peer that never sends a line break', () => {
    const decoder = new AmiDecoder({ maxMessageBytes: 64 });
    notAmi(decoder.push(Buffer.alloc(100, 0x00)));
    assert.equal(decoder.bufferedBytes, 0);
  });

  test('the message tells a person what to check, without control characters', () => {
    const [item] = new AmiDecoder().push(Buffer.from('\x1b[31mhello\x00\r\n'));
    assert.ok(item?.kind === 'error');
    assert.match(item.error.message, /AMI_PORT/);
    const shown = String(item.error.details['greeting']);
    assert.equal(shown, '?[31mhello?');
    assert.ok([...shown].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f));
  });
});

describe('AmiDecoder on legacy Response: Follows', () => {
  const legacy =
    'Response: Follows\r\nPrivilege: Command\r\nActionID: 5\r\nline one\nline two\n\nline four after blank\n--END COMMAND--\r\n\r\n';
  const after = 'Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n';
  const stream = Buffer.from(legacy + after);

  const check = (items: readonly AmiDecoded[]): void => {
    assert.deepEqual(errorCodes(items), []);
    const [follows, booted, ...rest] = messages(items);
    assert.deepEqual(rest, []);
    assert.equal(follows?.response, 'Follows');
    assert.equal(follows.get('Privilege'), 'Command');
    assert.equal(follows.actionId, '5');
    assert.deepEqual(follows.getAll('Output'), ['line one', 'line two', '', 'line four after blank']);
    assert.deepEqual(
      follows.fields.map(([k]) => k),
      ['Response', 'Privilege', 'ActionID', 'Output', 'Output', 'Output', 'Output'],
    );
    assert.deepEqual(follows.unparsed, []);
    assert.equal(booted?.event, 'FullyBooted');
    assert.equal(booted.get('Status'), 'Fully Booted');
  };

  test('output lines become Output fields in order, the empty one included', () => {
    check(decode([stream], { expectGreeting: false }));
  });

  test('split at every byte', () => {
    for (let cut = 0; cut <= stream.length; cut++) check(decode(cutAt(stream, [cut]), { expectGreeting: false }));
  });

  test('after a greeting and with LF-only headers', () => {
    const lf = Buffer.from(`Asterisk Call Manager/1.3\r\n${legacy}${after}`.replaceAll('\r\n', '\n'));
    const items = decode([lf]);
    assert.deepEqual(items[0], { kind: 'greeting', line: 'Asterisk Call Manager/1.3', version: '1.3' });
    check(items);
  });

  // Bug: Asterisk 1.8-13 appends the marker right after the output, so output without a final
  // newline shares its last line with `--END COMMAND--`; that line is dropped.
  test('output that shares its last line with --END COMMAND-- is kept', () => {
    const shared = 'Response: Follows\r\nPrivilege: Command\r\nActionID: 6\r\nline a\nlast output--END COMMAND--\r\n\r\n';
    const [follows] = messages(decode([Buffer.from(shared)], { expectGreeting: false }));
    assert.deepEqual(follows?.getAll('Output'), ['line a', 'last output']);
  });

  test('modern Response: Success keeps every Output line in order', () => {
    const modern =
      'Response: Success\r\nActionID: 7\r\nMessage: Command output follows\r\n' +
      'Output: Name/username  Host\r\nOutput: \r\nOutput: 101/101  (Unspecified)\r\nOutput: 1 sip peers: 1 online\r\n\r\n';
    const [m, ...rest] = messages(decode([Buffer.from(modern)], { expectGreeting: false }));
    assert.deepEqual(rest, []);
    assert.deepEqual(m?.getAll('Output'), ['Name/username  Host', '', '101/101  (Unspecified)', '1 sip peers: 1 online']);
    assert.deepEqual(m.toJSON()['Output'], m.getAll('output'));
  });
});

describe('AmiDecoder field syntax', () => {
  const one = (text: string): AmiMessage => {
    const items = decode([Buffer.from(text)], { expectGreeting: false });
    assert.deepEqual(errorCodes(items), []);
    const [m, ...rest] = messages(items);
    assert.deepEqual(rest, []);
    return m!;
  };

  test('exactly one space after the colon belongs to the syntax', () => {
    const m = one('Event: X\r\nNoSpace:v\r\nTwo:  v\r\nTrailing: v  \r\nEmpty: \r\nBare:\r\nTabbed:\tv\r\n\r\n');
    assert.equal(m.get('NoSpace'), 'v');
    assert.equal(m.get('Two'), ' v');
    assert.equal(m.get('Trailing'), 'v  ');
    assert.equal(m.get('Empty'), '');
    assert.equal(m.get('Bare'), '');
    assert.equal(m.get('Tabbed'), '\tv');
  });

  test('a value with colons keeps everything after the first colon and space', () => {
    const m = one('Event: X\r\nAppData: Inbound DID 5550102 from "Иван Петров" <+79161234567>\r\nURI: sip:101@127.0.0.1:5060\r\nTime: 12:34: 56\r\n\r\n');
    assert.equal(m.get('AppData'), 'Inbound DID 5550102 from "Иван Петров" <+79161234567>');
    assert.equal(m.get('URI'), 'sip:101@127.0.0.1:5060');
    assert.equal(m.get('Time'), '12:34: 56');
  });

  test('keys are trimmed and matched without regard to case', () => {
    const m = one('Event: X\r\n  ActionID  : 42\r\n\r\n');
    assert.equal(m.fields[1]?.[0], 'ActionID');
    assert.equal(m.get('actionid'), '42');
    assert.equal(m.actionId, '42');
  });

  test('lines that are not Key: Value are kept as unparsed', () => {
    const m = one('Event: X\r\nno colon here\r\n: no key\r\nKey: v\r\n\r\n');
    assert.deepEqual(m.unparsed, ['no colon here', ': no key']);
    assert.deepEqual(m.fields, [
      ['Event', 'X'],
      ['Key', 'v'],
    ]);
  });

  test('stray empty lines between messages are skipped', () => {
    const items = decode([Buffer.from('\r\n\r\nEvent: A\r\n\r\n\r\n\n\r\nEvent: B\r\n\r\n')], { expectGreeting: false });
    assert.deepEqual(
      messages(items).map((m) => m.event),
      ['A', 'B'],
    );
    assert.deepEqual(errorCodes(items), []);
  });
});

describe('encodeAction', () => {
  test('a simple action, byte for byte', () => {
    assert.equal(encodeAction('Ping', { ActionID: 'crm-2' }), 'Action: Ping\r\nActionID: crm-2\r\n\r\n');
    assert.equal(encodeAction('Logoff'), 'Action: Logoff\r\n\r\n');
  });

  test('arrays become repeated keys in order; tuples may repeat keys too', () => {
    assert.equal(
      encodeAction('Originate', { Channel: 'PJSIP/101', Variable: ['a=1', 'b=2'], Timeout: 30000, Async: true }),
      'Action: Originate\r\nChannel: PJSIP/101\r\nVariable: a=1\r\nVariable: b=2\r\nTimeout: 30000\r\nAsync: true\r\n\r\n',
    );
    assert.equal(
      encodeAction('Setvar', [
        ['Variable', 'x=1'],
        ['ActionID', 7],
        ['Variable', 'y=2'],
      ]),
      'Action: Setvar\r\nVariable: x=1\r\nActionID: 7\r\nVariable: y=2\r\n\r\n',
    );
    assert.equal(encodeAction('Setvar', { Variable: [] }), 'Action: Setvar\r\n\r\n');
  });

  test('undefined and null are skipped; empty strings are sent', () => {
    assert.equal(
      encodeAction('Status', { Channel: undefined, ActionID: 'x', Variables: null, Account: '' }),
      'Action: Status\r\nActionID: x\r\nAccount: \r\n\r\n',
    );
  });

  test('a field named Action cannot replace the action', () => {
    assert.equal(encodeAction('Ping', { action: 'Originate', ACTION: 'Hangup' }), 'Action: Ping\r\n\r\n');
  });

  test('reproduces the Originate the capture client sent (07)', () => {
    const sent = readFileSync(new URL('sent/07-click-to-call-originate-101-to-customer.sent', FIXTURES), 'utf8');
    const originate = encodeAction('Originate', {
      ActionID: 'c2c-0001',
      Channel: 'PJSIP/101',
      Context: 'click-to-call',
      Exten: '15559876543',
      Priority: 1,
      CallerID: '"Customer 15559876543" <15559876543>',
      Timeout: 30000,
      Async: true,
      Account: 'crm-c2c-0001',
      Variable: ['__CRM_CALL_ID=crm-c2c-0001', 'CRM_AGENT=101'],
    });
    assert.ok(sent.includes(originate));
  });

  describe('refuses line breaks (AMI_ERR_INJECTION)', () => {
    const injection = (err: unknown): boolean => isCrmTelephonyError(err, ErrorCodes.AMI_ERR_INJECTION);
    const breaks = ['\r', '\n', '\r\n'];
    const values = breaks.flatMap((br) => [
      `${br}Action: Originate`,
      `PJSIP/101${br}Action: Originate${br}Channel: PJSIP/999`,
      `PJSIP/101${br}`,
      br,
    ]);

    for (const value of values) {
      test(`value ${JSON.stringify(value)}`, () => {
        assert.throws(() => encodeAction('Hangup', { Channel: value }), injection);
        assert.throws(() => encodeAction('Hangup', [['Channel', value]]), injection);
        assert.throws(() => encodeAction('Setvar', { Variable: ['ok=1', value] }), injection);
        assert.throws(() => encodeAction(`Hangup${value}`), injection);
      });
    }

    test('in a key, a colon in a key, an empty or padded key', () => {
      for (const key of ['Chan\rnel', 'Chan\nnel', 'Channel\r\n', '\r\nChannel', 'Chan:nel', 'Channel:', '', ' Channel', 'Channel ']) {
        assert.throws(() => encodeAction('Hangup', { [key]: 'PJSIP/101' }), injection, JSON.stringify(key));
      }
    });

    test('the error code is the stable one', () => {
      try {
        encodeAction('Hangup', { Channel: 'a\r\nb' });
        assert.fail('should have thrown');
      } catch (err) {
        assert.equal((err as { code?: unknown }).code, 'AMI_ERR_INJECTION');
      }
    });
  });

  test('round-trips through AmiDecoder for any key and value without CR/LF (fast-check)', () => {
    const noBreak = (s: string): boolean => !/[\r\n]/.test(s);
    const key = fc
      .string({ unit: fc.oneof(fc.constantFrom('A', 'c', 'I', 'D', '_', '-', '(', ')'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 12 })
      .filter((k) => noBreak(k) && !k.includes(':') && k.trim() === k && k.length > 0 && k.toLowerCase() !== 'action');
    const value = fc
      .string({ unit: fc.oneof(fc.constantFrom(' ', ':', ': ', '=', '\t', 'Я'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 30 })
      .filter(noBreak);
    const action = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter(noBreak);
    fc.assert(
      fc.property(action, fc.array(fc.tuple(key, value), { maxLength: 8 }), fc.integer({ min: 1, max: 16 }), (name, fields, chunk) => {
        const bytes = Buffer.from(encodeAction(name, fields), 'utf8');
        const items = decode(cutBySizes(bytes, [chunk]), { expectGreeting: false });
        assert.deepEqual(errorCodes(items), []);
        const [m, ...rest] = messages(items);
        assert.deepEqual(rest, []);
        assert.deepEqual(m?.fields, [['Action', name], ...fields]);
        assert.deepEqual(m.unparsed, []);
      }),
      { numRuns: 500 },
    );
  });

  test('a value with leading spaces round-trips', () => {
    const [m] = messages(decode([Buffer.from(encodeAction('UserEvent', { Body: '  two spaces', One: ' one' }))], { expectGreeting: false }));
    assert.equal(m?.get('Body'), '  two spaces');
    assert.equal(m.get('One'), ' one');
  });
});
