/**
 * The SuiteCRM Module Loader package (src/crm/suitecrm-package/, `crm-telephony suitecrm package`):
 * the zip's files, the manifest and install definitions, and, where php is installed (.ci/run
 * installs Debian's php-cli), the PHP itself: every file lints; the Module Loader's package scanner
 * would accept it; the manifest evaluates to what SuiteCRM 7 checks; the hook, run with stand-ins
 * for SuiteCRM's globals, prints exactly one script element whose token our service accepts, prints
 * nothing where it must not (AJAX, popups, no user...), escapes what it prints, and never throws;
 * the install step stores the two settings through SuiteCRM's Configurator.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSuiteCrmPackage, needsHttps, normalizeServiceUrl, PackageOptionError, packageFiles } from '../../src/crm/suitecrm-package/build-package.ts';
import { phpString } from '../../src/crm/suitecrm-package/php-sources.ts';
import { verifyWidgetToken } from '../../src/web/auth/crm-sso.ts';
import { suitecrmPackage } from '../../src/cli/suitecrm-package.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { readZip, type ZipEntry } from './support/zip.ts';
import { hookMarkup } from './support/hook-markup.ts';

const SECRET = 'pkg-test-secret_0123456789-abcdefghijklmnopq';
const SERVICE = 'https://crm-telephony.example.com';
const PUBLISHED = new Date(Date.UTC(2026, 11, 1, 12, 0, 0));
const ALICE_CRM = '6d6813b5-4321-83dd-a2d2-6b049619527b';
const HOOK = 'files/custom/include/CrmTelephony/CrmTelephonyWidgetHook.php';
const FILES = ['manifest.php', 'README.txt', HOOK, 'language/Users/en_us.crm_telephony.php', 'scripts/crm_telephony_install.php'];

const PHP = spawnSync('php', ['-v'], { encoding: 'utf8' }).status === 0;
const needsPhp = PHP ? {} : { skip: 'php is not installed here (apt-get install php-cli; .ci/run does)' };

let zip: Buffer;
let entries: ZipEntry[];
let dir: string;

before(async () => {
  zip = await buildSuiteCrmPackage({ serviceUrl: SERVICE, secret: SECRET, version: '1.2.3', publishedAt: PUBLISHED });
  entries = readZip(zip);
  dir = mkdtempSync(join(tmpdir(), 'crmt-pkg-'));
  for (const e of entries) {
    mkdirSync(dirname(join(dir, 'pkg', e.name)), { recursive: true });
    writeFileSync(join(dir, 'pkg', e.name), e.data);
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

function php(args: string[], options: { input?: string; cwd?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('php', ['-d', 'display_errors=stderr', '-d', 'log_errors=0', '-d', 'error_reporting=-1', ...args], { encoding: 'utf8', input: options.input ?? '', cwd: options.cwd ?? dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const text = (name: string): string => entries.find((e) => e.name === name)!.data.toString('utf8');

test('the zip holds the manifest, a readme, the hook, the label and the install step, and nothing else', () => {
  assert.deepEqual(entries.map((e) => e.name), FILES);
  for (const e of entries) assert.equal(e.mode & 0o777, 0o644, e.name);
  const files = packageFiles({ serviceUrl: SERVICE, secret: SECRET, version: '1.2.3', publishedAt: PUBLISHED });
  for (const f of files) assert.equal(text(f.path), f.content, f.path);
  // Only file types the Module Loader's scanner accepts (no .md, no .json).
  for (const e of entries) assert.match(e.name, /\.(php|txt)$/);
});

test('the same options make the same bytes (a package can be rebuilt and compared)', async () => {
  const again = await buildSuiteCrmPackage({ serviceUrl: `${SERVICE}/`, secret: SECRET, version: '1.2.3', publishedAt: PUBLISHED });
  assert.ok(again.equals(zip));
});

test('manifest: SuiteCRM 7 (checked on $suitecrm_version), CE; installdefs copy the hook, register it after_ui_frame, add the Users field', () => {
  const m = text('manifest.php');
  assert.match(m, /'acceptable_suitecrm_versions' => array\(\s*'regex_matches' => array\('\^7\\\\\.'\),/);
  assert.match(m, /'acceptable_sugar_versions' => array\(\s*'regex_matches' => array\('\^6\\\\\.5\\\\\.'\),/);
  assert.match(m, /'acceptable_sugar_flavors' => array\('CE'\)/);
  assert.match(m, /'type' => 'module'/);
  assert.match(m, /'is_uninstallable' => true/);
  assert.match(m, /'hook' => 'after_ui_frame'/);
  assert.match(m, /'module' => '',/);
  assert.match(m, /'file' => 'custom\/include\/CrmTelephony\/CrmTelephonyWidgetHook\.php'/);
  assert.match(m, /'class' => 'CrmTelephonyWidgetHook'/);
  assert.match(m, /'name' => 'asterisk_ext_c'/);
  assert.match(m, /'module' => 'Users'/);
  assert.match(m, /'post_execute' => array\(\s*'<basepath>\/scripts\/crm_telephony_install\.php'/);
  // No installdefs 'layoutfields': SuiteCRM 7 runs it before it creates the custom field, appends the
  // field to the first panel without looking whether it is there already (an earlier install, or
  // Studio: twice on the page), and its uninstall takes the field off layouts the admin arranged.
  // README.txt has the admin put it on the layouts in Studio instead.
  assert.doesNotMatch(m, /layoutfields/);
  // The secret travels in the install step only, never in the manifest or readme.
  assert.doesNotMatch(m, new RegExp(SECRET));
  assert.doesNotMatch(text('README.txt'), new RegExp(SECRET));
  assert.match(text('scripts/crm_telephony_install.php'), new RegExp(`'widget_secret' => '${SECRET}'`));
});

test('README.txt: Install then Commit; the field onto the Users layouts in Studio; the secret the package command printed, also after a rebuild', () => {
  const r = text('README.txt');
  const install = r.indexOf('Module Loader -> Upload this zip -> Install');
  assert.ok(install > 0, 'the Module Loader step');
  assert.ok(r.indexOf('press Commit') > install, 'Commit comes after Install: SuiteCRM 7 installs nothing before it');
  // The package creates the field and puts it on no layout: the admin does, in Studio.
  assert.match(r, /puts it on no layout/);
  assert.match(r, /Admin -> Studio -> Users -> Layouts -> Edit\s+View[\s\S]*Save & Deploy[\s\S]*Detail View/);
  // The secret comes from the command that built the zip (the Module Loader prints nothing).
  assert.match(r, /"crm-telephony suitecrm package"\s+command printed/);
  assert.doesNotMatch(r, /installer prints|printed when this\s+package was built/i);
  assert.match(r, /built without --secret-env holds a new secret: the service needs it/);
  // Steps numbered in order.
  assert.deepEqual([...r.matchAll(/^(\d)\. /gm)].map((m) => m[1]), ['1', '2', '3', '4']);
});

test('the hook: minimal, escaped, guarded, and wrapped so it can never break a page', () => {
  const h = text(HOOK);
  assert.match(h, /^<\?php\nif \(!defined\('sugarEntry'\) \|\| !sugarEntry\) \{/);
  assert.match(h, /catch \(\\Throwable \$e\)/);
  assert.match(h, /hash_hmac\('sha256', \$payload, \$secret\)/);
  assert.equal((h.match(/htmlspecialchars\(/g) ?? []).length, 1, 'one escaping function, used for every attribute');
  assert.equal((h.match(/\$this->attribute\(/g) ?? []).length, 5);
  for (const flag of ['to_pdf', 'sugar_body_only', 'ajax_load']) assert.ok(h.includes(`'${flag}'`), flag);
  assert.match(h, /'popup'/);
  assert.match(h, /xmlhttprequest/);
  assert.doesNotMatch(h, /`|eval|file_get_contents|array_map/);
});

test('option checks: the service URL is normalized and must be plain http(s); the field must be a custom field; the secret long enough', () => {
  assert.equal(normalizeServiceUrl(' https://tel.example.com/ '), 'https://tel.example.com');
  assert.equal(normalizeServiceUrl('https://example.com/telephony//'), 'https://example.com/telephony');
  for (const bad of ['tel.example.com', 'ftp://tel.example.com', 'https://u:p@tel.example.com', 'https://tel.example.com/?x=1', 'https://tel.example.com/#x', "https://tel.example.com/a'b", 'javascript:alert(1)']) {
    assert.throws(() => normalizeServiceUrl(bad), PackageOptionError, bad);
  }
  assert.equal(needsHttps('http://tel.example.com'), true);
  assert.equal(needsHttps('http://localhost:8080'), false);
  assert.equal(needsHttps('https://tel.example.com'), false);
  assert.throws(() => packageFiles({ serviceUrl: SERVICE, secret: 'short' }), /at least 32/);
  assert.throws(() => packageFiles({ serviceUrl: SERVICE, secret: `${SECRET}'` }), PackageOptionError);
  assert.throws(() => packageFiles({ serviceUrl: SERVICE, secret: SECRET, extensionField: 'asterisk_ext' }), /ending in _c/);
  assert.throws(() => packageFiles({ serviceUrl: SERVICE, secret: SECRET, extensionField: "x'); die(); //_c" }), PackageOptionError);
  const other = packageFiles({ serviceUrl: SERVICE, secret: SECRET, extensionField: 'pbx_extension_c' });
  assert.match(other.find((f) => f.path === 'manifest.php')!.content, /'name' => 'pbx_extension_c',\s*'label' => 'LBL_PBX_EXTENSION'/);
});

test('php: every PHP file of the package lints', needsPhp, () => {
  for (const e of entries.filter((x) => x.name.endsWith('.php'))) {
    const r = php(['-l', join('pkg', e.name)]);
    assert.equal(r.status, 0, `${e.name}: ${r.stdout}${r.stderr}`);
  }
});

test("php: the Module Loader's package scanner finds nothing to refuse (no file functions, callbacks, variable calls, backticks)", needsPhp, () => {
  // The token rules of SuiteCRM's ModuleInstall/ModuleScanner.php (scanFile), with its blacklist
  // trimmed to the functions a package like ours could plausibly call.
  const scanner = `<?php
$black = array('popen','proc_open','passthru','exec','system','shell_exec','eval','file_exists','file_get_contents','file_put_contents',
  'fopen','fwrite','fputs','fread','file','is_file','is_dir','is_readable','is_writable','mkdir','rmdir','unlink','copy','rename','link',
  'symlink','touch','stat','glob','dir','opendir','readdir','realpath','pathinfo','tempnam','tmpfile','chmod','chown','ini_set',
  'set_time_limit','call_user_func','call_user_func_array','create_function','forward_static_call','array_map','array_filter',
  'array_reduce','array_walk','array_walk_recursive','usort','uasort','uksort','ob_start','set_error_handler','set_exception_handler',
  'register_shutdown_function','preg_replace_callback','is_callable','spl_autoload_register','iterator_apply','get','open','construct',
  'getimagesize','simplexml_load_file','simplexml_load_string','unzip','unzip_file','sugar_fopen','sugar_mkdir','sugar_file_put_contents',
  'mkdir_recursive','rmdir_recursive','create_custom_directory','write_array_to_file','parse_ini_file','parse_ini_string');
$classes = array('reflection','reflectionclass','reflectionfunction','reflectionmethod','reflectionobject','ziparchive','splfileobject','splfileinfo','pclzip');
$issues = array();
foreach (array_slice($argv, 1) as $f) {
  $last = false; $check = false; $possible = '';
  foreach (token_get_all(file_get_contents($f)) as $t) {
    if (is_string($t)) {
      if ($t === '\`' && !in_array("$f: backtick", $issues)) { $issues[] = "$f: backtick"; }
      if ($t === '(' && $check) { $issues[] = "$f: $possible"; }
      $check = false; $possible = '';
      continue;
    }
    if ($t[0] === T_WHITESPACE) { continue; }
    if ($t[0] === T_STRING) {
      $name = strtolower($t[1]);
      if ($last !== false && $last[0] === T_NEW) { if (in_array($name, $classes)) { $issues[] = "$f: new $name"; } }
      elseif ($last !== false && ($last[0] === T_OBJECT_OPERATOR || $last[0] === T_DOUBLE_COLON)) { /* a method */ }
      elseif (in_array($name, $black)) { $check = true; $possible = $name . '()'; }
    } elseif ($t[0] === T_VARIABLE) { $check = true; $possible = 'variable function ' . $t[1] . '()'; }
    elseif ($t[0] === T_EVAL) { $issues[] = "$f: eval"; }
    else { $check = false; $possible = ''; }
    $last = $t;
  }
}
echo json_encode($issues);
`;
  writeFileSync(join(dir, 'scanner.php'), scanner);
  const files = entries.filter((e) => e.name.endsWith('.php')).map((e) => join('pkg', e.name));
  const r = php(['scanner.php', ...files]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
  // The scanner itself catches what it should (so an empty list means something).
  writeFileSync(join(dir, 'bad.php'), '<?php $f = "x"; $f(); file_exists("a"); $m = array_map("trim", array()); echo `id`;');
  assert.deepEqual(JSON.parse(php(['scanner.php', 'bad.php']).stdout), ['bad.php: variable function $f()', 'bad.php: file_exists()', 'bad.php: array_map()', 'bad.php: backtick']);
});

test('php: the manifest evaluates to what the Module Loader checks: SuiteCRM 7.14.6 accepted, 8.x refused; the copied hook is the registered file', needsPhp, () => {
  const r = php([
    '-r',
    `include 'pkg/manifest.php';
     $ok = function ($m, $v) { foreach ($m['regex_matches'] as $re) { if (preg_match("/$re/", $v)) { return true; } } return false; };
     echo json_encode(array('manifest' => $manifest, 'installdefs' => $installdefs,
       'suite7146' => $ok($manifest['acceptable_suitecrm_versions'], '7.14.6'), 'suite8' => $ok($manifest['acceptable_suitecrm_versions'], '8.6.1'),
       'sugar6525' => $ok($manifest['acceptable_sugar_versions'], '6.5.25')));`,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout) as {
    manifest: Record<string, unknown>;
    installdefs: { id: string; copy: { from: string; to: string }[]; logic_hooks: Record<string, unknown>[]; custom_fields: Record<string, unknown>[]; language: Record<string, string>[]; post_execute: string[] };
    suite7146: boolean;
    suite8: boolean;
    sugar6525: boolean;
  };
  assert.equal(out.suite7146, true);
  assert.equal(out.suite8, false);
  assert.equal(out.sugar6525, true);
  assert.deepEqual(out.manifest['acceptable_sugar_flavors'], ['CE']);
  assert.equal(out.manifest['version'], '1.2.3');
  assert.equal(out.manifest['published_date'], '2026-12-01 12:00:00');
  assert.equal(out.manifest['readme'], 'README.txt');
  const d = out.installdefs;
  assert.equal(d.id, 'crm_telephony');
  assert.deepEqual(d.logic_hooks, [
    { module: '', hook: 'after_ui_frame', order: 100, description: 'crm-telephony widget', file: 'custom/include/CrmTelephony/CrmTelephonyWidgetHook.php', class: 'CrmTelephonyWidgetHook', function: 'render' },
  ]);
  // The registered file is where the copy puts the zip's hook.
  const copy = d.copy[0]!;
  const registered = String(d.logic_hooks[0]!['file']);
  assert.equal(`${copy.from.replace('<basepath>/', '')}/${registered.slice(copy.to.length + 1)}`, HOOK);
  assert.equal(d.custom_fields.length, 1);
  assert.deepEqual(
    { name: d.custom_fields[0]!['name'], module: d.custom_fields[0]!['module'], type: d.custom_fields[0]!['type'], label: d.custom_fields[0]!['label'] },
    { name: 'asterisk_ext_c', module: 'Users', type: 'varchar', label: 'LBL_ASTERISK_EXT' },
  );
  assert.deepEqual(d.language, [{ from: '<basepath>/language/Users/en_us.crm_telephony.php', to_module: 'Users', language: 'en_us' }]);
  assert.deepEqual(d.post_execute, ['<basepath>/scripts/crm_telephony_install.php']);
  // Logic hook descriptions are written unescaped between single quotes into logic_hooks.php.
  assert.doesNotMatch(String(d.logic_hooks[0]!['description']), /['\\]/);
  const label = php(['-r', "include 'pkg/language/Users/en_us.crm_telephony.php'; echo json_encode($mod_strings);"]);
  assert.deepEqual(JSON.parse(label.stdout), { LBL_ASTERISK_EXT: 'Phone extension' });
});

interface HookRun {
  html: string;
  errors: string[];
  time: number;
  stderr: string;
}

const HARNESS = `<?php
define('sugarEntry', true);
$in = json_decode(file_get_contents('php://stdin'), true);
class FakeLog { public $errors = array(); public function error($m) { $this->errors[] = $m; } }
class ThrowingUser { public function __isset($n) { throw new RuntimeException('boom'); } public function __get($n) { throw new RuntimeException('boom'); } }
$GLOBALS['log'] = new FakeLog();
if (array_key_exists('config', $in)) { $GLOBALS['sugar_config'] = $in['config']; }
if (array_key_exists('language', $in)) { $GLOBALS['current_language'] = $in['language']; }
if ($in['user'] === 'throwing') { $GLOBALS['current_user'] = new ThrowingUser(); }
elseif (is_array($in['user'])) { $u = new stdClass(); foreach ($in['user'] as $k => $v) { $u->$k = $v; } $GLOBALS['current_user'] = $u; }
$_REQUEST = $in['request'];
foreach ($in['server'] as $k => $v) { $_SERVER[$k] = $v; }
require 'pkg/${HOOK}';
$hook = new CrmTelephonyWidgetHook();
ob_start();
$hook->render('after_ui_frame', null);
$html = ob_get_clean();
echo json_encode(array('html' => $html, 'errors' => $GLOBALS['log']->errors, 'time' => time()));
`;

interface HookInput {
  config?: unknown;
  /** SuiteCRM's $GLOBALS['current_language'] for the request (unset when absent). */
  language?: unknown;
  user?: Record<string, unknown> | 'throwing' | null;
  request?: Record<string, unknown>;
  server?: Record<string, string>;
}

const CONFIG = { crm_telephony: { service_url: SERVICE, widget_secret: SECRET } };
const AGENT = { id: ALICE_CRM, user_name: 'agent101' };

function runHook(input: HookInput): HookRun {
  writeFileSync(join(dir, 'harness.php'), HARNESS);
  const payload = { config: CONFIG, user: AGENT, request: { module: 'Contacts', action: 'DetailView', record: 'x' }, server: {}, ...input };
  const r = php(['harness.php'], { input: JSON.stringify(payload) });
  assert.equal(r.status, 0, r.stderr);
  return { ...(JSON.parse(r.stdout) as Omit<HookRun, 'stderr'>), stderr: r.stderr };
}

test('php: on a page of a signed-in user the hook prints one script element whose token our service accepts for that user', needsPhp, () => {
  const run = runHook({});
  assert.equal(run.stderr, '', 'no notices or warnings');
  assert.deepEqual(run.errors, []);
  assert.equal((run.html.match(/<script/g) ?? []).length, 1);
  assert.ok(run.html.endsWith('</script>'));
  const token = /data-token="([^"]+)"/.exec(run.html)![1]!;
  const checked = verifyWidgetToken(token, { secrets: [SECRET], now: run.time * 1000 });
  assert.ok(checked.ok, JSON.stringify(checked));
  assert.equal(checked.userId, ALICE_CRM);
  assert.equal(checked.expiresAt, run.time + 300);
  // Byte for byte what the browser tests inject (test/widget/support/hook-markup.ts).
  assert.equal(run.html, hookMarkup({ service: SERVICE, user: ALICE_CRM, token, language: '' }));
  assert.match(run.html, /data-src="https:\/\/crm-telephony\.example\.com\/widget\/widget\.js"/);
  // Another secret's service would not accept it.
  assert.equal(verifyWidgetToken(token, { secrets: ['z'.repeat(40)], now: run.time * 1000 }).ok, false);
});

test('php: nothing is printed for AJAX, popups, PDFs, exports, body-only and subpanel requests', needsPhp, () => {
  const quiet: HookInput[] = [
    { request: { module: 'Contacts', action: 'DetailView', ajax_load: '1' } },
    { request: { module: 'Contacts', action: 'DetailView', sugar_body_only: '1' } },
    { request: { module: 'Contacts', action: 'DetailView', to_pdf: 'true' } },
    { request: { module: 'Contacts', action: 'index', to_csv: '1' } },
    { request: { module: 'Contacts', action: 'DetailView', print: 'true' } },
    { request: { module: 'Contacts', action: 'Popup' } },
    { request: { module: 'Contacts', action: 'popup', mode: 'single' } },
    { request: { module: 'Contacts', action: 'SubPanelViewer' } },
    { server: { HTTP_X_REQUESTED_WITH: 'XMLHttpRequest' } },
  ];
  for (const input of quiet) {
    const run = runHook(input);
    assert.equal(run.html, '', JSON.stringify(input));
    assert.equal(run.stderr, '', JSON.stringify(input));
  }
  // The AjaxUI shell is a page: the widget lives there across AjaxUI navigation.
  assert.notEqual(runHook({ request: { action: 'ajaxui' } }).html, '');
  // An action given as an array (action[]=x) is no page action, and no warning either.
  const odd = runHook({ request: { action: ['Popup'] } });
  assert.equal(odd.stderr, '');
});

test('php: nothing without a proper user (none, empty id, portal, group, an id it will not sign) or settings', needsPhp, () => {
  const quiet: HookInput[] = [
    { user: null },
    { user: { id: '' } },
    { user: { id: ALICE_CRM, portal_only: '1' } },
    { user: { id: ALICE_CRM, is_group: 1 } },
    { user: { id: '1" onmouseover="alert(1)' } },
    { user: { id: 'x'.repeat(37) } },
    { config: {} },
    { config: { crm_telephony: 'not an array' } },
    { config: { crm_telephony: { service_url: SERVICE } } },
    { config: { crm_telephony: { service_url: SERVICE, widget_secret: 'short' } } },
    { config: { crm_telephony: { service_url: 'javascript:alert(1)', widget_secret: SECRET } } },
    { config: { crm_telephony: { service_url: 'https://x.example/"><script>alert(1)</script>', widget_secret: SECRET } } },
    { config: { crm_telephony: { service_url: ['https://x'], widget_secret: SECRET } } },
  ];
  for (const input of quiet) {
    const run = runHook(input);
    assert.equal(run.html, '', JSON.stringify(input));
    assert.equal(run.stderr, '', JSON.stringify(input));
  }
  // SuiteCRM's admin has the id "1": signed like any other.
  assert.match(runHook({ user: { id: '1' } }).html, /data-user="1"/);
});

test('php: what it prints is escaped; a failure inside is logged and swallowed, the page goes on', needsPhp, () => {
  const amp = runHook({ config: { crm_telephony: { service_url: 'https://x.example/tel&co/', widget_secret: SECRET } } });
  assert.match(amp.html, /data-src="https:\/\/x\.example\/tel&amp;co\/widget\/widget\.js" data-service="https:\/\/x\.example\/tel&amp;co"/);
  const token = /data-token="([^"]+)"/.exec(amp.html)![1]!;
  assert.equal(amp.html, hookMarkup({ service: 'https://x.example/tel&co', user: ALICE_CRM, token, language: '' }));

  const broken = runHook({ user: 'throwing' });
  assert.equal(broken.html, '');
  assert.equal(broken.stderr, '');
  assert.deepEqual(broken.errors, ['crm-telephony widget hook skipped: RuntimeException']);
});

test("php: the hook passes the user's language (SuiteCRM's current_language, as in <html lang>) to the widget; anything odd passes none", needsPhp, () => {
  for (const language of ['ru_RU', 'en_us', 'pt_BR', 'sr_RS_latin']) {
    const run = runHook({ language });
    assert.equal(run.stderr, '', language);
    const token = /data-token="([^"]+)"/.exec(run.html)![1]!;
    assert.equal(run.html, hookMarkup({ service: SERVICE, user: ALICE_CRM, token, language }), language);
  }
  // A value that is not a language tag never reaches the page, and is no warning either.
  for (const odd of ['ru"><script>alert(1)</script>', '', 'x', ['ru_RU'], 7, null]) {
    const run = runHook({ language: odd });
    assert.equal(run.stderr, '', JSON.stringify(odd));
    assert.match(run.html, /data-language="" data-token="/, JSON.stringify(odd));
  }
});

test("php: the install step stores the service's address and the secret through SuiteCRM's Configurator", needsPhp, () => {
  mkdirSync(join(dir, 'modules/Configurator'), { recursive: true });
  writeFileSync(
    join(dir, 'modules/Configurator/Configurator.php'),
    `<?php class Configurator { public $config = array('site_url' => 'https://crm.example.com'); public function handleOverride() { echo json_encode($this->config); } }`,
  );
  const r = php(['-r', "define('sugarEntry', true); require 'pkg/scripts/crm_telephony_install.php';"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), { site_url: 'https://crm.example.com', crm_telephony: { service_url: SERVICE, widget_secret: SECRET } });
  // Without SuiteCRM around it, the file refuses to run.
  const direct = php(['pkg/scripts/crm_telephony_install.php']);
  assert.match(direct.stdout, /Not A Valid Entry Point/);
});

test('php: string literals survive PHP quoting whatever they hold', needsPhp, () => {
  for (const s of ["it's", 'back\\slash', "\\'", 'a\\\\b', '$x {$y} ${z}', '<?php ?>', 'Ünïcode ✓']) {
    const r = php(['-r', `echo ${phpString(s)};`]);
    assert.equal(r.stdout, s);
  }
  assert.throws(() => phpString('nul\0byte'));
});

function fakeIo(env: Record<string, string> = {}): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return { io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env }, out };
}

test('cli: `suitecrm package` writes the zip with a new secret and says where to put it; --secret-env reuses the service\'s', async () => {
  const file = join(dir, 'out.zip');
  const a = fakeIo();
  assert.equal(await suitecrmPackage(['--service-url', 'https://tel.example.com/', '--out', file], a.io), 0, a.out.stderr);
  const result = JSON.parse(a.out.stdout) as { file: string; bytes: number; sha256: string; serviceUrl: string; widgetSecret: string };
  assert.equal(result.file, file);
  assert.equal(result.serviceUrl, 'https://tel.example.com');
  assert.match(result.widgetSecret, /^[A-Za-z0-9_-]{43}$/);
  assert.match(a.out.stderr, new RegExp(`CRM_WIDGET_SECRET=${result.widgetSecret}`));
  assert.match(a.out.stderr, /CORS_ORIGINS/);
  // A new secret is news for a running service: said as a warning, with the way to keep the old one.
  assert.match(a.out.stderr, /Warning: this package holds a NEW widget secret\. The phone service must have it/);
  assert.match(a.out.stderr, /--secret-env/);
  assert.doesNotMatch(a.out.stderr, /is set here to another secret/);
  // The install is Install then Commit, and the field goes on the layouts in Studio.
  assert.match(a.out.stderr, /Module Loader -> Upload -> Install, then Commit/);
  assert.match(a.out.stderr, /Studio -> Users -> Layouts -> Edit View and Detail View/);
  const written = readZip(readFileSync(file));
  assert.deepEqual(written.map((e) => e.name), FILES);
  assert.match(written.find((e) => e.name === 'scripts/crm_telephony_install.php')!.data.toString(), new RegExp(result.widgetSecret));

  const b = fakeIo({ CRM_WIDGET_SECRET: `${SECRET},old-secret-old-secret-old-secret-old` });
  assert.equal(await suitecrmPackage(['--service-url', SERVICE, '--secret-env', '--out', file, '--extension-field', 'pbx_ext_c'], b.io), 0, b.out.stderr);
  assert.equal((JSON.parse(b.out.stdout) as { widgetSecret?: string }).widgetSecret, undefined);
  assert.doesNotMatch(b.out.stderr, new RegExp(SECRET));
  assert.doesNotMatch(b.out.stderr, /NEW widget secret/);
  assert.match(b.out.stderr, /holds the service's own secret/);
  const rebuilt = readZip(readFileSync(file));
  assert.match(rebuilt.find((e) => e.name === 'scripts/crm_telephony_install.php')!.data.toString(), new RegExp(`'widget_secret' => '${SECRET}'`));
  assert.match(rebuilt.find((e) => e.name === 'manifest.php')!.data.toString(), /'name' => 'pbx_ext_c'/);

  // Rebuilding where the service's secret is set, but without --secret-env: the clash is spelled out.
  const c = fakeIo({ CRM_WIDGET_SECRET: SECRET });
  assert.equal(await suitecrmPackage(['--service-url', SERVICE, '--out', file], c.io), 0, c.out.stderr);
  assert.match(c.out.stderr, /NEW widget secret/);
  assert.match(c.out.stderr, /Warning: CRM_WIDGET_SECRET is set here to another secret: a service running with it refuses this package's sign-ins\. Use --secret-env/);
  assert.doesNotMatch(c.out.stderr, new RegExp(SECRET));

  const http = fakeIo();
  assert.equal(await suitecrmPackage(['--service-url', 'http://tel.example.com', '--out', file], http.io), 0);
  assert.match(http.out.stderr, /refuse the widget's session cookie over plain http/);
});

test('cli: a missing or wrong option is a usage error (status 2) in words, and nothing is written', async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], {}, /--service-url is required/],
    [['--service-url', 'crm-telephony.example.com'], {}, /is not a URL/],
    [['--service-url', SERVICE, '--secret-env'], {}, /CRM_WIDGET_SECRET is not set/],
    [['--service-url', SERVICE, '--extension-field', 'ext'], {}, /ending in _c/],
    [['--service-url', SERVICE, '--bogus'], {}, /Unknown option/],
  ];
  for (const [args, env, message] of cases) {
    const r = fakeIo(env);
    assert.equal(await suitecrmPackage([...args, '--out', join(dir, 'never.zip')], r.io), 2, args.join(' '));
    assert.match(r.out.stderr, message);
    assert.equal(r.out.stdout, '');
  }
  assert.throws(() => readFileSync(join(dir, 'never.zip')));
  const help = fakeIo();
  assert.equal(await suitecrmPackage(['--help'], help.io), 0);
  assert.match(help.out.stdout, /Module Loader/);
});
