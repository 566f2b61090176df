/**
 * The rollup-backed report is the live one, exactly (issue 17, part 3), on both engines (SQLite and
 * the real PostgreSQL, a fresh schema each): over a seeded history of six weeks across Berlin's
 * change from summer time, for the company and for agents (one extension, two), after a past day's
 * call is written again (a late CDR's correction), after the missed-calls workflow marks calls
 * called back, in another zone and back, and with two instances building the same days at once.
 * A control shows the comparison can fail: a change that does not move `updated_at` leaves the
 * rollup behind.
 *
 * `rollupSettleMs: 0`: every call here is written moments before it is read, well inside the
 * default five minutes, which would read every day live and prove nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { loggable } from '../../test/support/calls.ts';
import { CallLog, type LoggableCall } from '../store/call-log.ts';
import type { ReportedFields } from '../store/call-log-plan.ts';
import { MissedItems } from '../store/missed-items.ts';
import { Reports, type ReportRequest, type ReportViewer } from './reports.ts';
import type { Report } from './report-model.ts';

const NOW = new Date('2026-11-10T10:00:00.000Z');
const BERLIN = 'Europe/Berlin';
const AGENTS = ['101', '102', '103', '104', '105', '106'];
const LINES = ['+15550100', '+15550101', '5550200'];
const QUEUES = ['sales', 'support', null];
const ADMIN: ReportViewer = { id: 'admin', role: 'admin', extensions: [] };
const RANGE = { from: '2026-10-01', to: '2026-11-10' };

type Call = LoggableCall & ReportedFields;

/** A small seeded PRNG (mulberry32): the same history every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 1,500 calls from 2026-10-01 to NOW (Berlin: the 25 October change inside), many near local midnight. */
function history(): { calls: Call[]; calledBack: Map<string, string> } {
  const rnd = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const from = Date.parse('2026-09-30T22:00:00.000Z');
  const span = NOW.getTime() - 3_600_000 - from;
  const calls: Call[] = [];
  const calledBack = new Map<string, string>();
  for (let i = 0; i < 1500; i++) {
    // A fifth of the calls within 20 minutes of a Berlin midnight (22:00 or 23:00 UTC).
    let start = from + Math.floor(rnd() * span);
    if (rnd() < 0.2) start = start - (start % 86_400_000) + (rnd() < 0.5 ? 22 : 23) * 3_600_000 + Math.floor((rnd() - 0.5) * 2_400_000);
    if (start >= NOW.getTime()) start = NOW.getTime() - 60_000;
    const startedAt = new Date(start).toISOString();
    const ring = Math.floor(rnd() * 45);
    const talk = Math.floor(rnd() * 900);
    const agent = pick(AGENTS);
    const r = rnd();
    const id = `default:h.${i}`;
    const base = { id, startedAt, endedAt: new Date(start + (ring + talk) * 1000).toISOString(), ringSeconds: ring, talkSeconds: 0, queue: null as string | null, answeredAt: null as string | null };
    if (r < 0.6) {
      const d = rnd();
      const disposition = d < 0.7 ? 'answered' : d < 0.85 ? 'missed' : d < 0.93 ? 'abandoned' : 'busy';
      const rang = [...new Set([agent, pick(AGENTS), ...(rnd() < 0.3 ? [pick(AGENTS)] : [])])];
      const answered = disposition === 'answered';
      calls.push({
        ...loggable({ ...base, did: pick(LINES), answeredBy: answered ? agent : null, disposition, rang, normalizedNumber: `+1555000${String(i % 97).padStart(4, '0')}` }),
        ringSeconds: ring,
        talkSeconds: answered ? talk : 0,
        queue: pick(QUEUES),
        answeredAt: answered ? new Date(start + ring * 1000).toISOString() : null,
      });
      if (!answered && rnd() < 0.7) calledBack.set(id, new Date(start + pick([5, 40, 300, 1500]) * 60_000).toISOString());
    } else if (r < 0.92) {
      const answered = rnd() < 0.6;
      calls.push({ ...loggable({ ...base, direction: 'outbound', did: null, callerExtension: agent, answeredBy: answered ? agent : null, disposition: answered ? 'answered' : pick(['missed', 'busy', 'failed']) }), ringSeconds: ring, talkSeconds: answered ? talk : 0, queue: null });
    } else {
      const other = pick(AGENTS);
      const answered = rnd() < 0.8;
      calls.push({ ...loggable({ ...base, direction: 'internal', did: null, externalNumber: null, normalizedNumber: null, callerExtension: agent, rang: [other], answeredBy: answered ? other : null, disposition: answered ? 'answered' : 'missed' }), ringSeconds: ring, talkSeconds: answered ? talk : 0, queue: null });
    }
  }
  return { calls, calledBack };
}

