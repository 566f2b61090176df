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

test('the build is one classic script (no import/export, no module syntax) and holds no markup sink either', async () => {
  const root = await ensureWidgetBuilt();
  const bundle = readFileSync(join(root, 'widget.js'), 'utf8');
  assert.match(bundle, /^\(function\(\)\{/);
  assert.doesNotMatch(bundle, /\bimport\s*\(|^\s*import\s|^\s*export\s|import\.meta/m);
  assert.doesNotMatch(bundle, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  assert.ok(bundle.length < 60_000, `${bundle.length} bytes`);
});

test('the hook\'s loader is a few hundred bytes of ES5 with no quotes PHP would need escaped', () => {
  assert.ok(LOADER_JS.length < 700, `${LOADER_JS.length}`);
  assert.doesNotMatch(LOADER_JS, /['\\`]|=>|\blet\b|\bconst\b|<\/script/i);
  // It parses as a script.
  assert.doesNotThrow(() => new Function(LOADER_JS.replace('(document.currentScript)', '(null)')));
});
