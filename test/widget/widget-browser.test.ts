/**
 * The SuiteCRM widget in real Chromium, on SuiteCRM 7's own pages (the snapshots in
 * test/fixtures/suitecrm-ui/, served from "localhost" with the hook's output where SuiteCRM prints
 * it) against the real service on another site ("127.0.0.1") and the PBX simulator: it signs in
 * with the page's token, phone numbers become call buttons that reach the PBX as an Originate, a
 * call pops a card whose candidates open SuiteCRM's record pages, the "Phone calls" panel lists
 * the record's calls, all of it survives AjaxUI navigation and inline edits; and with our service
 * stopped, refusing or hanging, SuiteCRM's page loads, works and looks exactly as without us.
 * The tests share one browser and run in order; the last one stops the service.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { Page } from 'playwright-core';
import { launchBrowser, PBX_ID, type BrowserRig } from '../browser/support/console.ts';
import { simulateInboundCall } from '../../src/simulator/scenarios/index.ts';
import { CRM, freePort, startWidgetRig, type WidgetRig } from './support/widget-rig.ts';

const WAIT = { timeout: 8000 };

let rig: WidgetRig;
let browser: BrowserRig;
let page: Page;
const pageErrors: string[] = [];
const dialogs: string[] = [];

before(async () => {
  const [world, chromium] = await Promise.allSettled([startWidgetRig(), launchBrowser()]);
  if (world.status === 'fulfilled') rig = world.value;
  if (chromium.status === 'fulfilled') browser = chromium.value;
  if (world.status === 'rejected') throw world.reason;
  if (chromium.status === 'rejected') throw chromium.reason;
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  watch(page);
});

after(async () => {
  await browser?.close();
  await rig?.close();
});

/** Uncaught errors, rejected promises, CORS refusals, dialogs: anything but a failed load. */
function watch(p: Page): void {
  p.on('pageerror', (err) => pageErrors.push(err.message));
  p.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  p.on('console', (msg) => {
    const text = msg.text();
    // The snapshots' stylesheets are not served, and a stopped service refuses connections: the
    // browser logs those loads, which are not errors of the page's code.
    if (msg.type() === 'error' && !/^Failed to load resource|net::ERR_/.test(text)) pageErrors.push(text);
  });
}

const contact = () => rig.suite.url('Contacts', 'DetailView', CRM['C1']);
const cell = (field: string) => page.locator(`.detail-view [type="phone"][field="${field}"]`);

test('on a contact page the widget signs in as the SuiteCRM user and puts a call button beside each phone number', async () => {
  await page.goto(contact());
  await page.locator('button.crmt-call').first().waitFor(WAIT);
  await cell('phone_work').getByRole('button', { name: 'Call +7 (495) 123-45-67' }).waitFor(WAIT);
  await cell('phone_mobile').getByRole('button', { name: 'Call +7 916 555-01-01' }).waitFor(WAIT);
  assert.equal(await cell('phone_work').locator('button.crmt-call').count(), 1);
  // The empty fax field has no number, so no button.
  assert.equal(await cell('phone_fax').locator('button').count(), 0);
  // SuiteCRM's own link is untouched, and the button sits right after it.
  assert.equal(await cell('phone_work').locator(':scope > a[href="tel:+7 (495) 123-45-67"] + button.crmt-call').count(), 1);
  assert.match(String(await cell('phone_work').locator('button.crmt-call').getAttribute('title')), /from your phone \(101\)/);
  // The token served its purpose and left the page.
  assert.equal(await page.locator('[data-token]').count(), 0);
  // Signed in as Alice: the session the service made is hers.
  const cookies = await browser.context.cookies(rig.serviceUrl);
  assert.equal(cookies.filter((c) => c.name === 'crmt_session').length, 1);
  assert.deepEqual(pageErrors, []);
});