const { calls: HISTORY, calledBack: CALLED_BACK } = history();

for (const engine of ENGINES) {
  describe(`reports' rollup on ${engine}: the same report as the live computation`, () => {
    let ts: TestStore;
    let log: CallLog;
    const users = async () => AGENTS.map((e, i) => ({ id: `u${i}`, name: `Agent ${e}`, extensions: e === '106' ? ['105', '106'] : [e] })).filter((u) => u.extensions[0] !== '105');
    const reports = (timeZone: string, rollup: boolean) => new Reports(ts.store, { users, timeZone, now: () => NOW, rollup, rollupSettleMs: 0 });
    const both = async (request: Omit<ReportRequest, 'viewer'> & { viewer?: ReportViewer }, zone = BERLIN): Promise<{ rolled: Report; live: Report }> => {
      const r = { viewer: ADMIN, ...request };
      const [rolled, live] = [await reports(zone, true).report(r), await reports(zone, false).report(r)];
      return { rolled, live };
    };
    const rolledDays = async (zone = BERLIN, scope = '*'): Promise<number> =>
      Number((await sql<{ n: number | string }>`select count(*) as n from report_rollup_days where zone = ${zone} and scope = ${scope}`.execute(ts.store.db)).rows[0]!.n);

    before(async () => {
      ts = await openTestStore(engine);
      log = new CallLog(ts.store);
      await log.upsertMany(HISTORY.map((call) => ({ call })));
      for (const [id, at] of CALLED_BACK) await ts.store.db.updateTable('calls').set({ called_back_at: at }).where('id', '=', id).execute();
    });
    after(async () => {
      await ts?.dispose();
    });

    test('six weeks by day and by month, for the company: built on the first read, read from the rollup on the second, equal to live both times', async () => {
      for (const group of ['day', 'month'] as const) {
        const first = await both({ ...RANGE, group });
        assert.deepEqual(first.rolled, first.live);
        assert.ok(first.live.totals.calls > 1400 && first.live.totals.calls <= 1500, `${first.live.totals.calls} calls`);
        assert.ok(first.live.totals.calledBack15m > 0 && first.live.totals.calledBackSameDay > first.live.totals.calledBack1h);
        // Every day but today is kept; today is read live.
        assert.equal(await rolledDays(), 40);
        const second = await both({ ...RANGE, group });
        assert.deepEqual(second.rolled, second.live);
      }
      // A range inside the rolled-up days, and one that ends today, read again.
      for (const range of [{ from: '2026-10-20', to: '2026-10-31' }, { from: '2026-11-09', to: '2026-11-10' }]) {
        const r = await both({ ...range, group: 'week' });
        assert.deepEqual(r.rolled, r.live);
      }
    });

    test('agents see their own calls from the rollup (one extension; two extensions counted once a call), equal to live', async () => {
      for (const extensions of [['101'], ['105', '106']]) {
        const viewer: ReportViewer = { id: extensions[0] === '101' ? 'u0' : 'u5', role: 'agent', extensions };
        for (let i = 0; i < 2; i++) {
          const r = await both({ ...RANGE, group: 'week', viewer });
          assert.deepEqual(r.rolled, r.live);
          assert.equal(r.live.scope, 'own');
          assert.ok(r.live.totals.calls > 100);
        }
        assert.equal(await rolledDays(BERLIN, JSON.stringify(extensions)), 40);
      }
    });

    test('control: a change that does not move updated_at is not seen by the rollup (the comparison can fail)', async () => {
      const call = HISTORY.find((c) => c.disposition === 'answered' && c.startedAt! < '2026-10-15')!;
      await sql`update calls set talk_seconds = talk_seconds + 1000 where id = ${call.id}`.execute(ts.store.db);
      const stale = await both({ ...RANGE, group: 'month' });
      assert.equal(stale.live.totals.talkSeconds - stale.rolled.totals.talkSeconds, 1000);
      // Moving updated_at (as every writer does) is enough for the day to be read again.
      await sql`update calls set updated_at = ${new Date().toISOString()} where id = ${call.id}`.execute(ts.store.db);
      const fresh = await both({ ...RANGE, group: 'month' });
      assert.deepEqual(fresh.rolled, fresh.live);
    });

    test("a past day's call written again (a late correction: answered -> missed, another line and queue) is counted as it is now", async () => {
      const before = await both({ ...RANGE, group: 'day' });
      const call = HISTORY.find((c) => c.direction === 'inbound' && c.disposition === 'answered' && c.startedAt! < '2026-10-10')!;
      const corrected: Call = { ...call, disposition: 'missed', answeredBy: null, did: '5559999', queue: 'late', talkSeconds: 0, answeredAt: null, rang: ['104'] };
      await log.upsertMany([{ call: corrected }]);
      const after = await both({ ...RANGE, group: 'day' });
      assert.deepEqual(after.rolled, after.live);
      assert.equal(after.live.totals.missed, before.live.totals.missed + 1);
      assert.ok(after.rolled.lines.some((l) => l.line === '5559999') && after.rolled.queues.some((q) => q.queue === 'late'));
      // The agent who now missed it sees it in their own report.
      const viewer: ReportViewer = { id: 'u3', role: 'agent', extensions: ['104'] };
      const own = await both({ ...RANGE, group: 'day', viewer });
      assert.deepEqual(own.rolled, own.live);
    });

    test('missed calls marked called back by the missed-calls workflow (markCalledBack) are counted as called back', async () => {
      const before = await both({ ...RANGE, group: 'month' });
      const missed = HISTORY.filter((c) => c.direction === 'inbound' && c.disposition === 'missed' && !CALLED_BACK.has(c.id) && c.startedAt! < '2026-11-01');
      const number = missed[0]!.normalizedNumber!;
      const last = missed.filter((c) => c.normalizedNumber === number).at(-1)!;
      // Reached 10 minutes after the number's last missed call: every earlier uncalled missed call of it is called back then.
      await new MissedItems(ts.store).closeReached({ number, at: new Date(Date.parse(last.startedAt!) + 600_000).toISOString(), reason: 'callback', byUserId: null, callId: 'default:cb' });
      const after = await both({ ...RANGE, group: 'month' });
      assert.deepEqual(after.rolled, after.live);
      assert.ok(after.live.totals.calledBack15m > before.live.totals.calledBack15m);
    });

    test('another zone has its own days (rolled up apart), and the first zone is kept right meanwhile', async () => {
      const ny = await both({ ...RANGE, group: 'day' }, 'America/New_York');
      assert.deepEqual(ny.rolled, ny.live);
      assert.equal(await rolledDays('America/New_York'), 40);
      assert.notDeepEqual(ny.live.periods, (await both({ ...RANGE, group: 'day' })).live.periods, 'the zones cut the days differently');
      // A change while New York is asked for is seen in Berlin's rollup too.
      const call = HISTORY.find((c) => c.disposition === 'answered' && c.startedAt! > '2026-10-25T00:30:00Z' && c.startedAt! < '2026-10-26')!;
      const longer: Call = { ...call, talkSeconds: (call.talkSeconds ?? 0) + 77 };
      await log.upsertMany([{ call: longer }]);
      const again = await both({ ...RANGE, group: 'day' }, 'America/New_York');
      assert.deepEqual(again.rolled, again.live);
      const berlin = await both({ ...RANGE, group: 'week' });
      assert.deepEqual(berlin.rolled, berlin.live);
    });

    test('two instances building the same days at once keep one copy of each day', async () => {
      const zone = 'Asia/Kolkata';
      const request: ReportRequest = { ...RANGE, group: 'day', viewer: ADMIN };
      const [a, b] = await Promise.all([reports(zone, true).report(request), reports(zone, true).report(request)]);
      const live = await reports(zone, false).report(request);
      assert.deepEqual(a, live);
      assert.deepEqual(b, live);
      const { rows } = await sql<{ n: number | string; d: number | string }>`select count(*) as n, count(distinct day) as d from report_rollup where zone = ${zone} and scope = '*' and dim = 'period'`.execute(ts.store.db);
      assert.equal(Number(rows[0]!.n), Number(rows[0]!.d), 'one period row per day');
      assert.deepEqual(await reports(zone, true).report(request), live);
    });
  });
}
