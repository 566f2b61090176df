/**
 * Issue 18's "Done when", against a real SuiteCRM 8.7.1 and a real Asterisk with a real SIP call,
 * in a real Chromium (not part of `npm test`: CI has neither). In order:
 *
 * 1. the agent's extension in SuiteCRM is set to the PBX's (API v8 PATCH of Users; put back at the end);
 * 2. `crm-telephony suitecrm sync` with the site root indexes users (with extensions), accounts,
 *    contacts and leads into a temporary SQLite store;
 * 3. our service runs on a free port (SuiteCRM, the PBX, call logging, recordings from the PBX's
 *    monitor folder) and the installed SuiteCRM 8 package is pointed at it (its
 *    `extensions/crmTelephony/config/crm_telephony.php`, then `cache:clear`; put back at the end);
 * 4. the agent signs in to SuiteCRM 8 in Chromium and opens the contact's record page;
 * 5. a real call from the contact's number rings the agent: the widget's pop names the contact and
 *    links to its SuiteCRM 8 record;
 * 6. the ended call is written into SuiteCRM's Calls, linked to the contact, and shown in the
 *    contact's History subpanel;
 * 7. the widget's "Phone calls" panel lists it and plays its recording.
 *
 * Any failed check ends it with a non-zero exit and what failed; everything is put back either way.
 *
 *   REAL_SUITECRM_CLIENT_ID=... REAL_SUITECRM_CLIENT_SECRET=... REAL_SUITECRM_AGENT_PASSWORD=... \
 *   npx tsx scripts/real-suitecrm8-check.ts
 *
 * Required (secrets, never in the repository):
 *   REAL_SUITECRM_CLIENT_ID, REAL_SUITECRM_CLIENT_SECRET  an OAuth2 client_credentials client (acts as admin)
 *   REAL_SUITECRM_AGENT_PASSWORD                          the agent's SuiteCRM password (UI sign-in)
 * Optional (defaults fit the lab at /opt/suitecrm8 and /opt/asterisk-peer):
 *   REAL_SUITECRM_URL (http://127.0.0.1:8081: the site root), REAL_SUITECRM_APP (/opt/suitecrm8/app:
 *   where the package is installed), REAL_SUITECRM_AGENT (agent201), REAL_SUITECRM_AGENT_ID and
 *   REAL_SUITECRM_CONTACT_ID (else U1 and C1 of REAL_SUITECRM_FIXTURE, /opt/suitecrm8/fixture_ids.json;
 *   the contact must have REAL_SUITECRM_CALLER among its phones and the agent as its owner),
 *   REAL_SUITECRM_CALLER (+74951234567), REAL_SUITECRM_CONTACT_NAME (Ivan Petrov), REAL_SUITECRM_WEB_USER
 *   (www-data: who runs SuiteCRM's console), REAL_PBX_EXTENSION (101: the phone the DID rings),
 *   REAL_PBX_START / REAL_PBX_STOP, REAL_PBX_CALL (as in real-pbx-check.ts, with {caller}, {name},
 *   {answer}, {talk}), REAL_PBX_AMI_PORT (5038), REAL_PBX_AMI_SECRET (crmsecret), REAL_PBX_CDR_CSV,
 *   REAL_PBX_RECORDINGS, CHROMIUM (/usr/bin/chromium), REAL_SUITECRM_SCREENSHOTS (docs/screenshots).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openStore } from '../src/store/store.ts';
import { Directory } from '../src/directory/directory.ts';
import { instances, launch, signInWithCsrf, until, type Instance } from '../test/cluster/support.ts';

const env = process.env;
function required(name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Set ${name} (see the comment at the top of scripts/real-suitecrm8-check.ts).`);
  return value;
}
const fixture = (key: string): string | undefined => {
  const file = env['REAL_SUITECRM_FIXTURE'] ?? '/opt/suitecrm8/fixture_ids.json';
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)[key] : undefined;
};

const SITE = (env['REAL_SUITECRM_URL'] ?? 'http://127.0.0.1:8081').replace(/\/+$/, '');
const APP = env['REAL_SUITECRM_APP'] ?? '/opt/suitecrm8/app';
const PACKAGE_CONFIG = join(APP, 'extensions/crmTelephony/config/crm_telephony.php');
const WEB_USER = env['REAL_SUITECRM_WEB_USER'] ?? 'www-data';
const AGENT = env['REAL_SUITECRM_AGENT'] ?? 'agent201';
const CALLER = env['REAL_SUITECRM_CALLER'] ?? '+74951234567';
const CONTACT_NAME = env['REAL_SUITECRM_CONTACT_NAME'] ?? 'Ivan Petrov';
const EXTENSION = env['REAL_PBX_EXTENSION'] ?? '101';
const PBX_START = env['REAL_PBX_START'] ?? '/opt/asterisk-peer/start.sh 1';
const PBX_STOP = env['REAL_PBX_STOP'] ?? '/opt/asterisk-peer/stop.sh all';
const CALL = env['REAL_PBX_CALL'] ?? "/opt/asterisk-peer/call.sh -i 1 -d 5550100 -c '{caller}' -n '{name}' -a {answer} -t {talk}";
const AMI_PORT = env['REAL_PBX_AMI_PORT'] ?? '5038';
const AMI_SECRET = env['REAL_PBX_AMI_SECRET'] ?? 'crmsecret';
const CDR_CSV = env['REAL_PBX_CDR_CSV'] ?? '/opt/asterisk-peer/var/log/asterisk/cdr-csv/Master.csv';
const RECORDINGS = env['REAL_PBX_RECORDINGS'] ?? '/opt/asterisk-peer/var/spool/asterisk/monitor';
const CHROMIUM = env['CHROMIUM'] ?? '/usr/bin/chromium';
const SHOTS = env['REAL_SUITECRM_SCREENSHOTS'] ?? 'docs/screenshots';
const ANSWER_S = 4;
const TALK_S = 8;

/** Every check, with what was measured, for the summary (and the failure message). */
const results: [check: string, measured: string][] = [];
function passed(check: string, measured: string): void {
  results.push([check, measured]);
  console.log(`ok  ${check}: ${measured}`);
}