test('a click on a button reaches the PBX as an Originate ringing her phone first; SuiteCRM\'s link and inline editor do not react', async () => {
  const before = rig.sim.originates.length;
  const button = cell('phone_mobile').getByRole('button', { name: 'Call +7 916 555-01-01' });
  await button.click();
  await page.locator('.crmt-notice', { hasText: 'Ringing your phone (101)' }).waitFor(WAIT);
  assert.equal(rig.sim.originates.length, before + 1);
  const originate = rig.sim.originates.at(-1)!;
  assert.equal(originate.get('Channel'), 'PJSIP/101');
  assert.equal(originate.get('Exten'), '+79165550101');
  assert.match(originate.get('CallerID') ?? '', /Ivan Petrov/);
  // Double-clicking our button does not open SuiteCRM's inline editor, and SuiteCRM's tel: link
  // handler never saw a click.
  await button.dblclick();
  await page.waitForTimeout(200);
  const suite = await page.evaluate(() => (window as unknown as { __suite: { clicks: string[]; editorOpened: number } }).__suite);
  assert.deepEqual(suite.clicks, []);
  assert.equal(suite.editorOpened, 0);
  // SuiteCRM's own link still works as before.
  await cell('phone_mobile').locator('a[href^="tel:"]').click();
  const after = await page.evaluate(() => (window as unknown as { __suite: { clicks: string[] } }).__suite.clicks);
  assert.deepEqual(after, ['tel-link tel:+7 916 555-01-01']);
  assert.deepEqual(pageErrors, []);
});

test('a call to her extension pops a card with the caller; the candidate opens SuiteCRM\'s own record page', async () => {
  const linkedid = await simulateInboundCall(rig.sim, { extension: '101', from: '+79165550101', name: 'Ivan Petrov', did: '5550100', answer: 'here', ringMs: 2500, talkMs: 1500 });
  const callId = `${PBX_ID}:${linkedid}`;
  const pop = page.locator(`.crmt-pops article[data-call-id="${callId}"]`);
  await page.locator(`.crmt-pops article[data-call-id="${callId}"][data-state="ringing"]`).waitFor(WAIT);
  const text = await pop.innerText();
  assert.match(text, /Ringing/i);
  assert.match(text, /Ivan Petrov/);
  assert.match(text, /line 5550100/);
  const link = pop.getByRole('link', { name: 'Open contact Ivan Petrov' });
  await link.waitFor(WAIT);
  assert.equal(await link.getAttribute('href'), `index.php?module=Contacts&action=DetailView&record=${CRM['C1']}`);
  // It follows the call: answered here, then over.
  await page.locator(`.crmt-pops article[data-call-id="${callId}"][data-state="answered"]`).waitFor(WAIT);
  await page.locator(`.crmt-pops article[data-call-id="${callId}"][data-state="ended"]`).waitFor(WAIT);
  // The pop floats: SuiteCRM's layout did not move for it.
  assert.equal(await page.locator('.crmt-pops').evaluate((e) => getComputedStyle(e).position), 'fixed');
  await page.screenshot({ path: new URL('../browser/screenshots/suitecrm-widget-pop.png', import.meta.url).pathname, fullPage: false });
  assert.deepEqual(pageErrors, []);
});

test('the "Phone calls" panel lists the contact\'s calls (refreshed when one ends), before the subpanels where SuiteCRM leaves it visible', async () => {
  await rig.service.session.idle();
  const panel = page.getByRole('region', { name: 'Phone calls' });
  await panel.waitFor(WAIT);
  const row = panel.locator('tbody tr').first();
  await row.waitFor(WAIT);
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells[1], 'Incoming');
  // The number as the service formats it for people (national in the home region) where /api/calls
  // gives externalNumberFormatted, else as the PBX gave it; widget-language.test.ts pins the former.
  assert.match(cells[2]!, /^(8 \(916\) 555-01-01|\+79165550101) · line 5550100$/);
  assert.equal(cells[3], 'You (101)');
  assert.match(cells[4]!, /^\d+:\d\d$/);
  assert.match(cells[5]!, /^Answered/);
  // Placed right before SuiteCRM's subpanel tabs, outside #subpanel_list.
  assert.equal(await page.locator('.crmt-calls + ul#groupTabs').count(), 1);
  assert.equal(await page.locator('#subpanel_list .crmt-calls').count(), 0);
  assert.ok(await panel.isVisible());
  // After a reload the panel is there again, once, listing the same call.
  await page.reload();
  await page.getByRole('region', { name: 'Phone calls' }).locator('tbody tr').first().waitFor(WAIT);
  assert.equal(await page.locator('.crmt-calls').count(), 1);
  // The player asks for the recording when asked to play: audio, or why there is none.
  const recording = page.getByRole('region', { name: 'Phone calls' }).locator('tbody tr').first().locator('td').last();
  await recording.getByRole('button', { name: 'Play the recording' }).click();
  await recording.locator('audio, .crmt-muted').first().waitFor(WAIT);
  await page.getByRole('region', { name: 'Phone calls' }).screenshot({ path: new URL('../browser/screenshots/suitecrm-widget-panel.png', import.meta.url).pathname });
  assert.deepEqual(pageErrors, []);
});

