import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS, configDefault, loadConfig, readSetting } from './config.ts';
import { isCrmTelephonyError } from './errors.ts';

test('an empty environment gives working embedded defaults', () => {
  const c = loadConfig({});
  assert.equal(c.AMI_HOST, undefined);
  assert.equal(c.AMI_PORT, 5038);
  assert.equal(c.DATABASE_URL, './data/crm-telephony.sqlite');
  assert.equal(c.DEFAULT_REGION, 'US');
  assert.equal(c.AMI_EVENT_FILTER, true, 'the PBX is asked to filter unless told not to');
});

test('AMI_EVENT_FILTER=off: the PBX is never asked to filter; a word that is not yes or no is an error', () => {
  assert.equal(loadConfig({ AMI_EVENT_FILTER: 'off' }).AMI_EVENT_FILTER, false);
  assert.equal(loadConfig({ AMI_EVENT_FILTER: 'False' }).AMI_EVENT_FILTER, false);
  assert.throws(() => loadConfig({ AMI_EVENT_FILTER: 'sometimes' }), (e: unknown) => isCrmTelephonyError(e, 'CONFIG_ERR_INVALID') && e.message.includes('AMI_EVENT_FILTER'));
});

test('values are coerced and checked; errors name the variable and what to do', () => {
  assert.equal(loadConfig({ AMI_PORT: '5039', DEFAULT_REGION: 'ru' }).DEFAULT_REGION, 'RU');
  for (const env of [{ AMI_PORT: '70000' }, { DEFAULT_REGION: 'UK' }, { AMI_AUTH: 'sha1' }]) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => isCrmTelephonyError(e, 'CONFIG_ERR_INVALID') && e.message.includes(Object.keys(env)[0]!),
    );
  }
});

test('a real PBX needs its secret', () => {
  assert.throws(() => loadConfig({ AMI_HOST: 'pbx.example.com' }), (e: unknown) => isCrmTelephonyError(e, 'CONFIG_ERR_INVALID') && /AMI_SECRET/.test(e.message));
  assert.equal(loadConfig({ AMI_HOST: 'pbx.example.com', AMI_SECRET: 's' }).AMI_HOST, 'pbx.example.com');
});

test('every variable has a usable default, and one variable is read alone by its own entry', () => {
  for (const key of CONFIG_KEYS) assert.doesNotThrow(() => configDefault(key), key);
  assert.equal(configDefault('AMI_PORT'), 5038);
  assert.equal(configDefault('DEBUG'), false);
  assert.deepEqual(readSetting('AMI_PORT', '5039'), { ok: true, value: 5039 });
  assert.deepEqual(readSetting('DEFAULT_REGION', ' de '), { ok: true, value: 'DE' });
  const bad = readSetting('DEFAULT_REGION', 'UK');
  assert.ok(!bad.ok && /GB, not UK/.test(bad.problem));
  assert.deepEqual(readSetting('DEBUG', '1'), { ok: true, value: true });
});

test('the service starts whatever the variables only a command reads hold', () => {
  const c = loadConfig({ AGI_PUBLIC_HOST: '', ROUTING_FALLBACK_DIAL: '', DEBUG: 'express:*', DEMO_PASSWORD: '' });
  assert.equal(c.DEMO_PASSWORD, '');
  assert.equal(c.DEBUG, true);
});

// ---- every variable read is declared, and documented ------------------------------------------

const SRC = fileURLToPath(new URL('.', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * The environment reads in a source text: `process.env.X`, `process.env['X']`, and `env.X` or
 * `env['X']` (an `io.env`, an `env` parameter) for names shaped like variables (upper case: a
 * lower-case key of an `env` is another object's, such as the AGI request's `agi_*`); `dynamic`
 * for a name computed at run time, which no scan can check. `import.meta.env` is Vite's, not the
 * process's.
 */
function environmentReads(text: string): { names: string[]; dynamic: number } {
  const names: string[] = [];
  for (const m of text.matchAll(/(?<!meta\.)\b(process\.env|env)\s*(?:\??\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"`])([\w-]*)\3\s*\])/g)) {
    const name = m[2] ?? m[4]!;
    if (m[1] === 'process.env' || /^[A-Z][A-Z0-9_]*$/.test(name)) names.push(name);
  }
  const destructured = [...text.matchAll(/\}\s*=\s*process\.env\b/g)].length;
  const computed = [...text.matchAll(/(?<!meta\.)\b(?:process\.env|env)\s*\[(?!\s*(['"`])[\w-]*\1\s*\])/g)].length;
  return { names, dynamic: destructured + computed };
}

/** Where a name is computed on purpose: the CLI's one reader (its keys are typed as the schema's), the AGI request's own variables, and the PBX file's `secretEnv` (it names the variable). */
const DYNAMIC_READERS = new Set(['cli/settings.ts', 'agi/request.ts', 'service/pbx-config.ts']);

test('the scan finds environment reads of every shape', () => {
  assert.deepEqual(environmentReads(`process.env.A; process.env['B']; io.env["C"]; env.D; env?.E; r.env['agi_x']; import.meta.env.DEV`).names, ['A', 'B', 'C', 'D', 'E']);
  assert.equal(environmentReads('env[name]; process.env[`X_${k}`]; const { Y } = process.env; env["Z"]').dynamic, 3);
});

test('every environment variable read in src/ is a variable of the schema', () => {
  const known = new Set<string>(CONFIG_KEYS);
  const unknown: string[] = [];
  const dynamic: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file).split(sep).join('/');
    const reads = environmentReads(readFileSync(file, 'utf8'));
    unknown.push(...reads.names.filter((n) => !known.has(n)).map((n) => `${rel}: ${n}`));
    if (reads.dynamic > 0 && !DYNAMIC_READERS.has(rel)) dynamic.push(rel);
  }
  assert.deepEqual(unknown, [], 'declare these in the schema (src/config.ts), with a default and a description, and read them through it');
  assert.deepEqual(dynamic, [], 'these read a variable whose name is computed: read it through the schema (src/cli/settings.ts for commands)');
});

test('every variable of the schema is documented in the README or the README of its folder', () => {
  const readmes = [join(SRC, '..', 'README.md'), ...readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('README.md')).map((f) => join(SRC, f))];
  const docs = readmes.map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.deepEqual(CONFIG_KEYS.filter((k) => !new RegExp(`\\b${k}\\b`).test(docs)), []);
});
