/**
 * The reports page in real Chromium against the real service (SQLite, the PBX simulator idle) over
 * a seeded week: the admin sees the week by line and by agent with the right counts, switches to
 * weeks, picks a quick range, and downloads the lines table as CSV; an agent sees only their own
 * calls; the page speaks Russian with a Russian browser. The reports' routes are given to the
 * service as extra routes (service.ts registers the capability; this test does not depend on it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type AddressInfo } from 'node:net';
import { launchBrowser, PASSWORDS, PBX_ID, type BrowserRig } from './support/console.ts';
import { ensureUiBuilt } from './support/ui-build.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { loggable } from '../support/calls.ts';
import type { LoggableCall } from '../../src/store/call-log.ts';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const WAIT = { timeout: 8000 };
const WEEK = '/reports?from=2026-11-23&to=2026-11-29&group=day';

interface Rig {
  service: Service;
  url: string;
  stop(): Promise<void>;
}

let rig: Rig;
let browser: BrowserRig;
let page: Page;
const pageErrors: string[] = [];

type Extra = { ringSeconds?: number; talkSeconds?: number; queue?: string | null };
let n = 0;
const call = (startedAt: string, over: Partial<LoggableCall> & Extra): LoggableCall & Extra => ({
  ...loggable({ id: `${PBX_ID}:rep.${++n}`, pbx: PBX_ID, startedAt, answeredBy: null, ...over }),
  ringSeconds: over.ringSeconds ?? 5,
  talkSeconds: over.talkSeconds ?? 0,
  queue: over.queue ?? null,
});

// The week of 2026-11-23 (UTC): line 5550100 has 3 calls (2 answered by alice, 1 missed), line
// 5550200 has 2 (1 answered by bob, 1 abandoned), alice placed 1 outgoing call.
const SEED = [
  call('2026-11-23T09:00:00.000Z', { did: '5550100', answeredBy: '101', rang: ['101'], disposition: 'answered', ringSeconds: 4, talkSeconds: 60 }),
  call('2026-11-24T09:00:00.000Z', { did: '5550100', answeredBy: '101', rang: ['101'], disposition: 'answered', ringSeconds: 12, talkSeconds: 120 }),
  call('2026-11-24T10:00:00.000Z', { did: '5550100', rang: ['101', '102'], disposition: 'missed', ringSeconds: 20 }),
  call('2026-11-25T11:00:00.000Z', { did: '5550200', answeredBy: '102', rang: ['102'], disposition: 'answered', ringSeconds: 7, talkSeconds: 30 }),
  call('2026-11-26T12:00:00.000Z', { did: '5550200', rang: ['102'], disposition: 'abandoned', ringSeconds: 15 }),
  call('2026-11-27T13:00:00.000Z', { did: null, direction: 'outbound', callerExtension: '101', answeredBy: '101', disposition: 'answered', talkSeconds: 45 }),
  // The week before: not shown.
  call('2026-11-20T13:00:00.000Z', { did: '5550100', answeredBy: '101', rang: ['101'], disposition: 'answered' }),
];

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** The real service (SQLite in memory, an idle PBX simulator, the built console), its reports in UTC. */
async function startRig(): Promise<Rig> {
  const root = await ensureUiBuilt();
  const sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  const { port: amiPort } = await sim.listen();
  const config = loadConfig({ DATABASE_URL: ':memory:', HTTP_PORT: String(await freePort()), ADMIN_PASSWORD: PASSWORDS.admin, LOG_LEVEL: 'silent', AGI_PORT: '0', REPORTS_TIME_ZONE: 'UTC' });
  const service = await startService({
    config,
    log: createLogger('silent'),
    pbx: { id: PBX_ID, host: '127.0.0.1', port: amiPort, username: 'crm', secret: 'crmsecret', authType: 'plain' },
    listen: true,
    ui: { root },
  }).catch(async (err: unknown) => {
    await sim.close();
    throw err;
  });
  await service.directory.upsertUser({ login: 'alice', name: 'Alice Agent', password: PASSWORDS.alice, extensions: ['101'] });
  await service.directory.upsertUser({ login: 'bob', name: 'Bob Agent', password: PASSWORDS.bob, extensions: ['102'] });
  await service.callLog.upsertMany(SEED.map((c) => ({ call: c })));
  return {
    service,
    url: service.url!,
    stop: async () => {
      await service.stop();
      await sim.close();
    },
  };
}

before(async () => {
  const [service, chromium] = await Promise.allSettled([startRig(), launchBrowser()]);
  if (service.status === 'fulfilled') rig = service.value;
  if (chromium.status === 'fulfilled') browser = chromium.value;
  if (service.status === 'rejected') throw service.reason;
  if (chromium.status === 'rejected') throw chromium.reason;
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
});

after(async () => {
  await browser?.close();
  await rig?.stop();
});

async function signInAs(p: Page, login: string, password: string, heading = 'Live calls'): Promise<void> {
  await p.goto(rig.url);
  await p.getByLabel(/Login|Логин/).fill(login);
  await p.getByLabel(/Password|Пароль/).fill(password);
  await p.getByRole('button', { name: /Sign in|Войти/ }).click();
  await p.getByRole('heading', { name: heading }).waitFor(WAIT);
}

/** A table's rows as their cells' text. */
async function rows(p: Page, table: string): Promise<string[][]> {
  const body = p.locator(`section[data-table="${table}"] table tbody tr`);
  return body.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())));
}