test('account and lead pages get their buttons and panel too; an edit view gets neither', async () => {
  await page.goto(rig.suite.url('Accounts', 'DetailView', CRM['A1']));
  await cell('phone_office').getByRole('button', { name: 'Call +7 (495) 123-45-67' }).waitFor(WAIT);
  const accountPanel = page.getByRole('region', { name: 'Phone calls' });
  await accountPanel.getByText('No calls with this record yet.').waitFor(WAIT);
  assert.equal(await page.locator(`.crmt-calls[data-crmt-record="Accounts:${CRM['A1']}"]`).count(), 1);

  await page.goto(rig.suite.url('Leads', 'DetailView', CRM['L1']));
  await cell('phone_work').getByRole('button', { name: 'Call 8 (495) 765-43-21' }).waitFor(WAIT);
  await page.getByRole('region', { name: 'Phone calls' }).waitFor(WAIT);

  await page.goto(rig.suite.url('Contacts', 'EditView', CRM['C1']));
  await page.waitForFunction(() => (window as unknown as { crmTelephonyWidget?: boolean }).crmTelephonyWidget === true, undefined, WAIT);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('button.crmt-call').count(), 0);
  assert.equal(await page.locator('.crmt-calls').count(), 0);
  assert.equal(await page.locator('input#phone_work').inputValue(), '+7 (495) 123-45-67');
  assert.deepEqual(pageErrors, []);
});

test('a list view: a button in every phone cell with a number (empty tel: links skipped); a click calls with the row\'s record', async () => {
  await page.goto(rig.suite.url('Contacts', 'index'));
  const phoneCells = page.locator('table.list.view td[field="phone_work"]');
  await phoneCells.first().locator('button.crmt-call').waitFor(WAIT);
  const numbers = await phoneCells.evaluateAll((cells) => cells.map((c) => (c.querySelector(':scope > a[href^="tel:"]')?.textContent ?? '').trim()));
  const buttons = await phoneCells.evaluateAll((cells) => cells.map((c) => c.querySelectorAll('button.crmt-call').length));
  assert.deepEqual(
    buttons,
    numbers.map((n) => (n === '' ? 0 : 1)),
  );
  assert.ok(numbers.includes('') && numbers.some((n) => n !== ''), 'the list has rows with and without a work phone');
  const before = rig.sim.originates.length;
  const olga = page.locator('table.list.view tr', { hasText: 'Olga Smirnova' });
  await olga.locator('td[field="phone_work"]').getByRole('button').click();
  await page.locator('.crmt-notice', { hasText: 'Ringing your phone (101)' }).waitFor(WAIT);
  assert.equal(rig.sim.originates.length, before + 1);
  assert.equal(rig.sim.originates.at(-1)!.get('Exten'), '+74951234567');
  assert.match(rig.sim.originates.at(-1)!.get('CallerID') ?? '', /Olga Smirnova/);
  // Seven page loads so far, one sign-in: later pages reuse the session their cookie names.
  const sessions = await rig.service.store.db.selectFrom('sessions').select('user_id').where('user_id', '=', rig.ours['U1']!).execute();
  assert.equal(sessions.length, 1);
  assert.deepEqual(pageErrors, []);
});

