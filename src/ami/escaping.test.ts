/**
 * ast_escape_c and its inverse: the examples of Asterisk's own test (tests/test_strings.c), names
 * as real callers send them, and a property test over arbitrary text.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeC, isEscapedField, unescapeC } from './escaping.ts';

describe('escapeC, as ast_escape_c', () => {
  test('escapes \\a \\b \\f \\n \\r \\t \\v \\\\ \\\' \\" \\? and nothing else', () => {
    assert.equal(escapeC('\x07\b\f\n\r\t\v\\\'"?'), '\\a\\b\\f\\n\\r\\t\\v\\\\\\\'\\"\\?');
    assert.equal(escapeC('Иван Петров <+7916> & 李小龙 😀 %s $x'), 'Иван Петров <+7916> & 李小龙 😀 %s $x');
    assert.equal(escapeC(''), '');
  });

  test('names as the issue saw them on Asterisk 20', () => {
    assert.equal(escapeC("'; DROP TABLE calls;--"), "\\'; DROP TABLE calls;--");
    assert.equal(escapeC('Bob \\"The Boss\\" O\'Neil'), 'Bob \\\\\\"The Boss\\\\\\" O\\\'Neil');
  });
});

describe('unescapeC', () => {
  test('gives back the name as the caller sent it', () => {
    assert.equal(unescapeC("\\'; DROP TABLE calls;--"), "'; DROP TABLE calls;--");
    assert.equal(unescapeC('Bob \\\\\\"The Boss\\\\\\" O\\\'Neil'), 'Bob \\"The Boss\\" O\'Neil');
    assert.equal(unescapeC('Who\\?'), 'Who?');
    assert.equal(unescapeC('a\\tb\\nc\\rd\\ve\\ff\\bg\\a'), 'a\tb\nc\rd\ve\ff\bg\x07');
  });

  test('leaves a name without backslashes as it is (the same string)', () => {
    for (const name of ['Иван Петров', 'John Customer', '<unknown>', '', '"Quoted" but not escaped']) {
      assert.equal(unescapeC(name), name);
    }
  });

  test('keeps a backslash before an unknown letter, and one at the very end', () => {
    assert.equal(unescapeC('C:\\Users'), 'C:\\Users');
    assert.equal(unescapeC('\\x41\\0'), '\\x41\\0');
    assert.equal(unescapeC('end\\'), 'end\\');
    assert.equal(unescapeC('\\'), '\\');
    assert.equal(unescapeC('\\\\\\'), '\\\\');
    assert.equal(unescapeC('\\q\\\''), "\\q'");
  });

  test('unescapeC(escapeC(x)) is x for any text: backslashes, quotes, controls, UTF-8', () => {
    const tricky = fc.constantFrom('\\', '"', "'", '?', '\n', '\r', '\t', '\x07', '\b', '\f', '\v', 'a', 'n', 'Я', '😀', ' ');
    const text = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: tricky, maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (x) => {
        assert.equal(unescapeC(escapeC(x)), x);
      }),
      { numRuns: 2000 },
    );
  });

  test('escapeC(x) never holds a lone backslash: every one starts a known pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (x) => {
        assert.doesNotMatch(escapeC(x).replace(/\\[abfnrtv\\'"?]/g, ''), /\\/);
      }),
    );
  });
});

describe('isEscapedField: what Asterisk escaped', () => {
  test('caller ID and connected line names of every channel snapshot, whatever its prefix', () => {
    for (const event of ['Newchannel', 'NewCallerid', 'NewConnectedLine', 'Hangup', 'BridgeEnter', 'CoreShowChannel', 'Status']) {
      assert.equal(isEscapedField(event, 'CallerIDName'), true, event);
      assert.equal(isEscapedField(event, 'ConnectedLineName'), true, event);
    }
    const prefixed: [string, string][] = [
      ['DialBegin', 'Dest'],
      ['AgentCalled', 'Dest'],
      ['BlindTransfer', 'Transferer'],
      ['BlindTransfer', 'Transferee'],
      ['AttendedTransfer', 'OrigTransferer'],
      ['AttendedTransfer', 'SecondTransferer'],
      ['AttendedTransfer', 'TransferTarget'],
      ['LocalBridge', 'LocalOne'],
      ['LocalBridge', 'LocalTwo'],
      ['LocalOptimizationBegin', 'Source'],
      ['ChanSpyStart', 'Spyer'],
      ['ChanSpyStart', 'Spyee'],
      ['Pickup', 'Target'],
      ['ParkedCall', 'Parkee'],
      ['UnParkedCall', 'Retriever'],
      ['UserEvent', '2'],
    ];
    for (const [event, prefix] of prefixed) {
      assert.equal(isEscapedField(event, `${prefix}CallerIDName`), true, `${event} ${prefix}`);
      assert.equal(isEscapedField(event, `${prefix}ConnectedLineName`), true, `${event} ${prefix}`);
    }
    assert.equal(isEscapedField('newchannel', 'calleridname'), true, 'keys and events compare without case');
  });

  test('VarSet values and ChanVariable lines', () => {
    assert.equal(isEscapedField('VarSet', 'Value'), true);
    assert.equal(isEscapedField('VarSet', 'Variable'), false);
    assert.equal(isEscapedField('Newchannel', 'ChanVariable'), true);
    assert.equal(isEscapedField('DialBegin', 'DestChanVariable'), true);
  });

  test('names Asterisk formats itself are sent raw', () => {
    assert.equal(isEscapedField('CEL', 'CallerIDname'), false);
    assert.equal(isEscapedField('Cdr', 'CallerID'), false);
    assert.equal(isEscapedField('OriginateResponse', 'CallerIDName'), false);
    assert.equal(isEscapedField('QueueEntry', 'CallerIDName'), false);
    assert.equal(isEscapedField('MeetmeList', 'CallerIDName'), false);
    assert.equal(isEscapedField('Status', 'EffectiveConnectedLineName'), false);
    assert.equal(isEscapedField('Status', 'Variable'), false);
    assert.equal(isEscapedField('Newexten', 'AppData'), false);
    assert.equal(isEscapedField('DialBegin', 'DialString'), false);
    assert.equal(isEscapedField('Newchannel', 'CallerIDNum'), false);
    assert.equal(isEscapedField('Newchannel', 'Value'), false);
  });
});