/** API v8 as the OAuth2 client (an administrator): the checks read SuiteCRM as it is, not as we saw it. */
class V8 {
  #token: string | null = null;
  constructor(readonly id: string, readonly secret: string) {}

  async #bearer(): Promise<string> {
    if (this.#token) return this.#token;
    const res = await fetch(`${SITE}/legacy/Api/access_token`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: this.id, client_secret: this.secret }) });
    assert.equal(res.status, 200, `SuiteCRM's token endpoint (${SITE}/legacy/Api/access_token) refused the client: ${await res.clone().text()}`);
    this.#token = ((await res.json()) as { access_token: string }).access_token;
    return this.#token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${SITE}/legacy/Api/V8/${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.#bearer()}`, accept: 'application/vnd.api+json', 'content-type': 'application/vnd.api+json', 'cache-control': 'no-cache' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `API v8 ${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  async extensionOf(userId: string): Promise<string | null> {
    const r = await this.request<{ data: { attributes: Record<string, string | null> } }>('GET', `module/Users/${userId}?fields[Users]=asterisk_ext_c`);
    return r.data.attributes['asterisk_ext_c'] ?? null;
  }

  setExtension(userId: string, extension: string): Promise<unknown> {
    return this.request('PATCH', 'module', { data: { type: 'Users', id: userId, attributes: { asterisk_ext_c: extension } } });
  }

  /** The ids of the Calls linked to a contact (SuiteCRM answers an empty link with a message and no data). */
  async callsOf(contactId: string): Promise<string[]> {
    const r = await this.request<{ data?: { id: string }[] }>('GET', `module/Contacts/${contactId}/relationships/calls`);
    return (r.data ?? []).map((c) => c.id);
  }

  async call(id: string): Promise<Record<string, string>> {
    return (await this.request<{ data: { attributes: Record<string, string> } }>('GET', `module/Calls/${id}`)).data.attributes;
  }
}

