/**
 * The console for a Russian-speaking agent, in real Chromium whose language is Russian, against the
 * real service and the PBX simulator replaying real Asterisk captures: the sign-in page, the live
 * board, a pop, the day's chart, a record's "Phone calls" panel and the missed calls all in
 * Russian, with Russian dates and plurals; the language menu switches to English and the choice
 * follows the person (kept by the service, over the browser's own language). Screenshots of each
 * screen go to test/browser/screenshots/ (the README's come from there).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, PASSWORDS, PBX_ID, startConsole, type BrowserRig, type ConsoleRig } from './support/console.ts';
import { freshCall, splitAtAnswer } from './support/calls.ts';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const WAIT = { timeout: 5000 };
const CYRILLIC = /[А-Яа-яЁё]/;

let rig: ConsoleRig;
let browser: BrowserRig;
let page: Page;
const pageErrors: string[] = [];

const ringGroup = freshCall('05-ringgroup-101-102-answered-by-102.ami', { pbxId: PBX_ID, copy: 21 });
const unknownCaller = freshCall('02-inbound-noanswer-101.ami', { pbxId: PBX_ID, copy: 22 });

before(async () => {
  // The line the captured callers dial (5550100) is alice's team: its missed callers are hers to call back.
  const [service, chromium] = await Promise.allSettled([startConsole({ env: { ROUTING_DID_DEFAULTS: '5550100=101' } }), launchBrowser({ locale: 'ru-RU' })]);
  if (service.status === 'fulfilled') rig = service.value;
  if (chromium.status === 'fulfilled') browser = chromium.value;
  if (service.status === 'rejected') throw service.reason;
  if (chromium.status === 'rejected') throw chromium.reason;
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await rig?.stop();
});

const card = (callId: string) => page.locator(`.cards article[data-call-id="${callId}"]`);
const nav = () => page.getByRole('navigation', { name: 'Главное меню' });

test('a Russian browser gets the sign-in page in Russian, and the service answers a wrong password in Russian', async () => {
  await page.goto(rig.url);
  await page.getByRole('heading', { name: 'Вход в телефонную консоль' }).waitFor(WAIT);
  assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
  await page.getByLabel('Логин').fill('alice');
  await page.getByLabel('Пароль').fill('not-her-password');
  await page.getByRole('button', { name: 'Войти' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor(WAIT);
  const said = await alert.innerText();
  assert.match(said, CYRILLIC, `the refusal in Russian: ${said}`);
  assert.doesNotMatch(said, /Wrong login/);

  await page.getByLabel('Пароль').fill(PASSWORDS.alice);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('heading', { name: 'Текущие звонки' }).waitFor(WAIT);
  await nav().getByRole('link', { name: 'Пропущенные' }).waitFor(WAIT);
  await page.locator('.connection--live', { hasText: 'На связи' }).waitFor(WAIT);
  assert.match(await page.locator('.board .empty').innerText(), /Карточка появится здесь, как только зазвонит ваш телефон \(101\)/);
});

test('the day’s chart and a pop in Russian: plurals, states, candidates, “3 days ago”', async () => {
  const answered = freshCall('01-inbound-answered-101.ami', { pbxId: PBX_ID, copy: 24 });
  const missed = freshCall('02-inbound-noanswer-101.ami', { pbxId: PBX_ID, copy: 25 });
  await rig.sim.replay(answered.events);
  await rig.sim.replay(missed.events);
  await page.locator(`.cards article[data-call-id="${answered.callId}"][data-state="ended"]`).waitFor(WAIT);
  await page.locator('.chart-summary', { hasText: 'Сегодня: 2 звонка, отвечено: 1, пропущено: 1.' }).waitFor(WAIT);
  await card(answered.callId).getByRole('button', { name: 'Закрыть' }).click();
  await card(answered.callId).waitFor({ state: 'detached', timeout: 2000 });
  assert.match(await page.locator(`.recent [data-call-id="${answered.callId}"]`).innerText(), /Звонок завершён/);

  const [ringing] = splitAtAnswer(ringGroup.events);
  const [unknownRinging] = splitAtAnswer(unknownCaller.events);
  await rig.sim.replay(ringing);
  await rig.sim.replay(unknownRinging);
  const pop = card(ringGroup.callId);
  await pop.waitFor(WAIT);
  const text = await pop.innerText();
  assert.match(text, /Звонит/);
  assert.match(text, /Входящий звонок · линия 5550200/);
  assert.match(text, /2 возможных совпадения в CRM/);
  assert.match(text, /Ответственный\s*Bob Agent/);
  assert.match(text, /Последний звонок\s*3 дня назад/);
  await pop.getByRole('link', { name: 'Открыть: контакт Rita Ringgroup' }).waitFor(WAIT);
  await pop.getByRole('button', { name: /^Позвонить: .*555.*123.*0005/ }).waitFor(WAIT);
  const unknown = card(unknownCaller.callId);
  await unknown.waitFor(WAIT);
  assert.match(await unknown.innerText(), /Этого номера нет в CRM\./);
  await unknown.getByRole('button', { name: 'Создать контакт' }).waitFor(WAIT);
  assert.match(await page.title(), /^\(2\) Звонок · Телефонная консоль$/);
  await page.screenshot({ path: SCREENSHOTS + 'console-ru-pop.png', fullPage: true });

  const [, answeredByBob] = splitAtAnswer(ringGroup.events);
  await rig.sim.replay(answeredByBob);
  await pop.waitFor({ state: 'detached', timeout: 5000 });
  assert.match(await page.locator(`.recent [data-call-id="${ringGroup.callId}"]`).innerText(), /Ответил коллега/);
  const [, noAnswer] = splitAtAnswer(unknownCaller.events);
  await rig.sim.replay(noAnswer);
  await unknown.waitFor({ state: 'detached', timeout: 5000 });
});

test('a record’s “Phone calls” panel in Russian', async () => {
  await rig.service.session.idle();
  await nav().getByRole('link', { name: 'Записи CRM' }).click();
  await page.getByLabel(/^Поиск контактов/).fill('555');
  await page.getByRole('button', { name: 'Найти' }).click();
  await page.getByRole('list', { name: 'Результаты поиска' }).getByRole('link', { name: 'Rita Ringgroup' }).click();
  await page.getByRole('heading', { level: 1, name: 'Rita Ringgroup' }).waitFor(WAIT);
  await page.getByRole('heading', { name: 'Телефоны' }).waitFor(WAIT);
  const row = page.locator(`.phone-calls tr[data-call-id="${ringGroup.callId}"]`);
  await row.waitFor(WAIT);
  const headers = await page.locator('.phone-calls thead th').allInnerTexts();
  assert.deepEqual(headers, ['Когда', 'Направление', 'Откуда', 'Куда', 'Кто ответил', 'Разговор', 'Итог', 'Запись']);
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells[1], 'Входящий');
  assert.match(cells[2]!, /\(555\) 123-0005/);
  assert.match(cells[3]!, /линия 5550200/);
  assert.equal(cells[4], 'доб. 102');
  assert.match(cells[6]!, /^Отвечен/);
  assert.match(cells[7]!, /Слушать/);
  await page.screenshot({ path: SCREENSHOTS + 'console-ru-record.png', fullPage: true });
});

test('the missed calls in Russian: one item with a Russian plural, why it is hers, closed with a note', async () => {
  await nav().getByRole('link', { name: 'Пропущенные: 1 ждёт вас' }).click();
  await page.getByRole('heading', { level: 1, name: 'Пропущенные' }).waitFor(WAIT);
  const item = page.getByRole('list', { name: 'Пропущенные звонки' }).getByRole('listitem');
  await item.waitFor(WAIT);
  const text = await item.innerText();
  assert.match(text, /Mary Missed/);
  assert.match(text, /2 пропущенных звонка/);
  assert.match(text, /\(555\) 123-0002 · Первый \d\d:\d\d, последний \d\d:\d\d · линия 5550100/);
  assert.match(text, /Ваш: вы в команде этой линии/);
  assert.match(text, /Если не перезвонить, в \d\d:\d\d перейдёт к следующему/);
  await item.getByRole('button', { name: 'Перезвонить: Mary Missed, (555) 123-0002' }).waitFor(WAIT);
  await page.screenshot({ path: SCREENSHOTS + 'console-ru-missed.png', fullPage: true });
  await item.getByRole('button', { name: 'Закрыть' }).click();
  await item.getByLabel('Почему (коротко)').fill('ошиблись номером');
  await item.getByRole('button', { name: 'Закрыть звонок' }).click();
  await page.getByText('Никто не ждёт обратного звонка. Отлично.').waitFor(WAIT);
  await page.getByRole('radio', { name: 'Закрытые' }).check();
  const closed = page.getByRole('list', { name: 'Пропущенные звонки' }).getByRole('listitem');
  await closed.waitFor(WAIT);
  assert.match(await closed.innerText(), /Закрыт: Alice Agent, \d\d:\d\d: ошиблись номером/);
});

test('the language menu switches to English; the choice is kept by the service and outlasts a reload in a Russian browser', async () => {
  await page.getByLabel('Язык').selectOption('en');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Missed calls' }).waitFor(WAIT);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Missed calls' }).waitFor(WAIT);
  const me = await page.evaluate(async () => (await fetch('/api/me')).json());
  assert.equal((me as { locale: string }).locale, 'en');
  // The service's own words follow the choice too, whatever the browser's language.
  const refusal = await page.evaluate(async () => (await fetch('/api/calls?limit=abc')).json());
  assert.doesNotMatch(JSON.stringify(refusal), CYRILLIC);

  await page.getByLabel('Language').selectOption('ru');
  await page.getByRole('heading', { level: 1, name: 'Пропущенные' }).waitFor(WAIT);
  assert.deepEqual(pageErrors, []);
});
