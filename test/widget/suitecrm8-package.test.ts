/**
 * The SuiteCRM 8 package (`crm-telephony suitecrm package --suitecrm 8`,
 * src/crm/suitecrm-package/suitecrm8-sources.ts): the zip's files; the manifest as SuiteCRM 8's
 * legacy Module Loader reads it (8.x accepted, 7.x refused; `copy_core_extensions` copies the
 * extension folder the zip holds; the Users field); and, where php is installed, the PHP: every file
 * lints, the package scanner would accept it, and the extension's two classes, run with stand-ins
 * for the Symfony and SuiteCRM classes they use (the names and methods of SuiteCRM-Core v8.7.1 and
 * Symfony 6), do what they say: the loader goes into the app's page once and nowhere else; the
 * process signs a token our service accepts for the signed-in user, and nothing for anyone else;
 * neither ever throws.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSuiteCrmPackage, packageFiles } from '../../src/crm/suitecrm-package/build-package.ts';
import { verifyWidgetToken } from '../../src/web/auth/crm-sso.ts';
import { suitecrmPackage } from '../../src/cli/suitecrm-package.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { readZip, type ZipEntry } from './support/zip.ts';
import { SCANNER_PHP } from './support/php-scanner.ts';
import { loader8Markup } from './support/hook-markup.ts';

const SECRET = 'pkg8-test-secret_0123456789-abcdefghijklmnop';
const SERVICE = 'https://crm-telephony.example.com';
const PUBLISHED = new Date(Date.UTC(2026, 11, 7, 12, 0, 0));
const CARLA = '293e56cb-e109-2ffb-923c-6b155998c0b9';
const EXT = 'extensions/crmTelephony';
const FILES = ['manifest.php', 'README.txt', `${EXT}/backend/WidgetLoaderSubscriber.php`, `${EXT}/backend/WidgetTokenProcess.php`, `${EXT}/config/crm_telephony.php`, 'language/Users/en_us.crm_telephony.php'];
/** SuiteCRM 8.7.1's index.html as it answered GET / (test/fixtures/suitecrm8-api/06_root_angular_app_index.json). */
const INDEX_HTML = (JSON.parse(readFileSync(new URL('../fixtures/suitecrm8-api/06_root_angular_app_index.json', import.meta.url), 'utf8')) as { response: { body_text: string } }).response.body_text;

const PHP = spawnSync('php', ['-v'], { encoding: 'utf8' }).status === 0;
const needsPhp = PHP ? {} : { skip: 'php is not installed here (apt-get install php-cli; .ci/run does)' };

let entries: ZipEntry[];
let dir: string;

