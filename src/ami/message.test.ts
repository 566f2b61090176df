import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AmiMessage } from './message.ts';
import type { AmiField } from './message.ts';
import { AmiDecoder } from './codec.ts';

const status = new AmiMessage([
  ['Event', 'Status'],
  ['Privilege', 'Call'],
  ['Channel', 'PJSIP/101-0000001a'],
  ['AccountCode', ''],
  ['Variable', 'CRM_RECORDING=20261123-200005-+15551230013-1795464005.27.wav'],
  ['Variable', 'CRM_DID=5550100'],
  ['Variable', 'DIALSTATUS=(null)'],
  ['ActionID', 'crm-5'],
]);

/** Decodes one message from wire text (no greeting). */
function fromWire(text: string): AmiMessage {
  const items = new AmiDecoder({ expectGreeting: false }).push(Buffer.from(text));
  const [item, ...rest] = items;
  assert.deepEqual(rest, []);
  assert.ok(item?.kind === 'message', `expected a message, got ${item?.kind}`);
  return item.message;
}

describe('AmiMessage field access', () => {
  test('get returns the first value, case-insensitively', () => {
    assert.equal(status.get('Channel'), 'PJSIP/101-0000001a');
    assert.equal(status.get('actionid'), 'crm-5');
    assert.equal(status.get('ACTIONID'), 'crm-5');
    assert.equal(status.get('variable'), 'CRM_RECORDING=20261123-200005-+15551230013-1795464005.27.wav');
    assert.equal(status.get('AccountCode'), '');
    assert.equal(status.get('Missing'), undefined);
  });

  test('getAll keeps repeated keys in the order sent', () => {
    assert.deepEqual(status.getAll('VARIABLE'), [
      'CRM_RECORDING=20261123-200005-+15551230013-1795464005.27.wav',
      'CRM_DID=5550100',
      'DIALSTATUS=(null)',
    ]);
    assert.deepEqual(status.getAll('Missing'), []);
  });

  test('keys that differ only in case are the same key', () => {
    const m = new AmiMessage([
      ['CallerIDname', 'Иван Петров'],
      ['CALLERIDNAME', 'second'],
    ]);
    assert.equal(m.get('CallerIDName'), 'Иван Петров');
    assert.deepEqual(m.getAll('calleridname'), ['Иван Петров', 'second']);
    assert.ok(m.has('callerIDName'));
    assert.ok(!m.has('CallerIDNum'));
  });

  test('type, event, response and actionId', () => {
    assert.equal(status.type, 'event');
    assert.equal(status.event, 'Status');
    assert.equal(status.response, undefined);
    assert.equal(status.actionId, 'crm-5');
    const reply = new AmiMessage([
      ['Response', 'Success'],
      ['ActionID', 'crm-2'],
    ]);
    assert.equal(reply.type, 'response');
    assert.equal(reply.response, 'Success');
    assert.equal(reply.event, undefined);
    assert.equal(new AmiMessage([['ACTION', 'Ping']]).type, 'action');
    assert.equal(new AmiMessage([['EVENT', 'X']]).type, 'event');
    assert.equal(new AmiMessage([['Channel', 'x']]).type, 'unknown');
    assert.equal(new AmiMessage([]).type, 'unknown');
  });

  test('unparsed lines default to none and are kept when given', () => {
    assert.deepEqual(status.unparsed, []);
    assert.deepEqual(new AmiMessage([['Event', 'X']], ['stray line']).unparsed, ['stray line']);
  });

  test('get and getAll agree with a plain scan of the fields (fast-check)', () => {
    const key = fc.constantFrom('Event', 'event', 'EVENT', 'Variable', 'variable', 'ActionID', 'Output', 'İ', 'ß', 'x');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.string()), { maxLength: 12 }), key, (fields, wanted) => {
        const m = new AmiMessage(fields);
        const all = fields.filter(([k]) => k.toLowerCase() === wanted.toLowerCase()).map(([, v]) => v);
        assert.deepEqual(m.getAll(wanted), all);
        assert.equal(m.get(wanted), all[0]);
        assert.equal(m.has(wanted), all.length > 0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('AmiMessage read from the wire (fields cut out only when asked)', () => {
  // Keys a PBX or a hostile peer may send: case variants, the one letter that lower-cases to two
  // (İ), one that lower-cases to ASCII (the Kelvin sign), and others.
  const keys = ['Event', 'event', 'EVENT', 'Response', 'Action', 'ActionID', 'actionid', 'Variable', 'VARIABLE', 'İ', 'i̇', '\u212Aey', 'Key', 'ß', 'x'];
  const key = fc.oneof(fc.constantFrom(...keys), fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !/[\r\n:]/.test(k) && k.trim() === k));
  // Not `Follows`: `Response: Follows` would start a legacy Command reply.
  const value = fc.string({ maxLength: 12 }).filter((v) => !/[\r\n]/.test(v) && v.trim().toLowerCase() !== 'follows');

  test('answers every question as the message built from the same pairs does (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 12 }), fc.array(fc.constantFrom(...keys), { maxLength: 5 }), (fields, asked) => {
        const wire = fromWire(fields.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
        const pairs = new AmiMessage(fields);
        for (const k of [...asked, ...fields.map(([f]) => f)]) {
          assert.equal(wire.get(k), pairs.get(k), `get(${k})`);
          assert.deepEqual(wire.getAll(k), pairs.getAll(k), `getAll(${k})`);
          assert.equal(wire.has(k), pairs.has(k), `has(${k})`);
          assert.deepEqual([...wire.variables(k)], [...pairs.variables(k)]);
        }
        assert.equal(wire.type, pairs.type);
        assert.equal(wire.event, pairs.event);
        assert.equal(wire.actionId, pairs.actionId);
        assert.deepEqual(wire.toJSON(), pairs.toJSON());
        assert.deepEqual(wire.fields, fields);
        // Once the pairs are built, the answers stay the same.
        for (const k of asked) assert.deepEqual(wire.getAll(k), pairs.getAll(k));
      }),
      { numRuns: 300 },
    );
  });

  test('fields are built once and kept', () => {
    const m = fromWire('Event: Newchannel\r\nChannel: PJSIP/101-00000001\r\nUniqueid: 1.1\r\n\r\n');
    assert.equal(m.get('channel'), 'PJSIP/101-00000001');
    assert.equal(m.fields, m.fields);
    assert.deepEqual(m.fields, [
      ['Event', 'Newchannel'],
      ['Channel', 'PJSIP/101-00000001'],
      ['Uniqueid', '1.1'],
    ]);
    assert.equal(m.get('UNIQUEID'), '1.1');
  });

  test('case-insensitive lookups agree with toLowerCase on both sides, letters beyond ASCII included', () => {
    const m = fromWire('\u212Aey: kelvin\r\nİ: dotted\r\nStraße: street\r\n\r\n');
    assert.equal(m.get('key'), 'kelvin');
    assert.equal(m.get('i̇'), undefined, 'get compares keys of the same length only');
    assert.deepEqual(m.getAll('i̇'), ['dotted']);
    assert.ok(m.has('i̇'));
    assert.equal(m.get('STRASSE'), undefined);
    assert.equal(m.get('straße'), 'street');
  });
});