function sh(command: string, what: string, asUser?: string): string {
  const r = asUser ? spawnSync('su', [asUser, '-s', '/bin/sh', '-c', command], { encoding: 'utf8' }) : spawnSync('bash', ['-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${command}\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** The package reads its settings when Symfony's container is built: empty the cache after each edit. */
function clearSuiteCrmCache(): void {
  sh(`cd '${APP}' && php bin/console cache:clear`, "SuiteCRM's cache:clear", WEB_USER);
}

function packageSetting(php: string, name: string): string {
  const m = new RegExp(`setParameter\\('crm_telephony\\.${name}',\\s*'([^']*)'\\)`).exec(php);
  if (!m) throw new Error(`${PACKAGE_CONFIG} has no crm_telephony.${name}: is the SuiteCRM 8 package installed?`);
  return m[1]!;
}

/** One real call in the background; resolves with sipp's output when it is over. */
function placeCall(caller: string, name: string, answerS: number, talkS: number): Promise<string> {
  const command = CALL.replaceAll('{caller}', caller).replaceAll('{name}', name).replaceAll('{answer}', String(answerS)).replaceAll('{talk}', String(talkS));
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`the call command failed (${code}):\n${out}`))));
  });
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.goto(`${SITE}/#/Login`, { waitUntil: 'networkidle', timeout: 120_000 });
  await page.locator('input[name="username"]').first().fill(AGENT);
  await page.locator('input[name="password"]').first().fill(password);
  await page.click('#login-button');
  await page.waitForURL(/#\/home/, { timeout: 120_000 });
}

async function openRecord(page: Page, contactId: string): Promise<void> {
  await page.goto(`${SITE}/#/contacts/record/${contactId}`, { waitUntil: 'networkidle', timeout: 120_000 });
  // Angular does not reload on a hash change: reload so that the page is built afresh.
  await page.reload({ waitUntil: 'networkidle', timeout: 120_000 });
  await page.waitForSelector('.crmt-calls', { timeout: 60_000 });
}

