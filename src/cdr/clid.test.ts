import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseClid } from './clid.ts';

/** What ast_callerid_merge writes for a name and a number (ast_escape_quoted on the name). */
function merge(name: string, number: string): string {
  return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}" <${number}>`;
}

describe('clid: the caller name and number, unescaped', () => {
  test('the common shape', () => {
    assert.deepEqual(parseClid('"Test Caller" <+15551234567>'), { name: 'Test Caller', number: '+15551234567', truncated: false });
  });

  test("ast_escape_quoted is undone once: Bob's backslashes and quotes are what he sent", () => {
    // The CSV field of Master.csv line 647, after CSV unquoting.
    assert.deepEqual(parseClid(String.raw`"Bob \\\"The Boss\\\" O'Neil" <2125550111>`), { name: String.raw`Bob \"The Boss\" O'Neil`, number: '2125550111', truncated: false });
    assert.deepEqual(parseClid(`"'; DROP TABLE calls;--" <2125550113>`), { name: "'; DROP TABLE calls;--", number: '2125550113', truncated: false });
    assert.deepEqual(parseClid(String.raw`"Evil\\r\\nX-Injected: 1 %0d%0a" <2125550110>`), { name: String.raw`Evil\r\nX-Injected: 1 %0d%0a`, number: '2125550110', truncated: false });
    assert.deepEqual(parseClid('"<script>alert(1)</script>" <2125550112>'), { name: '<script>alert(1)</script>', number: '2125550112', truncated: false });
    assert.deepEqual(parseClid('"Проверка Связи" <+15559990001>'), { name: 'Проверка Связи', number: '+15559990001', truncated: false });
  });

  test('a name cut by the 80-byte field, inside a UTF-8 character: kept up to the cut, flagged', () => {
    // Master.csv line 650: the closing quote and the number were cut off.
    assert.deepEqual(parseClid('"Привет мир 你好世界 😀 Ünïcödé Привет мир 你好\uFFFD'), { name: 'Привет мир 你好世界 😀 Ünïcödé Привет мир 你好', number: null, truncated: true });
    assert.deepEqual(parseClid('"Bob \\'), { name: 'Bob ', number: null, truncated: true }, 'half an escape at the cut is dropped');
  });

  test('other shapes: only a number, only a name, a plain name, empty parts, nothing', () => {
    assert.deepEqual(parseClid('<2125550111>'), { name: null, number: '2125550111', truncated: false });
    assert.deepEqual(parseClid('"" <2125550111>'), { name: null, number: '2125550111', truncated: false });
    assert.deepEqual(parseClid('"Alice" <>'), { name: 'Alice', number: null, truncated: false });
    assert.deepEqual(parseClid('"Alice"'), { name: 'Alice', number: null, truncated: false });
    assert.deepEqual(parseClid('Alice <101>'), { name: 'Alice', number: '101', truncated: false });
    assert.deepEqual(parseClid('+15551234567'), { name: null, number: '+15551234567', truncated: false });
    assert.deepEqual(parseClid('Alice Smith'), { name: 'Alice Smith', number: null, truncated: false });
    assert.deepEqual(parseClid(''), { name: null, number: null, truncated: false });
    assert.deepEqual(parseClid('  '), { name: null, number: null, truncated: false });
  });

  test('an unescaped quote inside a name (not Asterisk, another writer) still gives name and number', () => {
    assert.deepEqual(parseClid('"Bob "The Boss" O\'Neil" <2125550111>'), { name: 'Bob "The Boss" O\'Neil', number: '2125550111', truncated: false });
  });

  test('property: whatever name and number Asterisk merged come back as they were', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    const number = fc.stringMatching(/^\+?[0-9]{1,15}$/);
    fc.assert(
      fc.property(text, number, (name, num) => {
        const got = parseClid(merge(name, num));
        assert.equal(got.name, name === '' ? null : name);
        assert.equal(got.number, num);
        assert.equal(got.truncated, false);
      }),
      { numRuns: 2000 },
    );
  });
});