test('AjaxUI navigation and inline edits: buttons and the panel follow the new content, never doubled', async () => {
  await page.goto(contact());
  await cell('phone_work').locator('button.crmt-call').waitFor(WAIT);
  // What AjaxUI does: #content stays, its children are replaced with the next page's markup.
  const accountHtml = await (await fetch(rig.suite.url('Accounts', 'DetailView', CRM['A1']))).text();
  await page.evaluate((html) => {
    const next = new DOMParser().parseFromString(html, 'text/html').getElementById('content')!;
    document.getElementById('content')!.innerHTML = next.innerHTML;
  }, accountHtml);
  await cell('phone_office').locator('button.crmt-call').waitFor(WAIT);
  await page.locator(`.crmt-calls[data-crmt-record="Accounts:${CRM['A1']}"]`).waitFor(WAIT);
  assert.equal(await page.locator('.crmt-calls').count(), 1);
  assert.equal(await page.locator('button.crmt-call').count(), 1);

  // The inline editor opens in the cell (SuiteCRM swaps in a form), then closes leaving plain text
  // and no tel: link: a button for the new number, one only.
  const office = cell('phone_office');
  await office.evaluate((c) => {
    c.classList.add('inlineEditActive');
    c.innerHTML = '<form name="EditView" id="EditView"><input type="text" name="phone_office" value="+7 (495) 123-45-99"></form>';
  });
  await page.waitForTimeout(150);
  assert.equal(await office.locator('button.crmt-call').count(), 0);
  await office.evaluate((c) => {
    c.classList.remove('inlineEditActive');
    c.innerHTML = '+7 (495) 123-45-99<div class="inlineEditIcon"></div>';
  });
  await office.getByRole('button', { name: 'Call +7 (495) 123-45-99' }).waitFor(WAIT);
  // Unrelated churn elsewhere on the page adds nothing.
  await page.evaluate(() => {
    for (let i = 0; i < 20; i++) document.body.append(document.createElement('div'));
    document.querySelector('.detail-view')!.setAttribute('data-x', '1');
  });
  await page.waitForTimeout(200);
  assert.equal(await office.locator('button.crmt-call').count(), 1);
  assert.equal(await page.locator('button.crmt-call').count(), 1);
  assert.equal(await page.locator('.crmt-calls').count(), 1);
  assert.deepEqual(pageErrors, []);
});

test('caller names and CRM texts full of markup are shown as text: no dialog, no element made from them', async () => {
  const attack = `<img src=x onerror="alert('name')">`;
  await rig.service.directory.upsertContact({ firstName: '<b onmouseover="alert(1)">Eve</b>', lastName: '<svg onload=alert(2)>', source: 'suitecrm', externalId: 'evil-0000', phones: [{ kind: 'mobile', number: '+7 999 000-00-01' }] });
  const linkedid = await simulateInboundCall(rig.sim, { extension: '101', from: '+79990000001', name: attack, answer: 'none', ringMs: 2000 });
  const pop = page.locator(`.crmt-pops article[data-call-id="${PBX_ID}:${linkedid}"]`);
  await pop.waitFor(WAIT);
  await pop.getByRole('link', { name: /Open contact <b onmouseover/ }).waitFor(WAIT);
  const text = await pop.innerText();
  assert.ok(text.includes('<b onmouseover="alert(1)">Eve</b> <svg onload=alert(2)>'), text);
  assert.ok(text.includes(`Caller ID name: ${attack}`), text);
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator('.crmt-pops img, .crmt-pops b, .crmt-pops svg[onload]').count(), 0);
  assert.equal(await pop.getByRole('link').first().getAttribute('href'), 'index.php?module=Contacts&action=DetailView&record=evil-0000');
  assert.deepEqual(pageErrors, []);
});

// ---- our service down --------------------------------------------------------------------------

interface PageFacts {
  readyAt: number | null;
  loadAt: number | null;
  boxes: Record<string, { x: number; y: number; w: number; h: number } | null>;
  ours: number;
}

const LANDMARKS = ['.moduleTitle h2', '.detail-view', '[field="phone_work"]', '[field="phone_work"] > a', '#groupTabs', '#subpanel_list', 'footer'];

async function facts(p: Page): Promise<PageFacts> {
  return p.evaluate((selectors) => {
    const suite = (window as unknown as { __suite: { readyAt: number | null; loadAt: number | null } }).__suite;
    const boxes: PageFacts['boxes'] = {};
    for (const s of selectors) {
      const e = document.querySelector(s);
      const r = e?.getBoundingClientRect();
      boxes[s] = r ? { x: r.x, y: r.y, w: r.width, h: r.height } : null;
    }
    return { readyAt: suite.readyAt, loadAt: suite.loadAt, boxes, ours: document.querySelectorAll('[data-crmt], .crmt-call, .crmt-pops, .crmt-calls').length };
  }, LANDMARKS);
}

/** The page as SuiteCRM renders it without our package: the reference for "nothing moved". */
async function reference(p: Page): Promise<PageFacts> {
  const saved = rig.suite.serviceUrl;
  rig.suite.serviceUrl = null;
  try {
    await p.goto(contact(), { waitUntil: 'load' });
    return await facts(p);
  } finally {
    rig.suite.serviceUrl = saved;
  }
}

