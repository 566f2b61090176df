/**
 * The reports API on both engines (SQLite and the real PostgreSQL, a fresh schema each) over a
 * seeded week: the week by line and by agent with the right counts, the company's time zone
 * deciding which calls are in the week, an agent seeing only their own calls whatever they ask,
 * the open missed items by age, every table as CSV, and wrong queries answered with what to do.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';
import { loggable } from '../support/calls.ts';
import { signIn } from '../support/web-app.ts';
import { Directory } from '../../src/directory/directory.ts';
import { Access } from '../../src/web/auth/access.ts';
import { buildWebServer } from '../../src/web/server.ts';
import { CallLog, type LoggableCall } from '../../src/store/call-log.ts';
import { Reports } from '../../src/reports/reports.ts';
import { reportsRoutes } from '../../src/web/routes/reports-routes.ts';
import { createReports } from '../../src/service/capabilities/reports.ts';
import { silentLog } from '../../src/logger.ts';
import type { Report } from '../../src/reports/report-model.ts';

const ZONE = 'Europe/Berlin';
const NOW = new Date('2026-11-30T12:00:00.000Z');
const LINE_A = '+15550100';
const LINE_B = '5550200';

type Extra = { ringSeconds?: number; talkSeconds?: number; queue?: string | null };
let n = 0;
/** An ended call at a Berlin wall time of the week of 2026-11-23 (UTC+1 then). */
const at = (berlin: string, over: Partial<LoggableCall> & Extra): LoggableCall & Extra => {
  const startedAt = new Date(`${berlin}+01:00`).toISOString();
  return { ...loggable({ id: `default:r.${++n}`, startedAt, answeredBy: null, disposition: 'missed', ...over }), ringSeconds: over.ringSeconds ?? 0, talkSeconds: over.talkSeconds ?? 0, queue: over.queue ?? null };
};
const answered = (berlin: string, did: string, ext: string, ring: number, talk: number, queue: string | null = null) =>
  at(berlin, { did, answeredBy: ext, rang: [ext], disposition: 'answered', ringSeconds: ring, talkSeconds: talk, queue });

const SEED = [
  // Line A: three answered by alice (101), one missed that rang both, one abandoned in the sales queue.
  answered('2026-11-23T09:00:00', LINE_A, '101', 4, 60, 'sales'),
  answered('2026-11-23T10:00:00', LINE_A, '101', 10, 120, 'sales'),
  answered('2026-11-24T11:00:00', LINE_A, '101', 20, 30, 'sales'),
  at('2026-11-24T12:00:00', { did: LINE_A, rang: ['101', '102'], disposition: 'missed', ringSeconds: 25 }),
  at('2026-11-25T13:00:00', { did: LINE_A, rang: ['101'], disposition: 'abandoned', ringSeconds: 40, queue: 'sales' }),
  // Line B: two answered by bob (102), one missed (rang bob: called back 10 minutes later), one busy.
  answered('2026-11-26T09:00:00', LINE_B, '102', 6, 200),
  answered('2026-11-29T23:30:00', LINE_B, '102', 8, 100), // Sunday 23:30 Berlin = 22:30 UTC: in the week
  at('2026-11-27T15:00:00', { id: 'default:r.cb', did: LINE_B, rang: ['102'], disposition: 'missed', ringSeconds: 30 }),
  at('2026-11-27T16:00:00', { did: LINE_B, rang: ['102'], disposition: 'busy' }),
  // Alice's outgoing calls: one answered, one not; no line.
  at('2026-11-25T14:00:00', { did: null, direction: 'outbound', callerExtension: '101', answeredBy: '101', disposition: 'answered', talkSeconds: 90 }),
  at('2026-11-25T15:00:00', { did: null, direction: 'outbound', callerExtension: '101', disposition: 'missed' }),
  // Outside the week in Berlin (but inside it in UTC, or the other way round).
  answered('2026-11-22T23:30:00', LINE_A, '101', 5, 5), // Sunday before: 22:30 UTC on the 22nd
  answered('2026-11-30T00:30:00', LINE_B, '102', 5, 5), // Monday after: 23:30 UTC on the 29th
];

