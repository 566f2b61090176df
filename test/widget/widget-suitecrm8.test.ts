/**
 * The widget in real Chromium on SuiteCRM 8's pages: the app's page with the extension's loader
 * (suite8-app.ts: the record views captured from a real SuiteCRM 8.7.1, test/fixtures/suitecrm8-ui/,
 * swapped in by hash route as Angular does), against the real service on another site and the PBX simulator. The widget asks
 * SuiteCRM 8's API who is signed in and signs in as that user without a second login; phone
 * fields get call buttons that reach the PBX; the "Phone calls" panel sits between the record's
 * fields and its subpanels and follows the hash routes; pops link to SuiteCRM 8's record routes;
 * before anyone signs in it waits, and after a sign-in (no page reload) it starts; with the
 * service down the page is SuiteCRM's alone. SuiteCRM 7's pages are widget-browser.test.ts's.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchBrowser, PBX_ID, type BrowserRig } from '../browser/support/console.ts';
import { simulateInboundCall } from '../../src/simulator/scenarios/index.ts';
import { freePort, SECRET, startWidgetRig, type WidgetRig } from './support/widget-rig.ts';
import { CRM8, mountSuite8, type Suite8 } from './support/suite8-app.ts';

const WAIT = { timeout: 8000 };

let rig: WidgetRig;
let browser: BrowserRig;
let suite8: Suite8;
let serviceUrl: string | null = null;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  const [world, chromium] = await Promise.allSettled([startWidgetRig(), launchBrowser()]);
  if (world.status === 'fulfilled') rig = world.value;
  if (chromium.status === 'fulfilled') browser = chromium.value;
  if (world.status === 'rejected') throw world.reason;
  if (chromium.status === 'rejected') throw chromium.reason;
  serviceUrl = rig.serviceUrl;
  suite8 = mountSuite8(rig.suite, { secret: SECRET, serviceUrl: () => serviceUrl });
  // The SuiteCRM 8 lab's user and records, as the sync leaves them in our directory.
  const d = rig.service.directory;
  await d.upsertUser({ login: 'sc8-carla', name: 'Carla Agent', source: 'suitecrm', externalId: CRM8.U1, extensions: ['201'] });
  await d.upsertContact({ firstName: 'Ivan', lastName: 'Petrov', accountId: null, source: 'suitecrm', externalId: CRM8.C1, phones: [{ kind: 'work', number: '+7 (495) 123-45-67' }, { kind: 'mobile', number: '8 916 555 44 33' }] });
  await d.upsertAccount({ name: 'Romashka LLC', source: 'suitecrm', externalId: CRM8.A1, phones: [{ kind: 'office', number: '+7 (495) 123-45-67' }, { kind: 'alternate', number: '8 495 123 45 68' }] });
  await d.upsertLead({ firstName: 'Pavel', lastName: 'Sidorov', source: 'suitecrm', externalId: CRM8.L1, phones: [{ kind: 'work', number: '8 (495) 765-43-21' }, { kind: 'mobile', number: '+7 903 123-45-67' }] });
  page = await freshPage();
});

after(async () => {
  await browser?.close();
  await rig?.close();
});

async function freshPage(): Promise<Page> {
  const p = await browser.context.newPage();
  p.on('pageerror', (err) => pageErrors.push(err.message));
  p.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource|net::ERR_/.test(msg.text())) pageErrors.push(msg.text());
  });
  return p;
}

const field = (p: Page, name: string) => p.locator(`scrm-record-content .dynamic-field-name-${name}`);

test('SuiteCRM 8 contact record: the widget signs in as the SuiteCRM user through SuiteCRM\'s API and adds a call button to each phone field', async () => {
  await page.goto(suite8.url(`#/contacts/record/${CRM8.C1}`));
  await field(page, 'phone_work').getByRole('button', { name: 'Call +7 (495) 123-45-67' }).waitFor(WAIT);
  await field(page, 'phone_mobile').getByRole('button', { name: 'Call 8 916 555 44 33' }).waitFor(WAIT);
  // Right after SuiteCRM's own tel: link, inside its phone component; none for the empty fax.
  assert.equal(await field(page, 'phone_work').locator('scrm-phone-detail > a[href^="tel:"] + button.crmt-call').count(), 1);
  assert.equal(await field(page, 'phone_fax').locator('button').count(), 0);
  assert.match(String(await field(page, 'phone_work').locator('button.crmt-call').getAttribute('title')), /from your phone \(201\)/);
  // One token asked of SuiteCRM, with its CSRF header (a refusal would be 'csrf').
  assert.deepEqual(suite8.asked, ['token']);
  const cookies = await browser.context.cookies(rig.serviceUrl);
  assert.equal(cookies.filter((c) => c.name === 'crmt_session').length, 1);
  assert.deepEqual(pageErrors, []);
});

test('SuiteCRM 8: a click calls from the user\'s phone with the record\'s name; the Phone calls panel sits between the fields and the subpanels', async () => {
  const before = rig.sim.originates.length;
  await field(page, 'phone_mobile').getByRole('button', { name: 'Call 8 916 555 44 33' }).click();
  await page.locator('.crmt-notice', { hasText: 'Ringing your phone (201)' }).waitFor(WAIT);
  assert.equal(rig.sim.originates.length, before + 1);
  const originate = rig.sim.originates.at(-1)!;
  assert.equal(originate.get('Channel'), 'PJSIP/201');
  assert.match(originate.get('CallerID') ?? '', /Ivan Petrov/);
  const panel = page.getByRole('region', { name: 'Phone calls' });
  await panel.waitFor(WAIT);
  assert.equal(await page.locator(`.crmt-calls[data-crmt-record="Contacts:${CRM8.C1}"]`).count(), 1);
  // Its own row, after the record's fields' row and right before the subpanels' row.
  assert.equal(await page.locator('.row:has(> .col > scrm-record-content) ~ .crmt-calls + .row:has(scrm-subpanel-container)').count(), 1);
  assert.equal(await page.locator('scrm-record-content .crmt-calls, scrm-subpanel-container .crmt-calls').count(), 0);
});

test('SuiteCRM 8: a call pops a card whose candidate opens SuiteCRM 8\'s record route; the panel lists the call with the player', async () => {
  const linkedid = await simulateInboundCall(rig.sim, { extension: '201', from: '+79165554433', name: 'Ivan Petrov', did: '5550100', answer: 'here', ringMs: 2500, talkMs: 1500 });
  const pop = page.locator(`.crmt-pops article[data-call-id="${PBX_ID}:${linkedid}"]`);
  await pop.waitFor(WAIT);
  const link = pop.getByRole('link', { name: 'Open contact Ivan Petrov' });
  await link.waitFor(WAIT);
  assert.equal(await link.getAttribute('href'), `#/contacts/record/${CRM8.C1}`);
  await page.locator(`.crmt-pops article[data-call-id="${PBX_ID}:${linkedid}"][data-state="ended"]`).waitFor(WAIT);
  await page.locator('.crmt-calls tr[data-call-id]').first().waitFor(WAIT);
  assert.ok((await page.locator('.crmt-calls tr[data-call-id]').count()) >= 1);
  assert.deepEqual(pageErrors, []);
});

test('SuiteCRM 8 routes: account and lead records get buttons and their own panel; the edit view gets neither', async () => {
  await page.evaluate((id) => (location.hash = `#/accounts/record/${id}`), CRM8.A1);
  await page.locator(`.crmt-calls[data-crmt-record="Accounts:${CRM8.A1}"]`).waitFor(WAIT);
  await field(page, 'phone_office').getByRole('button', { name: 'Call +7 (495) 123-45-67' }).waitFor(WAIT);
  assert.equal(await page.locator('.crmt-calls').count(), 1);
  await page.evaluate((id) => (location.hash = `#/leads/record/${id}`), CRM8.L1);
  await page.locator(`.crmt-calls[data-crmt-record="Leads:${CRM8.L1}"]`).waitFor(WAIT);
  await field(page, 'phone_mobile').getByRole('button', { name: 'Call +7 903 123-45-67' }).waitFor(WAIT);
  await page.evaluate((id) => (location.hash = `#/contacts/edit/${id}`), CRM8.C1);
  await page.locator('.field-layout.edit').waitFor(WAIT);
  await page.waitForTimeout(200);
  assert.equal(await page.locator('.crmt-calls').count(), 0);
  assert.equal(await page.locator('button.crmt-call').count(), 0);
  await page.evaluate((id) => (location.hash = `#/contacts/record/${id}`), CRM8.C1);
  await page.locator(`.crmt-calls[data-crmt-record="Contacts:${CRM8.C1}"]`).waitFor(WAIT);
  assert.equal(await page.locator('.crmt-calls').count(), 1);
  assert.deepEqual(suite8.asked, ['token'], 'routes do not ask SuiteCRM again');
  assert.deepEqual(pageErrors, []);
});

test('SuiteCRM 8 before sign-in: the widget waits quietly on the sign-in route and starts after the sign-in, without a reload', async () => {
  const p = await freshPage();
  await browser.context.clearCookies();
  suite8.signedIn = false;
  suite8.asked.length = 0;
  try {
    await p.goto(suite8.url('#/Login'), { waitUntil: 'load' });
    await p.waitForTimeout(600);
    assert.deepEqual(suite8.asked, ['denied']);
    assert.equal(await p.locator('[data-crmt], .crmt-pops, .crmt-notice').count(), 0);
    await p.evaluate(() => fetch('login', { method: 'POST' }));
    await p.evaluate((id) => (location.hash = `#/contacts/record/${id}`), CRM8.C1);
    await field(p, 'phone_work').locator('button.crmt-call').waitFor(WAIT);
    assert.deepEqual(suite8.asked, ['denied', 'token']);
    assert.deepEqual(pageErrors, []);
  } finally {
    suite8.signedIn = true;
    await p.close();
  }
});

test('SuiteCRM 8 sign-out, then another person signs in on the same tab (no page load): nothing of the first stays, the first\'s session with the service ends, the widget comes back as the second', async () => {
  const other = 'd5a9b2e0-0000-4000-8000-00000000d0ra';
  await rig.service.directory.upsertUser({ login: 'sc8-dora', name: 'Dora Agent', source: 'suitecrm', externalId: other, extensions: ['202'] });
  const p = await freshPage();
  await browser.context.clearCookies();
  const session = () =>
    p.evaluate(async (service) => {
      const res = await fetch(`${service}/api/crm/session`, { credentials: 'include' });
      return res.ok ? ((await res.json()) as { crmUserId: string | null }).crmUserId : res.status;
    }, rig.serviceUrl);
  try {
    // Dora first: a token names its user and its second (the test before this one took Carla's a moment ago).
    suite8.user = other;
    await p.goto(suite8.url(`#/contacts/record/${CRM8.C1}`), { waitUntil: 'load' });
    await field(p, 'phone_work').locator('button.crmt-call').waitFor(WAIT);
    assert.equal(await session(), other);
    // Dora signs out: SuiteCRM goes to its sign-in route, the page stays.
    suite8.signedIn = false;
    await p.evaluate(() => (location.hash = '#/Login'));
    await p.waitForFunction(() => document.querySelectorAll('[data-crmt], .crmt-pops, .crmt-calls, button.crmt-call').length === 0, undefined, WAIT);
    await p.waitForFunction(
      async (service) => (await fetch(`${service}/api/crm/session`, { credentials: 'include' })).status === 401,
      rig.serviceUrl,
      WAIT,
    );
    // Carla signs in on the same tab and opens the same contact. A token names its user and its
    // second, and each is taken once: the test before this one took Carla's moments ago.
    await p.waitForTimeout(1100);
    suite8.user = CRM8.U1;
    await p.evaluate(() => fetch('login', { method: 'POST' }));
    await p.evaluate((id) => (location.hash = `#/contacts/record/${id}`), CRM8.C1);
    await field(p, 'phone_work').locator('button.crmt-call').waitFor(WAIT);
    assert.match(String(await field(p, 'phone_work').locator('button.crmt-call').getAttribute('title')), /from your phone \(201\)/);
    assert.equal(await session(), CRM8.U1);
    assert.equal(await p.locator('.crmt-calls').count(), 1, 'one panel: the first person\'s is gone');
    assert.deepEqual(pageErrors, []);
  } finally {
    suite8.signedIn = true;
    suite8.user = CRM8.U1;
    await p.close();
  }
});

test('SuiteCRM 8 with the service refusing connections: the app\'s page loads and renders as without the package, silently', async () => {
  const p = await freshPage();
  serviceUrl = `http://127.0.0.1:${await freePort()}`;
  try {
    await p.goto(suite8.url(`#/contacts/record/${CRM8.C1}`), { waitUntil: 'load' });
    await p.locator('scrm-record-content .dynamic-field-name-phone_work a[href^="tel:"]').waitFor(WAIT);
    await p.waitForTimeout(500);
    assert.equal(await p.locator('[data-crmt], .crmt-call, .crmt-pops, .crmt-calls').count(), 0);
    assert.notEqual(await p.evaluate(() => (window as unknown as { __suite: { loadAt: number | null } }).__suite.loadAt), null);
    assert.deepEqual(pageErrors, []);
  } finally {
    serviceUrl = rig.serviceUrl;
    await p.close();
  }
});
