import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHtml, textOf } from './html-entities.ts';

test('what SuiteCRM encodes comes back as typed (recordings 70, 92)', () => {
  assert.equal(decodeHtml('O&#039;Brien-Deleted'), "O'Brien-Deleted");
  assert.equal(decodeHtml('caller +7 (495) 123-45-67 -&gt; ext 101'), 'caller +7 (495) 123-45-67 -> ext 101');
  assert.equal(decodeHtml('&quot;VIP&quot; &lt;b&gt;'), '"VIP" <b>');
  assert.equal(decodeHtml('R&D '), 'R&D ', 'a bare & is left alone, as SuiteCRM leaves it');
});

test('numeric entities, &amp;, once only; junk entities are kept', () => {
  assert.equal(decodeHtml('M&#252;ller &#x4E2D; &amp;lt;'), 'Müller 中 &lt;');
  assert.equal(decodeHtml('&bogus; &#0; &#xD800; &#99999999;'), '&bogus; &#0; &#xD800; &#99999999;');
});

test('textOf: strings decoded, numbers as text, the rest empty', () => {
  assert.equal(textOf('a&#039;b'), "a'b");
  assert.equal(textOf(4), '4');
  assert.equal(textOf(false), '');
  assert.equal(textOf({}), '');
});