test('the admin sees the week by line and by agent with the right counts', async () => {
  await signInAs(page, 'admin', PASSWORDS.admin);
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor(WAIT);
  await page.goto(rig.url.replace(/\/$/, '') + WEEK);
  await page.locator('section[data-table="lines"] table tbody tr').first().waitFor(WAIT);
  await page.getByText('Every agent’s calls, days in UTC.').waitFor(WAIT);
  // Line, calls, incoming, outgoing, answered (share), missed, abandoned, p50, p90, talk...
  const lines = await rows(page, 'lines');
  assert.deepEqual(lines.map((r) => r.slice(0, 7)), [
    ['5550100', '3', '3', '0', '2 (66.7%)', '1 (33.3%)', '0 (0%)'],
    ['5550200', '2', '2', '0', '1 (50%)', '0 (0%)', '1 (50%)'],
    ['No line (outgoing, internal)', '1', '0', '1', '0', '0', '0'],
  ]);
  assert.deepEqual(lines[0]!.slice(7, 10), ['0:04', '0:12', '3:00']);
  const agents = await rows(page, 'agents');
  assert.deepEqual(agents.map((r) => r.slice(0, 4)), [
    ['Alice Agent (101)', '2', '1', '1'],
    ['Bob Agent (102)', '1', '0', '2'],
  ]);
  // The picture: one bar group per day, the days' words for screen readers.
  assert.equal(await page.locator('section[data-table="periods"] svg .report-bar').count(), 7);
  assert.match((await page.locator('section[data-table="periods"] svg').getAttribute('aria-label')) ?? '', /answered 1, missed 1, abandoned 0/);
  assert.equal(await page.locator('section[data-table="lines"] svg .report-hbar').count(), 3);
  const tiles = await page.locator('.report-tile-value').allTextContents();
  assert.equal(tiles[0], '6');
  assert.equal(tiles[1], '60%', 'answered: 3 of 5 incoming');
  await page.screenshot({ path: SCREENSHOTS + 'reports-week.png', fullPage: true });
  assert.deepEqual(pageErrors, []);
});

test('by week, and a quick range, keep the address in step', async () => {
  await page.getByRole('radio', { name: 'Week' }).check();
  await page.waitForURL(/group=week/, WAIT);
  await page.locator('section[data-table="periods"] table tbody tr').filter({ hasText: 'Week of' }).first().waitFor(WAIT);
  const periods = await rows(page, 'periods');
  assert.equal(periods.length, 1);
  assert.equal(periods[0]![1], '6');
  await page.getByRole('button', { name: 'Last 30 days' }).click();
  await page.waitForURL((url) => url.searchParams.get('from') !== '2026-11-23', WAIT);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('group'), 'week');
  const from = Date.parse(`${url.searchParams.get('from')}T00:00:00Z`);
  const to = Date.parse(`${url.searchParams.get('to')}T00:00:00Z`);
  assert.equal((to - from) / 86_400_000, 29);
});

test('each table downloads as CSV with the counts the page shows', async () => {
  await page.goto(rig.url.replace(/\/$/, '') + WEEK);
  await page.locator('section[data-table="lines"] table tbody tr').first().waitFor(WAIT);
  const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('link', { name: 'Download “By line” as CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'calls-lines-2026-11-23-2026-11-29.csv');
  const text = await readFile((await download.path())!, 'utf8');
  const csv = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n').map((l) => l.split(','));
  assert.deepEqual(csv.map((r) => r.slice(0, 8)), [
    ['Line (DID)', 'Calls', 'Incoming', 'Outgoing', 'Internal', 'Answered', 'Missed', 'Abandoned'],
    ['5550100', '3', '3', '0', '0', '2', '1', '0'],
    ['5550200', '2', '2', '0', '0', '1', '0', '1'],
    ['(no line)', '1', '0', '1', '0', '0', '0', '0'],
  ]);
  const [agentsCsv] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('link', { name: 'Download “By agent” as CSV' }).click()]);
  const agentRows = (await readFile((await agentsCsv.path())!, 'utf8')).trimEnd().split('\r\n').slice(1).map((l) => l.split(',').slice(0, 5));
  assert.deepEqual(agentRows, [
    ['Alice Agent', '101', '2', '1', '1'],
    ['Bob Agent', '102', '1', '0', '2'],
  ]);
});

test('an agent sees only their own calls; in Russian with a Russian browser', async () => {
  const ru = await launchBrowser({ locale: 'ru-RU' });
  try {
    const p = ru.context.pages()[0] ?? (await ru.context.newPage());
    await signInAs(p, 'bob', PASSWORDS.bob, 'Текущие звонки');
    await p.goto(rig.url.replace(/\/$/, '') + WEEK);
    await p.locator('section[data-table="lines"] table tbody tr').first().waitFor(WAIT);
    await p.getByText('Ваши звонки', { exact: false }).first().waitFor(WAIT);
    const lines = await rows(p, 'lines');
    // Bob's: line 5550200's two, and the missed call on 5550100 that rang his phone too.
    assert.deepEqual(lines.map((r) => r.slice(0, 2)), [
      ['5550200', '2'],
      ['5550100', '1'],
    ]);
    assert.deepEqual((await rows(p, 'agents')).map((r) => r.slice(0, 4)), [['Bob Agent (102)', '1', '0', '2']]);
    await p.getByRole('link', { name: 'Скачать «По линиям» в CSV' }).waitFor(WAIT);
    await p.screenshot({ path: SCREENSHOTS + 'reports-week-ru.png', fullPage: true });
  } finally {
    await ru.close();
  }
});