describe('AmiMessage.variables', () => {
  test('splits on the first =', () => {
    const vars = status.variables();
    assert.equal(vars.get('CRM_DID'), '5550100');
    assert.equal(vars.get('DIALSTATUS'), '(null)');
    assert.equal(vars.get('CRM_RECORDING'), '20261123-200005-+15551230013-1795464005.27.wav');
    assert.deepEqual([...vars.keys()], ['CRM_RECORDING', 'CRM_DID', 'DIALSTATUS']);
  });

  test('values may hold =; a name without = or value is empty', () => {
    const m = new AmiMessage([
      ['Variable', 'QUERY=a=1&b=2'],
      ['Variable', 'EMPTY='],
      ['Variable', 'NOEQUALS'],
      ['Variable', '=nameless'],
    ]);
    assert.deepEqual(
      [...m.variables()],
      [
        ['QUERY', 'a=1&b=2'],
        ['EMPTY', ''],
        ['NOEQUALS', ''],
        ['', 'nameless'],
      ],
    );
  });

  test('reads ChanVariable (or any key) case-insensitively', () => {
    const m = new AmiMessage([
      ['Event', 'Newstate'],
      ['ChanVariable', 'CRM_CALL_ID=crm-c2c-0001'],
      ['chanvariable', 'CRM_AGENT=101'],
      ['Variable', 'OTHER=1'],
    ]);
    assert.deepEqual(
      [...m.variables('ChanVariable')],
      [
        ['CRM_CALL_ID', 'crm-c2c-0001'],
        ['CRM_AGENT', '101'],
      ],
    );
    assert.deepEqual([...m.variables()], [['OTHER', '1']]);
    assert.equal(new AmiMessage([]).variables().size, 0);
  });
});