async function main(): Promise<void> {
  const v8 = new V8(required('REAL_SUITECRM_CLIENT_ID'), required('REAL_SUITECRM_CLIENT_SECRET'));
  const agentPassword = required('REAL_SUITECRM_AGENT_PASSWORD');
  const agentId = env['REAL_SUITECRM_AGENT_ID'] ?? fixture('U1') ?? required('REAL_SUITECRM_AGENT_ID');
  const contactId = env['REAL_SUITECRM_CONTACT_ID'] ?? fixture('C1') ?? required('REAL_SUITECRM_CONTACT_ID');
  const dir = mkdtempSync(join(tmpdir(), 'real-suitecrm8-'));
  const packageBefore = readFileSync(PACKAGE_CONFIG, 'utf8');
  const widgetSecret = packageSetting(packageBefore, 'widget_secret');
  const suitecrm = { SUITECRM_URL: SITE, SUITECRM_CLIENT_ID: v8.id, SUITECRM_CLIENT_SECRET: v8.secret };

  let extensionBefore: string | null | undefined;
  let packageChanged = false;
  let service: Instance | undefined;
  let browser: Browser | undefined;
  const undo: [string, () => Promise<unknown> | unknown][] = [];
  try {
    sh(PBX_START, 'starting the PBX');
    undo.push(['stopping the PBX', () => sh(PBX_STOP, 'stopping the PBX')]);

    // 1. The agent answers on the PBX's extension.
    extensionBefore = await v8.extensionOf(agentId);
    await v8.setExtension(agentId, EXTENSION);
    undo.push(["putting the agent's extension back", async () => v8.setExtension(agentId, extensionBefore ?? '')]);
    const extensionNow = await v8.extensionOf(agentId);
    assert.equal(extensionNow, EXTENSION, `API v8 PATCH of Users did not change asterisk_ext_c (it reads ${extensionNow}): set ${AGENT}'s "Phone extension" to ${EXTENSION} by hand (Profile, or Administration -> User Management) and run again`);
    passed(`${AGENT}'s asterisk_ext_c through API v8 PATCH`, `${extensionBefore} -> ${extensionNow}`);

    // 2. The sync command with the site root.
    const syncDb = join(dir, 'sync.sqlite');
    const sync = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/crm-telephony.js', import.meta.url)), 'suitecrm', 'sync'], { env: { ...env, ...suitecrm, DATABASE_URL: syncDb, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 120_000 });
    console.log(sync.stdout.trim());
    assert.equal(sync.status, 0, `crm-telephony suitecrm sync failed:\n${sync.stdout}${sync.stderr}`);
    const synced = await openStore({ url: syncDb });
    try {
      const count = async (table: 'accounts' | 'contacts' | 'leads') => Number((await synced.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const users = (await new Directory(synced, { defaultRegion: 'US' }).listUsers()).filter((u) => u.login.startsWith('suitecrm:'));
      const agent = users.find((u) => u.login === `suitecrm:${agentId}`);
      const counts = { users: users.length, accounts: await count('accounts'), contacts: await count('contacts'), leads: await count('leads') };
      assert.ok(agent, `the sync brought no user suitecrm:${agentId}`);
      assert.deepEqual(agent.extensions, [EXTENSION], `the agent's extensions after the sync`);
      for (const [what, n] of Object.entries(counts)) assert.ok(n > 0, `the sync brought no ${what}`);
      passed('crm-telephony suitecrm sync (SUITECRM_URL = the site root)', `${counts.users} users (${agent.name} -> ${agent.extensions.join(',')}), ${counts.accounts} accounts, ${counts.contacts} contacts, ${counts.leads} leads`);
    } finally {
      await synced.close();
    }

    // 3. Our service, and the package pointed at it.
    service = await launch('service', {
      ...suitecrm,
      DATABASE_URL: join(dir, 'service.sqlite'),
      AMI_HOST: '127.0.0.1',
      AMI_PORT,
      AMI_USERNAME: 'crm',
      AMI_SECRET,
      AMI_AUTH: 'md5',
      TRUNK_ENDPOINTS: 'carrier',
      CDR_SOURCE: 'csv',
      CDR_CSV_PATH: CDR_CSV,
      RECORDINGS_PBX_DIR: RECORDINGS,
      RECORDINGS_LOCAL_DIR: RECORDINGS,
      SUITECRM_LOG_CALLS: 'true',
      CRM_WIDGET_SECRET: widgetSecret,
      CORS_ORIGINS: SITE,
      LOG_LEVEL: env['REAL_SUITECRM_DIAG'] ? 'debug' : 'warn',
    });
    const serviceUrl = service.url;
    undo.push(['stopping the service', () => service?.child.kill('SIGTERM')]);
    writeFileSync(PACKAGE_CONFIG, packageBefore.replace(/(setParameter\('crm_telephony\.service_url',\s*')[^']*('\))/, `$1${serviceUrl}$2`));
    packageChanged = true;
    undo.push(["putting the package's settings back", () => (writeFileSync(PACKAGE_CONFIG, packageBefore), clearSuiteCrmCache())]);
    clearSuiteCrmCache();
    const shell = await (await fetch(`${SITE}/`)).text();
    assert.ok(shell.includes(`data-service="${serviceUrl}"`), `SuiteCRM's page does not load the widget from ${serviceUrl} after the settings changed (is the package installed and the cache cleared?)`);
    passed('the package points at our service', `${PACKAGE_CONFIG}: service_url ${serviceUrl}; GET / carries the loader`);
    // The service's own first sync must know the agent's extension before the call rings.
    const admin = await signInWithCsrf(service, 'admin', 'admin-password');
    await until(async () => {
      const r = (await (await fetch(`${serviceUrl}/api/admin/users`, { headers: { cookie: admin.cookie } })).json()) as { users: { login: string; extensions: string[] }[] };
      return r.users.some((u) => u.login === `suitecrm:${agentId}` && u.extensions.includes(EXTENSION)) || undefined;
    }, `the service's own sync to give ${AGENT} extension ${EXTENSION}`, 60_000);

    // 4. The agent in SuiteCRM 8, on the contact.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'] });
    undo.push(['closing Chromium', () => browser?.close()]);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const served: { url: string; status: number; type: string }[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(serviceUrl)) served.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] ?? '' });
    });
    await signIn(page, agentPassword);
    await openRecord(page, contactId);
    await page.waitForSelector('scrm-dynamic-field.dynamic-field-type-phone .crmt-call', { timeout: 30_000 });
    const buttons = await page.locator('.crmt-call').count();
    passed(`the widget on #/contacts/record/<${CONTACT_NAME}> as ${AGENT}`, `${buttons} call buttons on phone fields, the Phone calls panel`);
    const callsBefore = await v8.callsOf(contactId);

    // 5. A real call from the contact's number: the pop on the SuiteCRM page.
    const startedAt = Date.now();
    const call = placeCall(CALLER, CONTACT_NAME.toUpperCase(), ANSWER_S, TALK_S);
    call.catch(() => undefined); // awaited below; a check failing before then must not make it unhandled
    // Watched from the start: the outbox may write the Call before sipp has finished its BYE.
    let loggedAt = 0;
    const logged = until(async () => {
      const id = (await v8.callsOf(contactId)).find((i) => !callsBefore.includes(i));
      if (id) loggedAt = Date.now();
      return id;
    }, "the call in SuiteCRM's Calls, linked to the contact", 120_000);
    logged.catch(() => undefined);
    const pop = page.locator('.crmt-pop').filter({ hasText: CONTACT_NAME }).first();
    await pop.waitFor({ timeout: 20_000 }).catch(async (err: unknown) => {
      console.error('service output:\n' + service?.output.join(''));
      throw new Error(`no pop with ${CONTACT_NAME} on the SuiteCRM page within 20 s of the call (${String(err)})`);
    });
    const popMs = Date.now() - startedAt;
    const popState = (await pop.getAttribute('class')) ?? '';
    assert.match(popState, /crmt-pop--ringing/, 'the pop is in the ringing state');
    const href = await pop.locator('a.crmt-candidate-name', { hasText: CONTACT_NAME }).first().evaluate((a) => (a as HTMLAnchorElement).href);
    assert.equal(href, `${SITE}/#/contacts/record/${contactId}`, "the pop's link to the contact");
    assert.ok(Date.now() - startedAt < ANSWER_S * 1000, `the pop came ${popMs} ms after the call began, after it was answered (${ANSWER_S} s)`);
    await page.screenshot({ path: join(SHOTS, 'suitecrm8-done-pop.png') });
    passed('the pop while it rings', `${popMs} ms after the call began (${popState.replace('crmt-pop ', '')}); link ${href}`);
    const linkPage = await context.newPage();
    await linkPage.goto(href, { waitUntil: 'networkidle', timeout: 60_000 });
    await linkPage.getByText(CONTACT_NAME).first().waitFor({ timeout: 30_000 });
    passed("the pop's link opens the SuiteCRM 8 record", `${linkPage.url()} shows ${CONTACT_NAME}`);
    await linkPage.close();

    // 6. The ended call in SuiteCRM's Calls, linked to the contact, in its History.
    await call;
    const endedAt = Date.now();
    const callId = await logged;
    const loggedMs = loggedAt - endedAt;
    const c = await v8.call(callId);
    const talk = Number(/Talk: (\d+) s/.exec(c['description'] ?? '')?.[1]);
    assert.equal(c['direction'], 'Inbound', 'direction');
    assert.equal(c['status'], 'Held', 'status');
    assert.equal(c['assigned_user_id'], agentId, `assigned to ${AGENT}`);
    assert.equal(Number(c['duration_hours']) * 60 + Number(c['duration_minutes']), Math.floor(talk / 60), 'duration_hours/_minutes from the talk time');
    assert.ok(Math.abs(talk - TALK_S) <= 2, `the talk time written (${talk} s) is not about ${TALK_S} s`);
    passed("the call in SuiteCRM's Calls, linked to the contact", `${(loggedAt - startedAt) / 1000} s after the call began, ${loggedMs} ms after the caller's sipp ended: "${c['name']}", ${c['direction']}, ${c['status']}, ${c['duration_hours']} h ${c['duration_minutes']} min (description: Talk ${talk} s), assigned to ${AGENT}, start ${c['date_start']}`);

    await openRecord(page, contactId);
    // The History statistic opens (or, when SuiteCRM remembers it open, closes) the subpanel; its
    // row for this call links to the Call's record page.
    const inHistory = page.locator(`scrm-subpanel-container a[href*="${callId}"]`).first();
    for (let clicks = 0; !(await inHistory.isVisible()); clicks++) {
      if (clicks === 3) throw new Error(`the contact's History subpanel does not show the Call ${callId} ("${c['name']}")`);
      await page.locator('scrm-subpanel-container').getByText('History', { exact: true }).first().click();
      await inHistory.waitFor({ timeout: 15_000 }).catch(() => undefined);
    }
    const historyRow = (await inHistory.locator('xpath=ancestor::tr[1]').innerText()).replace(/\s+/g, ' ').trim();
    assert.ok(historyRow.includes(c['name']!), `the History row reads "${historyRow}", not the Call's subject`);
    await inHistory.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'suitecrm8-done-history.png') });
    passed("the contact's History subpanel in SuiteCRM 8", `row "${historyRow}" links to ${await inHistory.getAttribute('href')}`);

    // 7. The Phone calls panel: the call, and its recording played.
    const row = page.locator('.crmt-calls tbody tr').first();
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.crmt-calls tbody tr').count(), 1, 'the panel lists the one call of this run (a fresh store)');
    const rowText = (await row.innerText()).replace(/\s+/g, ' ');
    await row.locator('.crmt-play').click({ timeout: 30_000 });
    const audio = row.locator('audio');
    await audio.waitFor({ timeout: 15_000 });
    const src = (await audio.getAttribute('src')) ?? '';
    assert.ok(src.startsWith(serviceUrl), `the player's source ${src} is not our service's`);
    await until(async () => (await audio.evaluate((a: HTMLAudioElement) => a.readyState)) >= 2 || undefined, 'the recording to load', 20_000);
    const at1 = await audio.evaluate((a: HTMLAudioElement) => a.currentTime);
    await page.waitForTimeout(1500);
    const played = await audio.evaluate((a: HTMLAudioElement) => ({ duration: a.duration, currentTime: a.currentTime, paused: a.paused, error: a.error?.code ?? null }));
    const fetched = served.filter((s) => s.url === src || s.url.startsWith(src));
    assert.ok(fetched.length > 0, `the browser never fetched ${src}`);
    const audioResponse = fetched.find((s) => s.status === 200 || s.status === 206);
    assert.ok(audioResponse, `the recording answered ${fetched.map((s) => s.status).join(', ')}`);
    assert.match(audioResponse.type, /^audio\//, `the recording's Content-Type`);
    assert.ok(played.duration > 0 && Number.isFinite(played.duration), `the recording's duration is ${played.duration}`);
    assert.ok(played.currentTime > at1, `the player did not advance (${at1} -> ${played.currentTime}; paused ${played.paused}, error ${played.error})`);
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'suitecrm8-done-panel.png') });
    passed('the Phone calls panel plays the recording', `row "${rowText}"; ${new URL(src).pathname} HTTP ${audioResponse.status} ${audioResponse.type}; duration ${played.duration.toFixed(2)} s, currentTime ${at1.toFixed(2)} -> ${played.currentTime.toFixed(2)} s`);
    if (pageErrors.length > 0) console.log(`(page errors seen, SuiteCRM's own included: ${[...new Set(pageErrors)].join(' | ').slice(0, 400)})`);
  } finally {
    for (const [what, step] of undo.reverse()) {
      try {
        await step();
      } catch (err) {
        console.error(`while ${what}: ${String(err)}`);
        process.exitCode = 1;
      }
    }
    if (packageChanged) console.log(`restored ${PACKAGE_CONFIG}; ${AGENT}'s extension back to ${extensionBefore}`);
  }
  const width = Math.max(...results.map(([c]) => c.length));
  console.log(`\nall checks passed:\n${results.map(([c, m]) => `${c.padEnd(width)}  ${m}`).join('\n')}`);
}

main().catch((err: unknown) => {
  console.error(`\nFAILED: ${err instanceof Error ? err.message : String(err)}`);
  if (results.length > 0) console.error(`passed before it:\n${results.map(([c, m]) => `  ${c}: ${m}`).join('\n')}`);
  for (const i of instances) i.child.kill('SIGKILL');
  process.exitCode = 1;
});
