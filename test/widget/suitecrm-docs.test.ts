/**
 * The SuiteCRM set-up as the READMEs tell it (README.md's "SuiteCRM" section, src/crm/README.md)
 * agrees with what the package and the `package` command do: the package creates the extension
 * field (Studio's Add Field is the route without it) and puts it on no layout (Studio does); the
 * Module Loader wants Commit after Install; the widget secret is printed by the command, not by any
 * installer, and a rebuilt package holds a new one that the running service needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const read = (path: string): string => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

/** README.md's "## SuiteCRM" section, up to the next second-level heading. */
function suitecrmSection(): string {
  const readme = read('README.md');
  const start = readme.indexOf('\n## SuiteCRM\n');
  assert.ok(start >= 0, 'README.md has a "## SuiteCRM" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end).replace(/\s+/g, ' ');
}

test('README: Studio adds the extension field only without the package; with it, Studio puts the field on the Users layouts', () => {
  const s = suitecrmSection();
  const addField = s.indexOf('Add Field');
  assert.ok(addField > 0);
  assert.match(s.slice(Math.max(0, addField - 120), addField), /Without the package/);
  assert.match(s, /With the package below \(the widget\), the package creates it: skip this step/);
  assert.match(s, /Put the extension field on the Users layouts: Admin → Studio → Users → Layouts → Edit View, .*Save & Deploy; the same for Detail View/);
});

test('README: Install, then Commit; the secret is what the package command printed; a rebuild makes a new one the service needs, or --secret-env', () => {
  const s = suitecrmSection();
  const install = s.indexOf('Module Loader → Upload → Install');
  assert.ok(install > 0);
  assert.ok(s.indexOf('**Commit**', install) > install, 'Commit after Install');
  assert.doesNotMatch(s, /installer prints/i);
  assert.match(s, /The command prints the widget secret it generated/);
  assert.match(s, /the secret the `package` command printed/);
  assert.match(s, /Every build makes a new secret, and a service still holding the old one refuses the widget's sign-ins/);
  assert.match(s, /`--secret-env`, which writes the service's own `CRM_WIDGET_SECRET` into it/);
});

test('src/crm/README.md: with the package the field is not added in Studio as well, and goes on the layouts in Studio either way', () => {
  const crm = read('src/crm/README.md').replace(/\s+/g, ' ');
  assert.match(crm, /If you install the widget's package .* it creates the field .*: do not add it in Studio as well\. Without the package: Admin -> Studio -> Users -> Fields -> Add Field/);
  assert.match(crm, /Either way, put it on the Users layouts in Studio \(Layouts -> Edit View and Detail View/);
});