before(async () => {
  entries = readZip(await buildSuiteCrmPackage({ suitecrm: 8, serviceUrl: SERVICE, secret: SECRET, version: '1.2.3', publishedAt: PUBLISHED }));
  dir = mkdtempSync(join(tmpdir(), 'crmt-pkg8-'));
  for (const e of entries) {
    mkdirSync(dirname(join(dir, 'pkg', e.name)), { recursive: true });
    writeFileSync(join(dir, 'pkg', e.name), e.data);
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

function php(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('php', ['-d', 'display_errors=stderr', '-d', 'log_errors=0', '-d', 'error_reporting=-1', ...args], { encoding: 'utf8', input, cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const text = (name: string): string => entries.find((e) => e.name === name)!.data.toString('utf8');

test('SuiteCRM 8 zip: the manifest, a readme, the extension (two classes and its settings) and the label, nothing else; the secret only in the settings', () => {
  assert.deepEqual(entries.map((e) => e.name), FILES);
  for (const e of entries) assert.match(e.name, /\.(php|txt)$/, 'the scanner accepts only these types (and no .yaml)');
  const files = packageFiles({ suitecrm: 8, serviceUrl: SERVICE, secret: SECRET, version: '1.2.3', publishedAt: PUBLISHED });
  for (const f of files) assert.equal(text(f.path), f.content, f.path);
  assert.deepEqual(entries.filter((e) => e.data.includes(SECRET)).map((e) => e.name), [`${EXT}/config/crm_telephony.php`]);
  // No after_ui_frame hook: on SuiteCRM 8 it would run only inside the legacy iframes.
  assert.ok(!entries.some((e) => e.data.includes('after_ui_frame')));
});

test('SuiteCRM 8 README: Administration -> Module Loader, Commit, Studio, the secret, CORS; how to change the settings', () => {
  const r = text('README.txt');
  assert.match(r, /Administration -> Module Loader -> Upload this zip -> Install/);
  assert.match(r, /press Commit/);
  assert.match(r, /Studio -> Users -> Layouts/);
  assert.match(r, /CRM_WIDGET_SECRET/);
  assert.match(r, /CORS_ORIGINS/);
  assert.match(r, /php bin\/console cache:clear/);
});

test('php: every PHP file of the SuiteCRM 8 package lints, and the package scanner finds nothing to refuse', needsPhp, () => {
  for (const name of FILES.filter((f) => f.endsWith('.php'))) {
    const r = php(['-l', join('pkg', name)]);
    assert.equal(r.status, 0, `${name}: ${r.stdout}${r.stderr}`);
  }
  writeFileSync(join(dir, 'scanner.php'), SCANNER_PHP);
  const r = php(['scanner.php', ...FILES.filter((f) => f.endsWith('.php')).map((f) => join('pkg', f))]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
  writeFileSync(join(dir, 'bad.php'), '<?php $f = "x"; $f(); file_exists("a"); echo `id`;');
  assert.deepEqual(JSON.parse(php(['scanner.php', 'bad.php']).stdout), ['bad.php: variable function $f()', 'bad.php: file_exists()', 'bad.php: echo', 'bad.php: backtick']);
});

test('php: the manifest: SuiteCRM 8.7.1 accepted, 7.14.6 refused; copy_core_extensions copies the zip\'s extension folder; the Users field and its label', needsPhp, () => {
  const r = php([
    '-r',
    `include 'pkg/manifest.php';
     $ok = function ($m, $v) { foreach ($m['regex_matches'] as $re) { if (preg_match("/$re/", $v)) { return true; } } return false; };
     echo json_encode(array('installdefs' => $installdefs, 'suite871' => $ok($manifest['acceptable_suitecrm_versions'], '8.7.1'),
       'suite7' => $ok($manifest['acceptable_suitecrm_versions'], '7.14.6'), 'sugar' => $ok($manifest['acceptable_sugar_versions'], '6.5.25')));`,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout) as { installdefs: { id: string; copy_core_extensions: { from: string; to: string }[]; custom_fields: Record<string, unknown>[]; language: unknown[]; copy?: unknown; logic_hooks?: unknown }; suite871: boolean; suite7: boolean; sugar: boolean };
  assert.deepEqual([out.suite871, out.suite7, out.sugar], [true, false, true]);
  const d = out.installdefs;
  assert.equal(d.id, 'crm_telephony_suitecrm8');
  // ModuleInstaller::install_copy_core_extensions: 'to' is relative to <SuiteCRM>/extensions/.
  assert.deepEqual(d.copy_core_extensions, [{ from: '<basepath>/extensions/crmTelephony', to: 'crmTelephony' }]);
  for (const f of FILES.filter((x) => x.startsWith(`${EXT}/`))) assert.ok(f.startsWith(`${d.copy_core_extensions[0]!.from.replace('<basepath>/', '')}/`), f);
  assert.equal(d.copy, undefined);
  assert.equal(d.logic_hooks, undefined);
  assert.deepEqual(
    d.custom_fields.map((f) => [f['name'], f['module'], f['type'], f['max_size'], f['label']]),
    [['asterisk_ext_c', 'Users', 'varchar', 100, 'LBL_ASTERISK_EXT']],
  );
  assert.deepEqual(d.language, [{ from: '<basepath>/language/Users/en_us.crm_telephony.php', to_module: 'Users', language: 'en_us' }]);
});

/** Stand-ins for what the extension's classes use, with the names of Symfony 6 and SuiteCRM-Core v8.7.1. */
const STUBS = `<?php
namespace Psr\\Log { interface LoggerInterface {} }
namespace Symfony\\Component\\DependencyInjection\\ParameterBag { interface ParameterBagInterface {} }
namespace Symfony\\Component\\EventDispatcher { interface EventSubscriberInterface { public static function getSubscribedEvents(); } }
namespace Symfony\\Component\\HttpKernel { final class KernelEvents { const RESPONSE = 'kernel.response'; } }
namespace Symfony\\Component\\HttpKernel\\Event { class ResponseEvent {
  public $main; public $request; public $response;
  public function isMainRequest(): bool { return $this->main; } public function getRequest() { return $this->request; } public function getResponse() { return $this->response; } } }
namespace Symfony\\Component\\HttpFoundation { class RequestStack { public $main; public function getMainRequest() { return $this->main; } } }
namespace Symfony\\Component\\Security\\Core\\Authentication\\Token\\Storage { interface TokenStorageInterface {} }
namespace App\\Process\\Entity { class Process { public $id; public $async; public $status; public $messages; public $data;
  public function setId($v) { $this->id = $v; return $this; } public function setAsync($v) { $this->async = $v; return $this; }
  public function setStatus($v) { $this->status = $v; return $this; } public function setMessages($v) { $this->messages = $v; return $this; }
  public function setData($v) { $this->data = $v; return $this; } } }
namespace App\\Process\\Service { use App\\Process\\Entity\\Process; interface ProcessHandlerInterface {
  public function getProcessType(): string; public function requiredAuthRole(): string; public function getRequiredACLs(Process $process): array;
  public function configure(Process $process): void; public function validate(Process $process): void; public function run(Process $process); } }
namespace App\\Module\\Users\\Entity { class User { public $id; public $group = false; public $portal = false;
  public function getId(): ?string { return $this->id; } public function getIsGroup(): ?bool { return $this->group; } public function getPortalOnly(): ?bool { return $this->portal; } } }
namespace {
class Params implements Symfony\\Component\\DependencyInjection\\ParameterBag\\ParameterBagInterface { public $p; public function __construct($p) { $this->p = $p; }
  public function has($k) { return array_key_exists($k, $this->p); } public function get($k) { if ($this->p[$k] === '__throw__') { throw new RuntimeException('x'); } return $this->p[$k]; } }
class Log implements Psr\\Log\\LoggerInterface { public $errors = array(); public $warnings = array(); public function error($m, array $c = array()) { $this->errors[] = $m; } public function warning($m, array $c = array()) { $this->warnings[] = $m; } }
class Headers { public $h; public function __construct($h) { $this->h = $h; } public function get($k, $d = null) { return $this->h[$k] ?? $d; } }
class Attributes { public $a; public function __construct($a) { $this->a = $a; } public function get($k, $d = null) { return $this->a[$k] ?? $d; } }
class Session { public $s; public function __construct($s) { $this->s = $s; } public function get($k, $d = null) { return $this->s[$k] ?? $d; } }
class Request { public $method; public $attributes; public $session;
  public function getMethod() { return $this->method; } public function hasSession() { return $this->session !== null; } public function getSession() { return $this->session; } }
class Response { public $status; public $headers; public $content;
  public function getStatusCode() { return $this->status; } public function getContent() { return $this->content; } public function setContent($c) { $this->content = $c; return $this; } }
class Token { public $user; public function getUser() { return $this->user; } }
class Tokens implements Symfony\\Component\\Security\\Core\\Authentication\\Token\\Storage\\TokenStorageInterface { public $token; public function getToken() { return $this->token; } }
}
`;

const HARNESS = `<?php
require 'stubs.php';
require 'pkg/${EXT}/backend/WidgetLoaderSubscriber.php';
require 'pkg/${EXT}/backend/WidgetTokenProcess.php';
$in = json_decode(file_get_contents('php://stdin'), true);
$container = new class { public $p = array(); public function setParameter($k, $v) { $this->p[$k] = $v; } };
require 'pkg/${EXT}/config/crm_telephony.php';
$params = new Params($in['params'] ?? $container->p);
$log = new Log();
$out = array();
if ($in['case'] === 'page') {
  $request = new Request(); $request->method = $in['method'] ?? 'GET'; $request->attributes = new Attributes(array('_route' => array_key_exists('route', $in) ? $in['route'] : 'index'));
  $response = new Response(); $response->status = $in['status'] ?? 200; $response->headers = new Headers(array('Content-Type' => $in['type'] ?? 'text/html; charset=UTF-8')); $response->content = $in['html'];
  $event = new Symfony\\Component\\HttpKernel\\Event\\ResponseEvent(); $event->main = $in['main'] ?? true; $event->request = $request; $event->response = $response;
  $s = new App\\Extension\\crmTelephony\\backend\\WidgetLoaderSubscriber($params, $log);
  $out['events'] = App\\Extension\\crmTelephony\\backend\\WidgetLoaderSubscriber::getSubscribedEvents();
  $s->onResponse($event);
  if (!empty($in['twice'])) { $s->onResponse($event); }
  $out['html'] = $response->content;
} else {
  $tokens = new Tokens();
  if ($in['user'] === 'anon') { $tokens->token = new Token(); $tokens->token->user = 'anon.'; }
  elseif ($in['user'] === 'foreign') { $tokens->token = new Token(); $tokens->token->user = new ArrayObject(); }
  elseif ($in['user'] !== null) { $u = new App\\Module\\Users\\Entity\\User(); foreach ($in['user'] as $k => $v) { $u->$k = $v; } $tokens->token = new Token(); $tokens->token->user = $u; }
  $stack = new Symfony\\Component\\HttpFoundation\\RequestStack();
  $stack->main = new Request(); $stack->main->session = array_key_exists('session', $in) ? ($in['session'] === null ? null : new Session($in['session'])) : new Session(array());
  $h = new App\\Extension\\crmTelephony\\backend\\WidgetTokenProcess($params, $tokens, $stack, $log);
  $p = new App\\Process\\Entity\\Process();
  $h->validate($p); $h->configure($p); $h->run($p);
  $out['type'] = $h->getProcessType(); $out['role'] = $h->requiredAuthRole(); $out['acls'] = $h->getRequiredACLs($p);
  $out['process'] = array('id' => $p->id, 'async' => $p->async, 'status' => $p->status, 'messages' => $p->messages, 'data' => $p->data);
}
$out['errors'] = $log->errors;
$out['warnings'] = $log->warnings;
$out['time'] = time();
echo json_encode($out);
`;

function run(input: Record<string, unknown>): Record<string, unknown> & { errors: string[]; time: number } {
  writeFileSync(join(dir, 'stubs.php'), STUBS);
  writeFileSync(join(dir, 'harness.php'), HARNESS);
  const r = php(['harness.php'], JSON.stringify(input));
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.equal(r.stderr, '', 'no notices or warnings');
  return JSON.parse(r.stdout) as Record<string, unknown> & { errors: string[]; time: number };
}

const LOADER_MARKUP = loader8Markup(SERVICE);

test('php: the subscriber puts the loader into the app\'s page once, before </body>, after Symfony\'s ResponseListener; no user, no token in it', needsPhp, () => {
  const out = run({ case: 'page', html: INDEX_HTML, twice: true });
  assert.deepEqual(out['events'], { 'kernel.response': ['onResponse', -16] });
  assert.equal(out['html'], INDEX_HTML.replace('</body>', `${LOADER_MARKUP}</body>`));
  assert.deepEqual(out.errors, []);
  // The sign-in page (/auth) is the same index.html: a sign-in there does not reload the page.
  assert.equal(run({ case: 'page', html: INDEX_HTML, route: 'nativeAuth' })['html'], INDEX_HTML.replace('</body>', `${LOADER_MARKUP}</body>`));
});

test('php: nothing is added anywhere else, nor without usable settings, and nothing throws', needsPhp, () => {
  const untouched: Record<string, unknown>[] = [
    { route: 'logged-out' },
    { route: 'app_login' },
    { route: null },
    { method: 'POST' },
    { main: false },
    { status: 500 },
    { type: 'application/json' },
    { html: '{"no":"body"}' },
    { params: {} },
    { params: { 'crm_telephony.service_url': 'javascript:alert(1)' } },
    { params: { 'crm_telephony.service_url': 'https://x.example.com/"><script>' } },
    { params: { 'crm_telephony.service_url': 42 } },
  ];
  for (const c of untouched) {
    const html = (c['html'] as string | undefined) ?? INDEX_HTML;
    const out = run({ case: 'page', html, ...c });
    assert.equal(out['html'], html, JSON.stringify(c));
    assert.deepEqual(out.errors, [], JSON.stringify(c));
  }
  const broken = run({ case: 'page', html: INDEX_HTML, params: { 'crm_telephony.service_url': '__throw__' } });
  assert.equal(broken['html'], INDEX_HTML);
  assert.deepEqual(broken.errors, ['crm-telephony widget loader skipped: RuntimeException']);
  const refused = run({ case: 'process', user: { id: CARLA }, params: { 'crm_telephony.widget_secret': '__throw__' } }) as unknown as ProcessOut;
  assert.equal(refused.process.status, 'error');
  assert.deepEqual(refused.errors, ['crm-telephony widget token refused: RuntimeException']);
});

interface ProcessOut {
  type: string;
  role: string;
  acls: unknown[];
  process: { id: string; async: boolean; status: string; messages: unknown[]; data: { user: string; language: string; token: string } | null };
  errors: string[];
  time: number;
}

test('php: the process signs, for the signed-in user, a token our service accepts, with the language chosen at sign-in', needsPhp, () => {
  const out = run({ case: 'process', user: { id: CARLA }, session: { ui_language: 'ru_RU' } }) as unknown as ProcessOut;
  assert.equal(out.type, 'crm-telephony-widget-token');
  assert.equal(out.role, 'ROLE_USER', 'SuiteCRM runs it only for a signed-in user');
  assert.deepEqual(out.acls, []);
  assert.equal(out.process.id, 'crm-telephony-widget-token');
  assert.equal(out.process.async, false);
  assert.equal(out.process.status, 'success');
  assert.deepEqual(out.errors, []);
  const data = out.process.data!;
  assert.equal(data.user, CARLA);
  assert.equal(data.language, 'ru_RU');
  const checked = verifyWidgetToken(data.token, { secrets: [SECRET], now: out.time * 1000 });
  assert.ok(checked.ok, JSON.stringify(checked));
  assert.equal(checked.userId, CARLA);
  assert.equal(checked.expiresAt, out.time + 300);
});

test('php: no token for nobody, an anonymous token, group and portal users, odd ids or without the secret; odd languages are dropped', needsPhp, () => {
  const refused: Record<string, unknown>[] = [
    { user: null },
    { user: 'anon' },
    { user: { id: CARLA, group: true } },
    { user: { id: CARLA, portal: true } },
    { user: { id: 'a.b' } },
    { user: { id: '' } },
    { user: { id: CARLA }, params: {} },
    { user: { id: CARLA }, params: { 'crm_telephony.widget_secret': 'short' } },
  ];
  for (const c of refused) {
    const out = run({ case: 'process', ...c }) as unknown as ProcessOut;
    assert.equal(out.process.status, 'error', JSON.stringify(c));
    assert.equal(out.process.data, null, JSON.stringify(c));
  }
  // Signed in as a class that is not SuiteCRM's user (a release that renamed it): no token, and SuiteCRM's log says why.
  const foreign = run({ case: 'process', user: 'foreign' }) as unknown as ProcessOut & { warnings: string[] };
  assert.equal(foreign.process.data, null);
  assert.match(foreign.warnings.join('\n'), /the signed-in user is a ArrayObject, not App\\Module\\Users\\Entity\\User; update the crm-telephony package/);
  for (const [session, language] of [[{ ui_language: '"><x' }, ''], [{}, ''], [null, ''], [{ ui_language: 'en_us' }, 'en_us']] as const) {
    const out = run({ case: 'process', user: { id: CARLA }, session }) as unknown as ProcessOut;
    assert.equal(out.process.status, 'success');
    assert.equal(out.process.data!.language, language, JSON.stringify(session));
  }
});

test('cli: --suitecrm 8 writes the SuiteCRM 8 package and says where to install it; anything but 7 or 8 is refused', async () => {
  const io = (): CliIo & { out: { stdout: string; stderr: string } } => {
    const out = { stdout: '', stderr: '' };
    return { env: {}, stdout: { write: (s: string) => ((out.stdout += s), true) }, stderr: { write: (s: string) => ((out.stderr += s), true) }, out } as unknown as CliIo & { out: typeof out };
  };
  const a = io();
  const file = join(dir, 'sc8.zip');
  assert.equal(await suitecrmPackage(['--service-url', SERVICE, '--suitecrm', '8', '--out', file], a), 0, a.out.stderr);
  assert.match(a.out.stderr, /SuiteCRM 8: Administration -> Module Loader -> Upload -> Install, then Commit/);
  const names = readZip((await import('node:fs')).readFileSync(file)).map((e) => e.name);
  assert.deepEqual(names, FILES);
  const b = io();
  assert.equal(await suitecrmPackage(['--service-url', SERVICE, '--suitecrm', '9'], b), 2);
  assert.match(b.out.stderr, /--suitecrm must be 7 or 8/);
});