for (const engine of ENGINES) {
  describe(`reports API on ${engine}`, () => {
    let ts: TestStore;
    let app: FastifyInstance;
    let users: { alice: string; bob: string; root: string };
    const as: Record<string, Record<string, string>> = {};

    before(async () => {
      ts = await openTestStore(engine);
      const directory = new Directory(ts.store, { defaultRegion: 'US' });
      users = {
        alice: (await directory.upsertUser({ login: 'alice', name: 'Alice Agent', password: 'alice-pw', extensions: ['101'] })).id,
        bob: (await directory.upsertUser({ login: 'bob', name: 'Bob Агент', password: 'bob-pw', extensions: ['102'] })).id,
        root: (await directory.upsertUser({ login: 'root', name: 'Admin', role: 'admin', password: 'root-pw', extensions: [] })).id,
      };
      await new CallLog(ts.store).upsertMany(SEED.map((call) => ({ call })));
      // The missed call on line B was called back ten minutes later (the missed-items code writes this).
      await ts.store.db.updateTable('calls').set({ called_back_at: new Date('2026-11-27T14:10:00.000Z').toISOString() }).where('id', '=', 'default:r.cb').execute();
      // Open missed items: alice's from 30 minutes and 2 days ago, bob's from 10 days ago; one closed.
      const item = (owner: string, minutesAgo: number, status: 'open' | 'closed') => {
        const t = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
        const id = randomUUID();
        return { id, pbx: 'default', number: `+1555${id.slice(0, 7).replace(/\D/g, '1')}`, status, owner_id: owner, owner_reason: 'responsible' as const, level: 0, miss_count: 1, first_call_id: `x:${id}`, last_call_id: `x:${id}`, first_missed_at: t, last_missed_at: t, version: 1, created_at: t, updated_at: t };
      };
      await ts.store.db.insertInto('missed_items').values([item(users.alice, 30, 'open'), item(users.alice, 2 * 1440, 'open'), item(users.bob, 10 * 1440, 'open'), item(users.bob, 10, 'closed')]).execute();
      const access = new Access(ts.store, directory);
      const capability = createReports({ store: ts.store, directory, log: silentLog, timeZone: ZONE });
      assert.equal(capability.name, 'reports');
      // The capability's own routes, with a clock of the test's (createReports takes the real one).
      const reports = new Reports(ts.store, { users: () => directory.listUsers(), timeZone: ZONE, now: () => NOW });
      app = await buildWebServer({ access, secureCookies: false, health: { pbxs: () => [], database: async () => true }, routes: [(a) => reportsRoutes(a, { reports })] });
      for (const [login, pw] of [['alice', 'alice-pw'], ['bob', 'bob-pw'], ['root', 'root-pw']] as const) {
        const s = await signIn(app, login, pw);
        as[login] = { cookie: s.cookie };
      }
    });
    after(async () => {
      await app?.close();
      await ts?.dispose();
    });

    const get = (url: string, who = 'root', headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { ...as[who], ...headers } });
    const week = async (who = 'root', extra = ''): Promise<Report> => {
      const res = await get(`/api/reports?from=2026-11-23&to=2026-11-29${extra}`, who);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as Report;
    };

    test('the week by line: the right counts, rates, time to answer and callbacks; calls outside the Berlin week left out', async () => {
      const r = await week();
      assert.equal(r.timeZone, ZONE);
      assert.equal(r.scope, 'all');
      assert.equal(r.totals.calls, 11);
      const lines = Object.fromEntries(r.lines.map((l) => [String(l.line), l]));
      assert.deepEqual(r.lines.map((l) => l.line), [LINE_A, LINE_B, null], 'busiest first, no line last');
      assert.deepEqual(pick(lines[LINE_A]!), { calls: 5, inbound: 5, answered: 3, missed: 1, abandoned: 1, answerP50: 10, answerP90: 20, talkSeconds: 210, calledBack15m: 0 });
      assert.equal(lines[LINE_A]!.answeredRate, 0.6);
      assert.deepEqual(pick(lines[LINE_B]!), { calls: 4, inbound: 4, answered: 2, missed: 2, abandoned: 0, answerP50: 6, answerP90: 8, talkSeconds: 300, calledBack15m: 1 });
      assert.equal(lines[LINE_B]!.calledBack1h, 1);
      assert.equal(lines[LINE_B]!.calledBackSameDay, 1);
      assert.equal(lines[LINE_B]!.missedRate, 0.5);
      assert.deepEqual(pick(lines['null']!), { calls: 2, inbound: 0, answered: 0, missed: 0, abandoned: 0, answerP50: null, answerP90: null, talkSeconds: 90, calledBack15m: 0 });
      assert.equal(lines['null']!.outbound, 2);
    });

    test('the week by agent: people by name with their answered, outgoing and missed calls, talk and time to answer', async () => {
      const r = await week();
      assert.deepEqual(
        r.agents.map((a) => [a.name, a.extensions, a.answered, a.outbound, a.missed, a.talkSeconds, a.answerP50, a.answerP90]),
        [
          ['Alice Agent', ['101'], 3, 2, 2, 300, 10, 20],
          ['Bob Агент', ['102'], 2, 0, 3, 300, 6, 8],
        ],
      );
      assert.deepEqual(r.agents.map((a) => a.userId), [users.alice, users.bob]);
    });

    test('the week by day, by week and by month; queues; the totals add up', async () => {
      const r = await week();
      assert.deepEqual(r.periods.map((p) => [p.period, p.calls]), [['2026-11-23', 2], ['2026-11-24', 2], ['2026-11-25', 3], ['2026-11-26', 1], ['2026-11-27', 2], ['2026-11-28', 0], ['2026-11-29', 1]]);
      assert.equal(r.periods.reduce((s, p) => s + p.calls, 0), r.totals.calls);
      const byWeek = await week('root', '&group=week');
      assert.deepEqual(byWeek.periods.map((p) => [p.period, p.from, p.to, p.calls, p.answered, p.answerP90]), [['2026-11-23', '2026-11-23', '2026-11-29', 11, 5, 20]]);
      const byMonth = (await get('/api/reports?from=2026-11-01&to=2026-12-06&group=month')).json() as Report;
      // The Monday after (Nov 30 in Berlin, still November) and the Sunday before are in; December has none.
      assert.deepEqual(byMonth.periods.map((p) => [p.period, p.calls]), [['2026-11', 13], ['2026-12', 0]]);
      assert.deepEqual(r.queues.map((q) => [q.queue, q.calls, q.answered, q.abandoned]), [['sales', 4, 3, 1], [null, 7, 2, 0]]);
    });

    test('an agent sees only their own calls, whatever they ask; the open missed items by age are theirs', async () => {
      const r = await week('alice', '&all=1&scope=all');
      assert.equal(r.scope, 'own');
      // Alice's: line A's five (one rang both of them) and her two outgoing calls.
      assert.equal(r.totals.calls, 7);
      assert.deepEqual(r.agents.map((a) => a.name), ['Alice Agent']);
      assert.deepEqual(r.lines.map((l) => [l.line, l.calls]), [[LINE_A, 5], [null, 2]]);
      assert.deepEqual(r.missedOpen.map((m) => m.open), [1, 0, 0, 1, 0, 0]);
      const bob = await week('bob');
      assert.equal(bob.totals.calls, 5, "bob's four on line B and the missed call that rang him on line A");
      assert.deepEqual(bob.missedOpen.map((m) => m.open), [0, 0, 0, 0, 0, 1]);
      const all = await week();
      assert.deepEqual(all.missedOpen, [
        { age: 'under1h', open: 1 },
        { age: '1to4h', open: 0 },
        { age: '4to24h', open: 0 },
        { age: '1to3d', open: 1 },
        { age: '3to7d', open: 0 },
        { age: 'over7d', open: 1 },
      ]);
      assert.equal((await app.inject({ method: 'GET', url: '/api/reports' })).statusCode, 401, 'signed-in people only');
    });

    test('every table exports as CSV: a header row in the asker\'s language, the rows, a file name', async () => {
      const res = await get('/api/reports/lines.csv?from=2026-11-23&to=2026-11-29');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(res.headers['content-disposition'], 'attachment; filename="calls-lines-2026-11-23-2026-11-29.csv"');
      const rows = res.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n').map((l) => l.split(','));
      assert.deepEqual(rows[0]!.slice(0, 8), ['Line (DID)', 'Calls', 'Incoming', 'Outgoing', 'Internal', 'Answered', 'Missed', 'Abandoned']);
      assert.deepEqual(rows.slice(1).map((r) => r.slice(0, 8)), [
        [`'${LINE_A}`, '5', '5', '0', '0', '3', '1', '1'],
        [LINE_B, '4', '4', '0', '0', '2', '2', '0'],
        ['(no line)', '2', '0', '2', '0', '0', '0', '0'],
      ]);
      const agents = await get('/api/reports/agents.csv?from=2026-11-23&to=2026-11-29', 'root', { 'accept-language': 'ru' });
      const lines = agents.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      assert.equal(lines[0], 'Сотрудник,Внутренние номера,Отвечено,Исходящие,Пропущено,Звонки с разговором,"Время разговоров, с","Средний разговор, с","Время до ответа p50, с","Время до ответа p90, с"');
      assert.equal(lines[2], 'Bob Агент,102,2,0,3,2,300,150,6,8');
      for (const table of ['periods', 'queues', 'missed-open']) {
        const r = await get(`/api/reports/${table}.csv?from=2026-11-23&to=2026-11-29`);
        assert.equal(r.statusCode, 200, table);
        assert.ok(r.body.split('\r\n').length > 2, table);
      }
      const own = await get('/api/reports/agents.csv?from=2026-11-23&to=2026-11-29', 'bob');
      assert.deepEqual(own.body.trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[0]), ['Bob Агент']);
    });

    test('wrong queries are answered with what to do', async () => {
      const cases: [string, number, string][] = [
        ['/api/reports?from=2026-11-31', 400, 'from must be a date written YYYY-MM-DD, such as 2026-11-23; got "2026-11-31".'],
        ['/api/reports?from=2026-11-23&to=2026-11-22', 400, 'from (2026-11-23) is after to (2026-11-22): give the earlier date as from.'],
        ['/api/reports?group=year', 400, 'group must be day, week or month; got "year".'],
        ['/api/reports?from=2024-01-01&to=2026-01-01', 400, 'From 2024-01-01 to 2026-01-01 is 732 days; a report covers at most 366 days: shorten the range.'],
        ['/api/reports?to=1&to=2', 400, 'to is given more than once; give it once.'],
        ['/api/reports/calls.csv', 404, 'There is no table "calls.csv" to export: ask for /api/reports/TABLE.csv, TABLE being one of periods, lines, agents, queues, missed-open.'],
        ['/api/reports/lines.csv?group=hour', 400, 'group must be day, week or month; got "hour".'],
      ];
      for (const [url, status, message] of cases) {
        const res = await get(url);
        assert.equal(res.statusCode, status, url);
        assert.equal(res.json().error.message, message, url);
      }
      const ru = await get('/api/reports?group=year', 'root', { 'accept-language': 'ru' });
      assert.equal(ru.json().error.message, 'group должен быть day, week или month; получено «year».');
    });
  });
}

function pick(m: Report['lines'][number]) {
  const { calls, inbound, answered, missed, abandoned, answerP50, answerP90, talkSeconds, calledBack15m } = m;
  return { calls, inbound, answered, missed, abandoned, answerP50, answerP90, talkSeconds, calledBack15m };
}