describe('AmiMessage.toJSON', () => {
  test('a repeated key becomes an array in order; a single key stays a string', () => {
    const json = status.toJSON();
    assert.equal(json['Event'], 'Status');
    assert.equal(json['AccountCode'], '');
    assert.deepEqual(json['Variable'], [
      'CRM_RECORDING=20261123-200005-+15551230013-1795464005.27.wav',
      'CRM_DID=5550100',
      'DIALSTATUS=(null)',
    ]);
    assert.deepEqual(Object.keys(json), ['Event', 'Privilege', 'Channel', 'AccountCode', 'Variable', 'ActionID']);
    const two = new AmiMessage([
      ['Output', 'a'],
      ['Output', ''],
    ]).toJSON();
    assert.deepEqual(two['Output'], ['a', '']);
  });

  test('keys are kept as sent (case included)', () => {
    const json = new AmiMessage([
      ['CallerIDName', 'a'],
      ['CallerIDname', 'b'],
    ]).toJSON();
    assert.deepEqual(Object.keys(json), ['CallerIDName', 'CallerIDname']);
  });

  test('JSON.stringify uses it', () => {
    assert.equal(
      JSON.stringify(
        new AmiMessage([
          ['Response', 'Success'],
          ['Output', 'x'],
          ['Output', 'y'],
        ]),
      ),
      '{"Response":"Success","Output":["x","y"]}',
    );
  });

  test('does not share arrays between calls', () => {
    const first = status.toJSON();
    (first['Variable'] as string[]).push('MUTATED=1');
    assert.equal((status.toJSON()['Variable'] as string[]).length, 3);
    assert.equal(status.getAll('Variable').length, 3);
  });

  test('a __proto__ key from the wire stays a plain own key', () => {
    const m = fromWire('Event: Evil\r\n__proto__: polluted\r\nconstructor: c\r\nhasOwnProperty: h\r\n\r\n');
    assert.equal(m.get('__proto__'), 'polluted');
    const json = m.toJSON();
    assert.ok(Object.hasOwn(json, '__proto__'));
    assert.equal(Object.getOwnPropertyDescriptor(json, '__proto__')?.value, 'polluted');
    assert.equal(json['constructor'], 'c');
    assert.equal(json['hasOwnProperty'], 'h');
    assert.equal(JSON.stringify(json), '{"Event":"Evil","__proto__":"polluted","constructor":"c","hasOwnProperty":"h"}');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  });

  test('a repeated __proto__ key becomes an own array, and nothing is polluted', () => {
    const json = new AmiMessage([
      ['__proto__', 'a'],
      ['__proto__', 'b'],
    ]).toJSON();
    assert.deepEqual(Object.getOwnPropertyDescriptor(json, '__proto__')?.value, ['a', 'b']);
    assert.equal(({} as Record<string, unknown>)['0'], undefined);
  });

  test('matches the fields for any input (fast-check)', () => {
    const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'Variable', 'Output'), fc.string({ minLength: 1 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.string()), { maxLength: 15 }), (fields: AmiField[]) => {
        const json = new AmiMessage(fields).toJSON();
        const keys = [...new Set(fields.map(([k]) => k))];
        // Sorted: an object lists integer-like keys ("7") first, whatever the insertion order.
        assert.deepEqual(Object.keys(json).sort(), keys.sort());
        for (const k of keys) {
          const values = fields.filter(([f]) => f === k).map(([, v]) => v);
          assert.deepEqual(Object.getOwnPropertyDescriptor(json, k)?.value, values.length === 1 ? values[0] : values);
        }
      }),
      { numRuns: 200 },
    );
  });
});
