/**
 * The FastAGI codec against the real request bytes Asterisk 20 sent (scenario 10), split every way a
 * TCP stream can cut them, against hostile peers, and the encoder against injection. STYLE.md 2, 9.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AgiDecoder, MAX_COMMAND_BYTES, encodeCommand, encodeGetVariable, encodeRawCommand, encodeSetVariable, encodeVerbose, parseReplyText, quoteArg } from './codec.ts';
import type { AgiDecoded, AgiDecoderOptions, AgiReply } from './codec.ts';
import type { AgiRequest } from './request.ts';
import { AgiErrorCodes, isAgiError } from './agi-errors.ts';
import { REQUEST_BYTES, parseArgs } from '../../test/agi/asterisk-agi.ts';

function decode(chunks: readonly Uint8Array[], options?: AgiDecoderOptions): AgiDecoded[] {
  const decoder = new AgiDecoder(options);
  const out: AgiDecoded[] = [];
  for (const chunk of chunks) out.push(...decoder.push(chunk));
  out.push(...decoder.end());
  return out;
}

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

function requestOf(items: readonly AgiDecoded[]): AgiRequest {
  const found = items.find((i) => i.kind === 'request');
  assert.ok(found && found.kind === 'request', `no request in ${JSON.stringify(items)}`);
  return found.request;
}

function errorCodes(items: readonly AgiDecoded[]): string[] {
  return items.flatMap((i) => (i.kind === 'error' ? [i.error.code] : []));
}

/** Decoded items as plain data, comparable with deepEqual. */
function snapshot(items: readonly AgiDecoded[]): unknown[] {
  return items.map((i) => (i.kind === 'request' ? { kind: 'request', request: { ...i.request, env: { ...i.request.env } } } : i.kind === 'error' ? { kind: 'error', code: i.error.code } : i));
}

const REPLIES = Buffer.from(
  [
    '200 result=1',
    '200 result=0 endpos=12345',
    '200 result=1 (Иван (VIP) Петров)',
    'HANGUP',
    '511 Command Not Permitted on a dead channel or intercept routine',
    '510 Invalid or unknown command',
    '520-Invalid command syntax.  Proper usage follows:',
    ' Usage: SET VARIABLE <variablename> <value>',
    '',
    '520 End of proper usage.',
    '200 result=1 (dtmf) endpos=20',
    '',
  ].join('\n'),
);