/** SuiteCRM's own controls still answer: its handlers run, and nothing of ours covers them. */
async function suiteStillWorks(p: Page): Promise<void> {
  for (const selector of ['#groupTabs a >> nth=1', '[field="phone_work"] > a', 'a#create_link']) {
    const target = p.locator(selector);
    const covered = await target.evaluate((e) => {
      const r = e.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return hit !== null && hit !== e && !e.contains(hit);
    });
    assert.equal(covered, false, `${selector} is covered`);
    await target.click();
  }
  const clicks = await p.evaluate(() => (window as unknown as { __suite: { clicks: string[] } }).__suite.clicks);
  assert.equal(clicks.length, 3, JSON.stringify(clicks));
  await p.locator('[field="phone_work"]').dblclick();
  assert.equal(await p.evaluate(() => (window as unknown as { __suite: { editorOpened: number } }).__suite.editorOpened), 1);
}

async function freshPage(): Promise<Page> {
  const p = await browser.context.newPage();
  watch(p);
  return p;
}

test('service refusing connections: the page loads, looks and works exactly as without the package, silently', async () => {
  const deadPort = await freePort();
  const p = await freshPage();
  const ref = await reference(p);
  rig.suite.serviceUrl = `http://127.0.0.1:${deadPort}`;
  try {
    await p.goto(contact(), { waitUntil: 'load' });
    await p.waitForTimeout(500);
    const seen = await facts(p);
    assert.deepEqual(seen.boxes, ref.boxes, 'nothing of SuiteCRM moved');
    assert.equal(seen.ours, 0, 'nothing of ours on the page');
    assert.notEqual(seen.readyAt, null);
    await suiteStillWorks(p);
    assert.deepEqual(pageErrors, []);
  } finally {
    rig.suite.serviceUrl = rig.serviceUrl;
    await p.close();
  }
});

test('service hanging (accepts, never answers): SuiteCRM\'s ready and load handlers run on time, the page works', async () => {
  const sockets = new Set<Socket>();
  const hang: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const p = await freshPage();
  const ref = await reference(p);
  rig.suite.serviceUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}`;
  try {
    const started = Date.now();
    await p.goto(contact(), { waitUntil: 'load', timeout: 5000 });
    assert.ok(Date.now() - started < 4000, `load took ${Date.now() - started} ms`);
    const seen = await facts(p);
    assert.notEqual(seen.readyAt, null, 'DOMContentLoaded handlers ran');
    assert.notEqual(seen.loadAt, null, 'load handlers ran');
    assert.deepEqual(seen.boxes, ref.boxes);
    assert.equal(seen.ours, 0);
    await suiteStillWorks(p);
    assert.ok(sockets.size > 0, 'the widget did try the hanging service');
    assert.deepEqual(pageErrors, []);
  } finally {
    rig.suite.serviceUrl = rig.serviceUrl;
    await p.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => hang.close(() => r()));
  }
});

test('service stopped under a working page: no uncaught errors, a call says in a small notice that the service does not answer, SuiteCRM works', async () => {
  const p = await freshPage();
  await p.goto(contact());
  await p.locator('[field="phone_work"] button.crmt-call').waitFor(WAIT);
  await p.getByRole('region', { name: 'Phone calls' }).locator('tbody tr').first().waitFor(WAIT);
  await rig.stopService();
  // The stream breaks and retries quietly; a click meets a dead service and says so.
  await p.locator('[field="phone_mobile"] button.crmt-call').click();
  const notice = p.locator('.crmt-notice', { hasText: 'The phone service does not answer.' });
  await notice.waitFor(WAIT);
  // The notice is small, floats in a corner, and covers none of SuiteCRM's controls checked below.
  const box = (await notice.boundingBox())!;
  assert.ok(box.height < 80 && box.width <= 380, JSON.stringify(box));
  assert.equal(await notice.evaluate((e) => getComputedStyle(e).position), 'fixed');
  await suiteStillWorks(p);
  await p.waitForTimeout(1500);
  // A reload with the service still down: SuiteCRM's page as ever.
  await p.reload({ waitUntil: 'load' });
  await p.waitForTimeout(300);
  assert.equal((await facts(p)).ours, 0);
  await suiteStillWorks(p);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(dialogs, []);
  await p.close();
});
