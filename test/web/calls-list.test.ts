/**
 * The call lists (`GET /api/calls`, `GET /api/calls/missed`): a wrong query parameter is named with
 * what it takes (issue 16: `limit=abc` was answered "use number or entity"), pages follow the
 * opaque `next` cursor without skipping or repeating calls that started in the same instant, and
 * every call carries its number as people read it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';
import { callsRoutes } from '../../src/web/routes/calls-routes.ts';
import { CallLog, type LoggableCall } from '../../src/store/call-log.ts';
import { loggable } from '../support/calls.ts';

let t: TestApp;
let log: CallLog;
let h: Record<string, string>;
let root: Record<string, string>;

const SAME = '2026-11-24T10:00:00.000Z';

before(async () => {
  t = await buildTestApp({}, ({ store }) => {
    log = new CallLog(store);
    return [(app) => callsRoutes(app, { callLog: log, defaultRegion: 'US' })];
  });
  // Alice's extension 101 rang for nine calls: five missed ones in the same instant, the rest apart.
  const calls: LoggableCall[] = [
    ...['m3', 'm1', 'm5', 'm2', 'm4'].map((n) => loggable({ id: `default:${n}`, startedAt: SAME, disposition: 'missed', rang: ['101'] })),
    loggable({ id: 'default:a1', startedAt: '2026-11-24T11:00:00.000Z', rang: ['101'], answeredBy: '101', externalNumber: '+74951234567', normalizedNumber: '+74951234567' }),
    loggable({ id: 'default:a2', startedAt: '2026-11-24T09:00:00.000Z', rang: ['101'], answeredBy: '101', externalNumber: null, normalizedNumber: null }),
    loggable({ id: 'default:a3', startedAt: '2026-11-24T08:00:00.000Z', rang: ['101'], answeredBy: '101', externalNumber: '101', normalizedNumber: null, direction: 'internal' }),
    loggable({ id: 'default:a4', startedAt: '2026-11-24T07:00:00.000Z', rang: ['101'], answeredBy: '101' }),
  ];
  await log.upsertMany(calls.map((call) => ({ call })));
  const alice = await signIn(t.app, 'alice', 'alice-pw');
  h = { cookie: alice.cookie, 'x-csrf-token': alice.csrf };
  const admin = await signIn(t.app, 'root', 'root-pw');
  root = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
});
after(() => t.close());

const get = async (url: string, headers = h) => t.app.inject({ method: 'GET', url, headers });

test('GET /api/calls?limit=abc says what is wrong with limit, not that a filter is required (issue 16)', async () => {
  const cases: [string, string][] = [
    ['/api/calls?limit=abc', 'limit must be a whole number from 1 to 500; got "abc".'],
    ['/api/calls?limit=0', 'limit must be a whole number from 1 to 500; got "0".'],
    ['/api/calls?limit=501', 'limit must be a whole number from 1 to 500; got "501".'],
    ['/api/calls?limit=2.5', 'limit must be a whole number from 1 to 500; got "2.5".'],
    ['/api/calls?limit=', 'limit must be a whole number from 1 to 500; got "".'],
    ['/api/calls?limit=5&limit=6', 'limit is given more than once; give it once.'],
    ['/api/calls?before=yesterday', 'before must be a UTC time in ISO 8601 form, such as 2026-11-23T19:57:08Z; got "yesterday".'],
    ['/api/calls?entity=contact:../../etc', 'entity must be contact:<id>, account:<id> or lead:<id>; got "contact:../../etc".'],
    ['/api/calls?cursor=not-ours', 'cursor must be the "next" of the page before, as it was given (leave it out for the first page); got "not-ours".'],
    [`/api/calls?number=${'1'.repeat(101)}`, 'number must be a phone number of at most 100 characters; got 101 characters.'],
    ['/api/calls/missed?limit=abc', 'limit must be a whole number from 1 to 500; got "abc".'],
  ];
  for (const [url, message] of cases) {
    const res = await get(url);
    assert.equal(res.statusCode, 400, url);
    assert.deepEqual(res.json(), { error: { code: 'BAD_REQUEST', message } }, url);
  }
  // A long value is shortened in the answer.
  const long = await get(`/api/calls?before=${'x'.repeat(300)}`);
  assert.equal(long.json().error.message, `before must be a UTC time in ISO 8601 form, such as 2026-11-23T19:57:08Z; got "${'x'.repeat(39)}…".`);
  // Good values pass; parameters the list does not know are ignored as before.
  assert.equal((await get('/api/calls?limit=500&before=2026-11-25T00:00:00Z&foo=bar')).statusCode, 200);
});

test('pages follow next: calls that started in the same instant are neither skipped nor repeated; next is null on a page that is not full', async () => {
  const all = ['default:a1', 'default:m5', 'default:m4', 'default:m3', 'default:m2', 'default:m1', 'default:a2', 'default:a3', 'default:a4'];
  for (const limit of [1, 2, 3, 4]) {
    const seen: string[] = [];
    let url = `/api/calls?limit=${limit}`;
    for (let i = 0; i < 20; i++) {
      const body = (await get(url)).json() as { calls: { record: { id: string } }[]; next: string | null };
      seen.push(...body.calls.map((c) => c.record.id));
      if (body.next === null) {
        assert.ok(body.calls.length < limit || body.calls.length === 0, 'a full page always offers the next');
        break;
      }
      assert.equal(body.calls.length, limit);
      assert.match(body.next, /^[A-Za-z0-9_-]+$/, 'the cursor goes into a URL as it is');
      url = `/api/calls?limit=${limit}&cursor=${body.next}`;
    }
    assert.deepEqual(seen, all, `limit ${limit}`);
  }
  const whole = (await get('/api/calls')).json();
  assert.equal(whole.calls.length, 9);
  assert.equal(whole.next, null);

  // The missed list pages the same way (the person's, and everyone's for an admin).
  for (const [url, headers] of [['/api/calls/missed?limit=2', h], ['/api/calls/missed?all=1&limit=2', root]] as const) {
    const first = (await get(url, headers)).json();
    assert.deepEqual(first.calls.map((c: { record: { id: string } }) => c.record.id), ['default:m5', 'default:m4'], url);
    const second = (await get(`${url}&cursor=${first.next}`, headers)).json();
    assert.deepEqual(second.calls.map((c: { record: { id: string } }) => c.record.id), ['default:m3', 'default:m2'], url);
    const third = (await get(`${url}&cursor=${second.next}`, headers)).json();
    assert.deepEqual(third.calls.map((c: { record: { id: string } }) => c.record.id), ['default:m1'], url);
    assert.equal(third.next, null);
  }

  // `before` still pages by time.
  const older = (await get(`/api/calls?before=${encodeURIComponent(SAME)}`)).json();
  assert.deepEqual(older.calls.map((c: { record: { id: string } }) => c.record.id), ['default:a2', 'default:a3', 'default:a4']);
});

test('each logged call carries externalNumberFormatted: national for the home region, international otherwise, null when withheld', async () => {
  const body = (await get('/api/calls')).json() as { calls: { record: { id: string }; externalNumberFormatted: string | null; handledBy: string | null }[] };
  const formatted = Object.fromEntries(body.calls.map((c) => [c.record.id, c.externalNumberFormatted]));
  assert.equal(formatted['default:m1'], '(555) 123-0001');
  assert.equal(formatted['default:a1'], '+7 495 123 45 67');
  assert.equal(formatted['default:a2'], null);
  assert.equal(formatted['default:a3'], '101', 'an extension as it is');
  assert.deepEqual(Object.keys(body.calls[0]!).sort(), ['externalNumberFormatted', 'handledAt', 'handledBy', 'record']);
  const missed = (await get('/api/calls/missed')).json();
  assert.equal(missed.calls[0].externalNumberFormatted, '(555) 123-0001');
  const byNumber = (await get('/api/calls?number=%2B74951234567')).json();
  assert.deepEqual(byNumber.calls.map((c: { externalNumberFormatted: string }) => c.externalNumberFormatted), ['+7 495 123 45 67']);
  assert.deepEqual((await get('/api/calls?number=anonymous')).json(), { calls: [], next: null });
});