describe('request block', () => {
  test('decodes the real request Asterisk sent: script, args in order, channel, caller, DID', () => {
    const items = decode([REQUEST_BYTES]);
    assert.deepEqual(errorCodes(items), []);
    const r = requestOf(items);
    assert.equal(r.script, 'route');
    assert.deepEqual(r.args, ['+15551230010', '5550400']);
    assert.equal(r.request, 'agi://127.0.0.1:4573/route', 'the value keeps its colons: only the first ": " splits');
    assert.equal(r.network, true);
    assert.equal(r.channel, 'PJSIP/carrier-00000015');
    assert.equal(r.uniqueid, '1795463977.23');
    assert.equal(r.callerId, '+15551230010');
    assert.equal(r.callerIdName, 'Andy Agi');
    assert.equal(r.dnid, '5550400');
    assert.equal(r.rdnis, 'unknown');
    assert.equal(r.context, 'from-pstn');
    assert.equal(r.extension, '5550400');
    assert.equal(r.priority, '4');
    assert.equal(r.version, '20.20.1');
    assert.equal(r.accountCode, '', '"agi_accountcode: " is an empty value');
    assert.equal(r.env['agi_threadid'], '140572962670272');
    assert.equal(Object.keys(r.env).length, 24);
  });

  test('the same request split at every byte offset (two chunks), and byte by byte', () => {
    const whole = snapshot(decode([REQUEST_BYTES]));
    for (let i = 1; i < REQUEST_BYTES.length; i++) {
      assert.deepEqual(snapshot(decode(cutAt(REQUEST_BYTES, [i]))), whole, `split at ${i}`);
    }
    const bytes = [...REQUEST_BYTES].map((b) => Buffer.from([b]));
    assert.deepEqual(snapshot(decode(bytes)), whole);
  });

  test('arbitrary chunking of the request followed by replies gives the same items (fast-check)', () => {
    const stream = Buffer.concat([REQUEST_BYTES, REPLIES]);
    const whole = snapshot(decode([stream]));
    assert.equal(whole.length, 9);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        assert.deepEqual(snapshot(decode(cutAt(stream, cuts))), whole);
      }),
      { numRuns: 300 },
    );
  });

  test('CRLF line ends are tolerated', () => {
    const crlf = Buffer.from(REQUEST_BYTES.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    assert.deepEqual(snapshot(decode([crlf])), snapshot(decode([REQUEST_BYTES])));
  });

  test('a UTF-8 caller name split inside a character decodes whole', () => {
    const block = Buffer.from('agi_network: yes\nagi_request: agi://h/route\nagi_calleridname: Иван Петров\n\n');
    for (let i = 1; i < block.length; i++) {
      assert.equal(requestOf(decode(cutAt(block, [i]))).callerIdName, 'Иван Петров', `split at ${i}`);
    }
  });

  test('script from the URL when agi_network_script is absent; query parameters; args ordered by number', () => {
    const r = requestOf(
      decode([Buffer.from('agi_request: hagi://pbx.example:4573/crm/route/?mode=x&y=a%20b\nagi_arg_2: b: c\nagi_arg_1: a\nagi_arg_4: d\n\n')]),
    );
    assert.equal(r.script, 'crm/route');
    assert.deepEqual({ ...r.params }, { mode: 'x', y: 'a b' });
    assert.deepEqual(r.args, ['a', 'b: c', '', 'd']);
    assert.deepEqual(requestOf(decode([Buffer.from('agi_network_script: route?x=1\nagi_request: agi://h/other\n\n')])).params.x, '1');
  });

  test('a key whose value was stripped of its space reads as empty', () => {
    assert.equal(requestOf(decode([Buffer.from('agi_request: agi://h/route\nagi_accountcode:\n\n')])).accountCode, '');
  });

  test('garbage is refused at its first line, before any empty line', () => {
    const decoder = new AgiDecoder();
    const items = decoder.push(Buffer.from('GET / HTTP/1.1\r\n'));
    assert.deepEqual(errorCodes(items), [AgiErrorCodes.AGI_ERR_MALFORMED]);
    assert.equal(decoder.phase, 'failed');
    assert.deepEqual(decoder.push(Buffer.from('agi_request: agi://h/route\n\n')), [], 'nothing after an error');
    assert.deepEqual(errorCodes(decode([Buffer.from('Host: example.com\n')])), [AgiErrorCodes.AGI_ERR_MALFORMED], 'a header that is not agi_');
    assert.deepEqual(errorCodes(decode([Buffer.from('\n')])), [AgiErrorCodes.AGI_ERR_MALFORMED], 'an empty block');
    assert.deepEqual(errorCodes(decode([Buffer.from('agi_arg_999: x\n\n')])), [AgiErrorCodes.AGI_ERR_MALFORMED], 'an argument Asterisk cannot send');
  });

  test('an endless line is cut off at the limit and memory stays bounded', () => {
    const decoder = new AgiDecoder({ maxRequestBytes: 4096 });
    decoder.push(Buffer.from('agi_network: '));
    let items: AgiDecoded[] = [];
    for (let i = 0; i < 100 && items.length === 0; i++) {
      items = decoder.push(Buffer.alloc(1000, 0x78));
      assert.ok(decoder.bufferedBytes <= 4096 + 1000);
    }
    assert.deepEqual(errorCodes(items), [AgiErrorCodes.AGI_ERR_FRAME_TOO_LARGE]);
    assert.equal(decoder.bufferedBytes, 0);
    assert.deepEqual(errorCodes(decode([Buffer.alloc(10_000, 0x0a)], { maxRequestBytes: 100 })), [AgiErrorCodes.AGI_ERR_MALFORMED], 'empty lines: an empty block');
  });

  test('a stream that ends before the empty line reports it', () => {
    assert.deepEqual(errorCodes(decode([REQUEST_BYTES.subarray(0, 100)])), [AgiErrorCodes.AGI_ERR_CLOSED]);
    assert.deepEqual(errorCodes(decode([])), [AgiErrorCodes.AGI_ERR_CLOSED]);
  });
});

