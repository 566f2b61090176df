/**
 * The widget's sources and build, read as text: it never turns data into markup (caller names and
 * CRM texts are attacker-controlled; the console has an ESLint rule for this, the widget this
 * test), never evaluates strings, and is built as one classic script that can sit in a plain
 * <script> element of SuiteCRM's pages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWidgetBuilt } from './support/widget-build.ts';
import { LOADER_JS } from '../../src/crm/suitecrm-package/php-sources.ts';

const SRC = fileURLToPath(new URL('../../src/widget/', import.meta.url));
const MARKUP = /\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|document\.write(ln)?)\b|\beval\s*\(|new Function\s*\(|setTimeout\(\s*['"`]/;

test('no widget source builds markup from strings or evaluates code', () => {
  const files = readdirSync(SRC).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 5, files.join(' '));
  for (const f of files) {
    const code = readFileSync(join(SRC, f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(code, MARKUP, f);
  }
});

test('no widget source holds words for people: every one comes from the catalogue (widget.* messages)', () => {
  // A sentence ('Loading calls…', 'Call ended'), an aria-label or title written out, or a bare word
  // handed to an element as its text: each was English on a Russian user's page once.
  const WORDS = /(['"`])[A-Z][a-z]+(?: [a-z]+)+|['"]aria-label['"]:\s*['"`][A-Za-z]|\btitle:\s*['"`][A-Za-z]|\}, ['"`][A-Z][a-z]|`[A-Z][a-z]+ \$\{/;
  const found: string[] = [];
  for (const f of readdirSync(SRC).filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts') && x !== 'styles.ts')) {
    const code = readFileSync(join(SRC, f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    code.split('\n').forEach((line, i) => {
      if (WORDS.test(line)) found.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});

test('the build is one classic script (no import/export, no module syntax) and holds no markup sink either', async () => {
  const root = await ensureWidgetBuilt();
  const bundle = readFileSync(join(root, 'widget.js'), 'utf8');
  assert.match(bundle, /^\(function\(\)\{/);
  assert.doesNotMatch(bundle, /\bimport\s*\(|^\s*import\s|^\s*export\s|import\.meta/m);
  assert.doesNotMatch(bundle, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  // 35 kB before the widget had languages. Its messages in English and Russian come parsed at
  // build time (scripts/vite-precompiled-messages.ts), so the ICU parser (34 kB) stays out: the
  // parser's own error names would be in it. Only the widget's part of the catalogue goes in
  // (src/widget/i18n.ts): the console's or the server's would double it.
  assert.doesNotMatch(bundle, /EXPECT_ARGUMENT_CLOSING_BRACE|UNCLOSED_QUOTE_IN_ARGUMENT_STYLE/);
  assert.ok(bundle.length < 70_000, `${bundle.length} bytes`);
});

test('the hook\'s loader is a few hundred bytes of ES5 with no quotes PHP would need escaped', () => {
  assert.ok(LOADER_JS.length < 700, `${LOADER_JS.length}`);
  assert.doesNotMatch(LOADER_JS, /['\\`]|=>|\blet\b|\bconst\b|<\/script/i);
  // It parses as a script.
  assert.doesNotThrow(() => new Function(LOADER_JS.replace('(document.currentScript)', '(null)')));
});
