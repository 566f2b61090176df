/**
 * The request block read field by field into one plain object (`RequestBlock`), as the codec now
 * does while it frames the bytes: the same request, and the same first error, as reading the whole
 * block as a list of "key: value" lines and typing it afterwards (the reference below is that
 * earlier reading, kept here as the oracle).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AgiDecoder, type AgiDecoded } from './codec.ts';
import { MAX_AGI_ARGS, RequestBlock, isRequestKey, requestFromFields, type AgiRequest } from './request.ts';
import { AgiErrorCodes, isAgiError } from './agi-errors.ts';
import { REQUEST_BYTES } from '../../test/agi/asterisk-agi.ts';

/** The earlier reading: decode each line, split on the first ": ", then type the list of pairs. */
function reference(block: Buffer): { request: Record<string, unknown> } | { error: string; message: string } | { pending: true } {
  const fields: [string, string][] = [];
  let start = 0;
  for (;;) {
    const nl = block.indexOf(0x0a, start);
    if (nl < 0) return { pending: true };
    const end = nl > start && block[nl - 1] === 0x0d ? nl - 1 : nl;
    const line = block.toString('utf8', start, end);
    start = nl + 1;
    if (line === '') break;
    const sep = line.indexOf(': ');
    if (sep > 0) fields.push([line.slice(0, sep), line.slice(sep + 2)]);
    else if (line.endsWith(':') && line.length > 1 && !line.includes(' ')) fields.push([line.slice(0, -1), '']);
    else return { error: AgiErrorCodes.AGI_ERR_MALFORMED, message: 'not "agi_key: value"' };
    if (!isRequestKey(fields[fields.length - 1]![0])) return { error: AgiErrorCodes.AGI_ERR_MALFORMED, message: 'key' };
  }
  if (fields.length === 0) return { error: AgiErrorCodes.AGI_ERR_MALFORMED, message: 'empty' };
  const env = Object.create(null) as Record<string, string>;
  const numbered: [number, string][] = [];
  for (const [key, value] of fields) {
    if (key in env) continue;
    env[key] = value;
    const arg = /^agi_arg_([0-9]{1,4})$/.exec(key);
    if (arg) {
      const n = Number(arg[1]);
      if (n < 1 || n > MAX_AGI_ARGS) return { error: AgiErrorCodes.AGI_ERR_MALFORMED, message: `The FastAGI request has "${key}"` };
      numbered.push([n, value]);
    }
  }
  numbered.sort((a, b) => a[0] - b[0]);
  const args: string[] = [];
  for (const [n, value] of numbered) {
    while (args.length < n - 1) args.push('');
    args.push(value);
  }
  return { request: { args, env: { ...env }, channel: env['agi_channel'] ?? '', callerId: env['agi_callerid'] ?? '', network: env['agi_network'] === 'yes' } };
}

function decodeOne(block: Buffer): { request: Record<string, unknown> } | { error: string; message: string } | { pending: true } {
  const items: AgiDecoded[] = new AgiDecoder().push(block);
  const first = items[0];
  if (first === undefined) return { pending: true };
  if (first.kind === 'error') return { error: first.error.code, message: first.error.message };
  assert.equal(first.kind, 'request');
  const r = (first as { request: AgiRequest }).request;
  return { request: { args: [...r.args], env: { ...r.env }, channel: r.channel, callerId: r.callerId, network: r.network } };
}

function sameOutcome(block: Buffer): void {
  const want = reference(block);
  const got = decodeOne(block);
  if ('error' in want) {
    assert.ok('error' in got, `expected ${want.message}, got ${JSON.stringify(got)}`);
    assert.equal(got.error, want.error);
    if (want.message.startsWith('The FastAGI request has')) assert.ok(got.message.startsWith(want.message), got.message);
  } else {
    assert.deepEqual(got, want);
  }
}

describe('RequestBlock', () => {
  test('the real request reads the same field by field as from a list of pairs', () => {
    sameOutcome(REQUEST_BYTES);
    const lines = REQUEST_BYTES.toString('utf8').split('\n').filter((l) => l !== '');
    const pairs = lines.map((l): [string, string] => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]);
    const block = new RequestBlock();
    for (const [k, v] of pairs) block.add(k, v);
    assert.deepEqual({ ...block.finish(), env: {} }, { ...requestFromFields(pairs), env: {} });
    assert.equal(block.size, 24);
  });

  test('arguments out of order are sorted by number; a gap reads as empty; a repeated key keeps the first value', () => {
    const block = new RequestBlock();
    for (const [k, v] of [
      ['agi_arg_3', 'c'],
      ['agi_arg_1', 'a'],
      ['agi_arg_1', 'again'],
      ['agi_arg_12345', 'not an argument'],
      ['agi_arg_x', 'nor this'],
    ] as const)
      block.add(k, v);
    const r = block.finish();
    assert.deepEqual(r.args, ['a', '', 'c']);
    assert.equal(r.env['agi_arg_12345'], 'not an argument');
  });

  test('a bad argument number is judged with the whole block: a block cut off after it reports the close, not the argument', () => {
    const decoder = new AgiDecoder();
    assert.deepEqual(decoder.push(Buffer.from('agi_arg_0: x\nagi_request: agi://h/route\n')), []);
    const items = decoder.end();
    assert.equal(items.length, 1);
    assert.ok(items[0]?.kind === 'error' && isAgiError(items[0].error, AgiErrorCodes.AGI_ERR_CLOSED));
    assert.throws(() => requestFromFields([['agi_arg_0', 'x'], ['Host', 'y']]), /agi_arg_0/, 'in a list, fields are judged in order');
  });

  test('lines the byte scanner must split exactly where the decoded line splits', () => {
    for (const text of [
      'agi_request: agi://h:4573/route\nagi_calleridname: Иван: Петров\n\n',
      'agi_x:y: z\n\n',
      ': agi_x: y\n\n',
      'agi_accountcode:\n\n',
      'agi_a b:\n\n',
      ':\n\n',
      'agi_x:\r\n\r\n',
      'agi_ключ: значение\n\n',
      'agi_x:  two spaces\n\n',
      'agi_x: \n\n',
      'agi_x:: y\n\n',
      'agi_arg_2: b\nagi_arg_1: a\n\n',
      'agi_arg_200: x\n\n',
      '\n',
    ]) {
      sameOutcome(Buffer.from(text));
    }
    sameOutcome(Buffer.from([...Buffer.from('agi_x'), 0xc3, ...Buffer.from(': '), 0xff, 0x41, 0x0a, 0x0a]));
  });

  test('any block of agi_ lines reads as the list of pairs read it (fast-check)', () => {
    const key = fc.oneof(
      fc.constantFrom('agi_network', 'agi_request', 'agi_channel', 'agi_callerid', 'agi_arg_1', 'agi_arg_2', 'agi_arg_10', 'agi_arg_0', 'agi_arg_128'),
      fc.string({ maxLength: 8 }).map((s) => `agi_${s}`),
      fc.string({ maxLength: 8 }),
    );
    const value = fc.string({ unit: 'grapheme', maxLength: 20 });
    const line = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => `${k}: ${v}`),
      fc.tuple(key, value).map(([k, v]) => `${k}:${v}`),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, crlf) => {
        const clean = lines.map((l) => l.replace(/[\r\n]/g, ''));
        const eol = crlf ? '\r\n' : '\n';
        sameOutcome(Buffer.from(`${clean.join(eol)}${clean.length > 0 ? eol : ''}${eol}`));
      }),
      { numRuns: 2000 },
    );
  });
});