describe('replies', () => {
  function replies(text: string): AgiDecoded[] {
    const decoder = new AgiDecoder();
    assert.equal(decoder.push(REQUEST_BYTES).length, 1);
    return decoder.push(Buffer.from(text));
  }
  const reply = (item: AgiDecoded | undefined): AgiReply => {
    assert.ok(item?.kind === 'reply', JSON.stringify(item));
    return item.reply;
  };

  test('the replies of the real session, and 200 with data and endpos', () => {
    const items = replies('200 result=1\n200 result=0 endpos=12345\n200 result=1 (contact-+15551230010)\n200 result=-1\n');
    assert.deepEqual(items.map((i) => ({ ...reply(i), fields: { ...reply(i).fields } })), [
      { code: 200, result: '1', data: null, fields: {}, text: 'result=1', usage: null },
      { code: 200, result: '0', data: null, fields: { endpos: '12345' }, text: 'result=0 endpos=12345', usage: null },
      { code: 200, result: '1', data: 'contact-+15551230010', fields: {}, text: 'result=1 (contact-+15551230010)', usage: null },
      { code: 200, result: '-1', data: null, fields: {}, text: 'result=-1', usage: null },
    ]);
  });

  test('data holding parentheses ends at the last ) followed only by key=value words', () => {
    assert.equal(parseReplyText(200, 'result=1 (a (b) c)').data, 'a (b) c');
    assert.equal(parseReplyText(200, 'result=1 (x) endpos=5)').data, 'x) endpos=5', 'GET VARIABLE of a value that looks like a field');
    const rec = parseReplyText(200, 'result=1 (dtmf) endpos=20');
    assert.equal(rec.data, 'dtmf');
    assert.deepEqual({ ...rec.fields }, { endpos: '20' });
    assert.equal(parseReplyText(200, 'result= (timeout)').result, '');
    assert.equal(parseReplyText(200, 'result=1 (unterminated').data, 'unterminated');
  });

  test('510, 511, single-line 520 and the multi-line 520 usage reply', () => {
    const items = replies(
      '510 Invalid or unknown command\n511 Command Not Permitted on a dead channel\n520 Invalid command syntax.  Proper usage not available.\n' +
        '520-Invalid command syntax.  Proper usage follows:\n Usage: SET VARIABLE <variablename> <value>\n\n   Sets a variable.\n520 End of proper usage.\n',
    );
    assert.deepEqual(items.map((i) => reply(i).code), [510, 511, 520, 520]);
    assert.equal(reply(items[1]).text, 'Command Not Permitted on a dead channel');
    const usage = reply(items[3]);
    assert.equal(usage.text, 'Invalid command syntax.  Proper usage follows:');
    assert.equal(usage.usage, ' Usage: SET VARIABLE <variablename> <value>\n\n   Sets a variable.');
  });

  test('the 520 usage reply split at every offset', () => {
    const text = Buffer.from('520-Invalid command syntax.  Proper usage follows:\nUsage: X\nHANGUP\n520 End of proper usage.\n200 result=1\n');
    for (let i = 1; i < text.length; i++) {
      const decoder = new AgiDecoder();
      decoder.push(REQUEST_BYTES);
      const items = cutAt(text, [i]).flatMap((c) => decoder.push(c));
      assert.deepEqual(items.map((x) => (x.kind === 'reply' ? x.reply.code : x.kind)), [520, 200], `split at ${i}`);
      assert.equal(items[0]?.kind === 'reply' && items[0].reply.usage, 'Usage: X\nHANGUP', 'inside a usage reply HANGUP is text');
    }
  });

  test('HANGUP is a notification between replies', () => {
    assert.deepEqual(replies('HANGUP\n200 result=1\n').map((i) => i.kind), ['hangup', 'reply']);
  });

  test('garbage and oversize replies end the stream', () => {
    assert.deepEqual(errorCodes(replies('hello\n')), [AgiErrorCodes.AGI_ERR_MALFORMED]);
    assert.deepEqual(errorCodes(replies('200-multi\n')), [AgiErrorCodes.AGI_ERR_MALFORMED]);
    const decoder = new AgiDecoder({ maxReplyBytes: 100 });
    decoder.push(REQUEST_BYTES);
    assert.deepEqual(errorCodes(decoder.push(Buffer.from(`200 result=1 (${'x'.repeat(200)})\n`))), [AgiErrorCodes.AGI_ERR_FRAME_TOO_LARGE]);
    const usage = new AgiDecoder({ maxReplyBytes: 100 });
    usage.push(REQUEST_BYTES);
    assert.deepEqual(errorCodes(usage.push(Buffer.from(`520-x\n${'line\n'.repeat(30)}`))), [AgiErrorCodes.AGI_ERR_FRAME_TOO_LARGE], 'a usage reply that never ends');
  });

  test('a stream cut inside a reply reports it', () => {
    const decoder = new AgiDecoder();
    decoder.push(REQUEST_BYTES);
    decoder.push(Buffer.from('200 res'));
    assert.deepEqual(errorCodes(decoder.end()), [AgiErrorCodes.AGI_ERR_CLOSED]);
  });
});

