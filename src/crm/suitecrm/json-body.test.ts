import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFirstJson } from './json-body.ts';
import { CrmErrorCodes, isCrmError } from '../crm-errors.ts';

test('a clean body is read whole, with nothing after it', () => {
  assert.deepEqual(parseFirstJson('{"data":[]}'), { value: { data: [] }, trailing: '' });
});

test('recording 30: the JSON, then PHP text after it', () => {
  const body = '{\n    "errors": {\n        "status": 400,\n        "title": null,\n        "detail": "Database failure. Please refer to suitecrm.log for details."\n    }\n}Database failure. Please refer to suitecrm.log for details.';
  const { value, trailing } = parseFirstJson(body);
  assert.equal((value as { errors: { status: number } }).errors.status, 400);
  assert.equal(trailing, 'Database failure. Please refer to suitecrm.log for details.');
});

test('braces and quotes inside strings do not end the value early', () => {
  const { value, trailing } = parseFirstJson('{"a":"} \\" ] {","b":[1,{"c":"]"}]}  Provide both a User Name and an Email Address.');
  assert.deepEqual(value, { a: '} " ] {', b: [1, { c: ']' }] });
  assert.equal(trailing, 'Provide both a User Name and an Email Address.');
});

test('v4_1 logout answers a bare null; other scalars too', () => {
  assert.equal(parseFirstJson('null').value, null);
  assert.equal(parseFirstJson('12 junk').value, 12);
});

test('an HTML page or an empty body is CRM_ERR_BAD_RESPONSE, described without quoting it', () => {
  for (const body of ['<!DOCTYPE html><html><body>Login</body></html>', '', '   ', '{"unterminated": ']) {
    assert.throws(() => parseFirstJson(body), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_BAD_RESPONSE) && !err.message.includes('Login'));
  }
});

test('property: any object or array followed by any text that does not continue it is read back', () => {
  const junk = fc.string().filter((s) => !/^\s*[\]}[{",:0-9.eE+-]/.test(s));
  fc.assert(
    fc.property(fc.oneof(fc.object(), fc.array(fc.jsonValue())), junk, fc.boolean(), (value, text, pretty) => {
      const json = pretty ? JSON.stringify(value, null, 4) : JSON.stringify(value);
      const parsed = parseFirstJson(json + text);
      assert.deepEqual(parsed.value, JSON.parse(json));
      assert.equal(parsed.trailing, text.trim());
    }),
  );
});
