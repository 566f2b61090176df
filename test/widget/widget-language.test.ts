/**
 * The widget in the SuiteCRM user's language, in real Chromium on SuiteCRM 7's pages: a Russian
 * SuiteCRM user (SuiteCRM's current_language `ru_RU`, printed by the hook and in `<html lang>`) in an
 * English browser gets Russian buttons, pops and "Phone calls" panel, and the service is asked in
 * Russian too; a page from a package built before the hook passed the language still speaks Russian
 * (the page says it); a SuiteCRM language we have no catalogue for falls back to the browser's.
 * The panel shows the number as the service formatted it when the service gives one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchBrowser, PBX_ID, type BrowserRig } from '../browser/support/console.ts';
import { simulateInboundCall } from '../../src/simulator/scenarios/index.ts';
import { CRM, startWidgetRig, type WidgetRig } from './support/widget-rig.ts';

const WAIT = { timeout: 8000 };

let rig: WidgetRig;
let browser: BrowserRig;
let page: Page;
const pageErrors: string[] = [];
/** Accept-Language of each request the page made to the service. */
const asked: string[] = [];

before(async () => {
  const [world, chromium] = await Promise.allSettled([startWidgetRig(), launchBrowser({ locale: 'en-GB' })]);
  if (world.status === 'fulfilled') rig = world.value;
  if (chromium.status === 'fulfilled') browser = chromium.value;
  if (world.status === 'rejected') throw world.reason;
  if (chromium.status === 'rejected') throw chromium.reason;
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource|net::ERR_/.test(msg.text())) pageErrors.push(msg.text());
  });
  page.on('request', (r) => {
    if (r.url().startsWith(`${rig.serviceUrl}/api/`) && r.resourceType() === 'fetch') asked.push(r.headers()['accept-language'] ?? '');
  });
});

after(async () => {
  await browser?.close();
  await rig?.close();
});

const contact = () => rig.suite.url('Contacts', 'DetailView', CRM['C1']);
const cell = (field: string) => page.locator(`.detail-view [type="phone"][field="${field}"]`);

test('a Russian SuiteCRM user in an English browser: call buttons and the panel in Russian; the service is asked in Russian', async () => {
  rig.suite.language = 'ru_RU';
  await page.goto(contact());
  const button = cell('phone_work').getByRole('button', { name: 'Позвонить на +7 (495) 123-45-67' });
  await button.waitFor(WAIT);
  assert.equal(await button.getAttribute('title'), 'Позвонить на +7 (495) 123-45-67 с вашего телефона (101)');
  const panel = page.getByRole('region', { name: 'Телефонные звонки' });
  await panel.getByText('Звонков с этой записью ещё не было.').waitFor(WAIT);
  assert.equal(await panel.locator('.crmt-calls-title').innerText(), 'Телефонные звонки');
  assert.ok(asked.length > 0);
  assert.deepEqual([...new Set(asked)], ['ru']);
  assert.deepEqual(pageErrors, []);
});

test('a call pops in Russian, and the panel then lists it in Russian with the number as the service formatted it', async () => {
  const linkedid = await simulateInboundCall(rig.sim, { extension: '101', from: '+79165550101', name: 'Ivan Petrov', did: '5550100', answer: 'here', ringMs: 2000, talkMs: 1000 });
  const pop = page.locator(`.crmt-pops article[data-call-id="${PBX_ID}:${linkedid}"]`);
  await page.locator(`.crmt-pops article[data-call-id="${PBX_ID}:${linkedid}"][data-state="ringing"]`).waitFor(WAIT);
  await pop.getByRole('link', { name: 'Открыть контакт Ivan Petrov' }).waitFor(WAIT);
  const text = await pop.innerText();
  assert.match(text, /^Звонок\n/i);
  assert.match(text, /Входящий звонок · линия 5550100 · доб\. 101/);
  assert.match(text, /Есть в CRM/);
  assert.match(text, /^Контакт Ivan Petrov$/im);
  assert.match(text, /Ответственный: /);
  assert.match(text, /Звонков ещё не было|Последний звонок: /);
  assert.doesNotMatch(text, /Ringing|Incoming call|In the CRM|Owner:|Last call/);
  assert.equal(await page.locator('.crmt-pops').getAttribute('aria-label'), 'Текущие звонки');
  await page.screenshot({ path: new URL('../browser/screenshots/suitecrm-widget-ru-pop.png', import.meta.url).pathname, fullPage: false });
  await page.locator(`.crmt-pops article[data-call-id="${PBX_ID}:${linkedid}"][data-state="ended"]`).waitFor(WAIT);
  assert.match(await pop.locator('.crmt-badge').innerText(), /Звонок завершён/i);
  assert.equal(await pop.getByRole('button', { name: 'Закрыть' }).count(), 1);

  const row = page.getByRole('region', { name: 'Телефонные звонки' }).locator(`tbody tr[data-call-id="${PBX_ID}:${linkedid}"]`);
  await row.waitFor({ timeout: 15_000 });
  const heads = await page.locator('.crmt-calls-table th').allInnerTexts();
  assert.deepEqual(heads, ['Когда', 'Направление', 'Номер', 'Сотрудник', 'Разговор', 'Итог', 'Запись']);
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells[1], 'Входящий');
  // The number as the service formats it for people: national at home, international elsewhere.
  assert.match(cells[2]!, /^(8 \(916\) 555-01-01|\+7 916 555-01-01) · линия 5550100$/);
  assert.equal(cells[3], 'Вы (101)');
  assert.match(cells[5]!, /^Отвечен/);
  await page.getByRole('region', { name: 'Телефонные звонки' }).screenshot({ path: new URL('../browser/screenshots/suitecrm-widget-ru-panel.png', import.meta.url).pathname });
  assert.deepEqual(pageErrors, []);
});

test('a package built before the hook passed the language: SuiteCRM\'s <html lang="ru_RU"> is enough', async () => {
  rig.suite.language = 'ru_RU';
  rig.suite.hookSaysLanguage = false;
  try {
    await page.goto(rig.suite.url('Accounts', 'DetailView', CRM['A1']));
    assert.equal(await page.locator('script[data-crm-telephony-loader]').count(), 1);
    await cell('phone_office').getByRole('button', { name: 'Позвонить на +7 (495) 123-45-67' }).waitFor(WAIT);
    await page.getByRole('region', { name: 'Телефонные звонки' }).waitFor(WAIT);
  } finally {
    rig.suite.hookSaysLanguage = true;
  }
  assert.deepEqual(pageErrors, []);
});

test('a SuiteCRM language without a catalogue (de_DE): the browser\'s (English), as before', async () => {
  rig.suite.language = 'de_DE';
  try {
    await page.goto(rig.suite.url('Leads', 'DetailView', CRM['L1']));
    await cell('phone_work').getByRole('button', { name: 'Call 8 (495) 765-43-21' }).waitFor(WAIT);
    await page.getByRole('region', { name: 'Phone calls' }).waitFor(WAIT);
  } finally {
    rig.suite.language = 'en_us';
  }
  assert.deepEqual(pageErrors, []);
});