describe('encoder', () => {
  test('SET VARIABLE quotes the value as Asterisk parses it back', () => {
    assert.equal(encodeSetVariable('ROUTE_EXT', '102'), 'SET VARIABLE ROUTE_EXT "102"\n');
    assert.equal(encodeSetVariable('ROUTE_EXT', ''), 'SET VARIABLE ROUTE_EXT ""\n');
    assert.equal(encodeSetVariable('CALLERID(name)', 'Ann "The Boss" O\\Neil'), 'SET VARIABLE CALLERID(name) "Ann \\"The Boss\\" O\\\\Neil"\n');
    assert.deepEqual(parseArgs(encodeSetVariable('ROUTE_EXT', '').trimEnd()), ['SET', 'VARIABLE', 'ROUTE_EXT', '']);
    assert.equal(encodeVerbose('routed to 102', 3), 'VERBOSE "routed to 102" 3\n');
    assert.equal(encodeGetVariable('CRM_ENTITY'), 'GET VARIABLE CRM_ENTITY\n');
    assert.equal(encodeCommand('STREAM FILE', ['hello world', '#']), 'STREAM FILE "hello world" "#"\n');
    assert.equal(quoteArg('a b'), '"a b"');
  });

  test('any value without line breaks reads back unchanged through parse_args (fast-check)', () => {
    const value = fc.string({ unit: 'grapheme', maxLength: 80 }).filter((s) => !/[\r\n\0]/.test(s));
    fc.assert(
      fc.property(value, (v) => {
        assert.deepEqual(parseArgs(encodeSetVariable('X', v).slice(0, -1)), ['SET', 'VARIABLE', 'X', v]);
      }),
      { numRuns: 1000 },
    );
    for (const v of ['"', '\\', '\\"', '" EXEC System rm', 'a\tb', '  lead', 'trail  ', '"unbalanced']) {
      assert.deepEqual(parseArgs(encodeSetVariable('X', v).slice(0, -1)), ['SET', 'VARIABLE', 'X', v], JSON.stringify(v));
    }
  });

  test('CR, LF or NUL anywhere is refused, never sent (injection)', () => {
    const evil = ['x\nEXEC System rm -rf /', 'x\r\nEXEC Dial', 'x\r', '\n', 'a\0b'];
    for (const v of evil) {
      assert.throws(() => encodeSetVariable('CALLERID(name)', v), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION), JSON.stringify(v));
      assert.throws(() => encodeVerbose(v), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION));
      assert.throws(() => encodeCommand('STREAM FILE', [v]), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION));
      assert.throws(() => encodeRawCommand(`VERBOSE ${v}`), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION));
    }
    for (const name of ['A B', 'A"B', 'A\\B', 'A\nB', '', 'X) "y', 'ROUTE_EXT "1" \nEXEC']) {
      assert.throws(() => encodeSetVariable(name, 'v'), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION), JSON.stringify(name));
    }
    assert.throws(() => encodeCommand('SET VARIABLE\nEXEC', []), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION));
    assert.throws(() => encodeVerbose('x', 9), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION));
    assert.throws(() => encodeRawCommand('  '), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION));
  });

  test('a command longer than Asterisk reads as one line is refused (it would be cut and its tail run)', () => {
    const fits = 'x'.repeat(MAX_COMMAND_BYTES - 'SET VARIABLE X ""'.length);
    assert.equal(Buffer.byteLength(encodeSetVariable('X', fits)), MAX_COMMAND_BYTES + 1);
    assert.throws(() => encodeSetVariable('X', `${fits}y`), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION));
    assert.throws(() => encodeSetVariable('X', 'я'.repeat(1100)), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_INJECTION), 'counted in bytes, not characters');
  });
});
