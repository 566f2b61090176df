/**
 * Replays every recorded SuiteCRM 7.14.6 exchange (test/fixtures/suitecrm-api/) and every SuiteCRM
 * 8.7.1 one (test/fixtures/suitecrm8-api/, the fake in its SuiteCRM 8 mode with 8.7.1's data) in the
 * order they were recorded (number order, but for 8.7.1's PATCH 73, recorded after 80: later files use
 * records earlier ones created) against the fake, and requires the same status, the same
 * Content-Type and the same body, byte for byte, trailing text included. Secrets and tokens are
 * placeholders in the recordings; the replay puts the fake's own in (requests) and takes them out
 * (answers). The fake's clock is the recording's, and its new ids are the ids SuiteCRM gave.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { FakeSuiteCrm, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_USER_PASSWORD } from '../fakes/fake-suitecrm.ts';

interface RecordingSet {
  version: '7' | '8';
  dir: URL;
  count: number;
  /** The API root's path on the recorded site. */
  prefix: string;
  /** The OAuth2 client the recordings used. */
  clientId: string;
  /** The fake's clock at the start, and when the recording deleted "Dora" (113 shows it). */
  startsAt: string;
  deletesAt: string;
  /** Files recorded out of number order: replayed where they were recorded (after the file named). */
  after: Record<string, number>;
}

const SETS: readonly RecordingSet[] = [
  { version: '7', dir: new URL('../fixtures/suitecrm-api/', import.meta.url), count: 105, prefix: '', clientId: FAKE_CLIENT_ID, startsAt: '2026-11-23T20:14:41Z', deletesAt: '2026-11-23T20:14:42Z', after: {} },
  {
    version: '8',
    dir: new URL('../fixtures/suitecrm8-api/', import.meta.url),
    count: 66,
    prefix: '/legacy',
    clientId: 'ad0a6b64-4181-4f79-9bf1-8cd4c911fa67',
    startsAt: '2026-12-06T12:50:15Z',
    deletesAt: '2026-12-06T12:50:18Z',
    after: { '73': 80 },
  },
];

interface Exchange {
  name: string;
  request: { method: string; path_and_query: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: Record<string, string>; body_text: string };
}

function exchanges(set: RecordingSet): Exchange[] {
  const files = readdirSync(set.dir).filter((f) => /^\d+[a-z]?_.*\.json$/.test(f));
  const key = (f: string): [number, string] => {
    const m = /^(\d+)([a-z]?)_/.exec(f)!;
    return [set.after[m[1]!] !== undefined ? set.after[m[1]!]! + 0.5 : Number(m[1]), m[2]!];
  };
  files.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1].localeCompare(key(b)[1]));
  return files.map((f) => JSON.parse(readFileSync(new URL(f, set.dir), 'utf8')) as Exchange);
}

/** The ids SuiteCRM gave the records created while recording, in order. */
function createdIds(all: Exchange[], set: RecordingSet): string[] {
  const ids: string[] = [];
  for (const x of all) {
    if (x.response.status !== 201 && !x.request.body?.startsWith('method=set_entry')) continue;
    if (x.request.path_and_query === `${set.prefix}/Api/V8/module` && x.request.method === 'POST') ids.push((JSON.parse(x.response.body_text) as { data: { id: string } }).data.id);
    if (x.request.body?.startsWith('method=set_entry')) ids.push((JSON.parse(x.response.body_text) as { id: string }).id);
  }
  return ids;
}

/** Where the first difference is, for a readable failure. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `at ${i}: got ${JSON.stringify(a.slice(Math.max(0, i - 60), i + 60))}\n expected ${JSON.stringify(b.slice(Math.max(0, i - 60), i + 60))}`;
}

for (const set of SETS) {
test(`the fake SuiteCRM ${set.version} answers all ${set.count} recorded exchanges exactly as SuiteCRM ${set.version === '7' ? '7.14.6' : '8.7.1'} did`, async (t) => {
  const all = exchanges(set);
  assert.equal(all.length, set.count, `the recording has ${set.count} exchanges`);
  const ids = createdIds(all, set);
  let clock = Date.parse(set.startsAt);
  const fake = new FakeSuiteCrm({
    now: () => clock,
    newId: () => ids.shift() ?? 'ids-ran-out',
    version: set.version,
    ...(set.version === '8' ? { recordings: 'suitecrm8-api' as const, clients: { [set.clientId]: { secret: FAKE_CLIENT_SECRET, grant: 'client_credentials' as const, userId: '1' } } } : {}),
  });
  // 8.7.1's fixture shows admin as modified after the recording (UI sessions, its README): as recorded, 12:42:14.
  if (set.version === '8') fake.store.get('Users', '1')!.attrs['date_modified'] = '2026-12-06 12:42:14';
  await fake.start();
  t.after(() => fake.stop());

  const secrets = { token: '', second: '', revoked: '', refresh: [] as string[], session: '' };
  const md5 = createHash('md5').update(FAKE_USER_PASSWORD).digest('hex');
  const failures: string[] = [];
  for (const x of all) {
    // The recording deleted "Dora" a second after creating her (113 shows 20:14:42).
    if (x.name.startsWith('94_')) clock = Date.parse(set.deletesAt);
    const fill = (s: string): string =>
      s
        .replaceAll('<client_secret>', FAKE_CLIENT_SECRET)
        .replaceAll('<md5_of_password>', md5)
        .replaceAll('<password>', FAKE_USER_PASSWORD)
        .replaceAll('<refresh_token>', secrets.refresh[0] ?? '')
        .replaceAll('<session_id>', secrets.session);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(x.request.headers)) {
      headers[k] =
        k !== 'Authorization'
          ? v
          : v
              .replace('<token>', secrets.token)
              .replace('<token_2>', (secrets.second ||= fake.oauth.issue('1')))
              .replace('<expired_token>', fake.oauth.issue('1', -60))
              .replace('<revoked_token>', secrets.revoked);
    }
    const res = await fetch(`${fake.url}${x.request.path_and_query}`, { method: x.request.method, headers, ...(x.request.body !== null ? { body: fill(x.request.body) } : {}) });
    let body = await res.text();

    // Take the fake's secrets out of the answer, and remember those later requests use.
    if (x.request.path_and_query === `${set.prefix}/Api/access_token` && res.status === 200) {
      const parsed = JSON.parse(body) as { access_token: string; refresh_token?: string };
      if (secrets.token === '') secrets.token = parsed.access_token;
      body = body.replace(parsed.access_token, '<access_token>');
      if (parsed.refresh_token) {
        secrets.refresh.push(parsed.refresh_token);
        body = body.replace(parsed.refresh_token, secrets.refresh.length === 1 ? '<refresh_token>' : `<refresh_token_${secrets.refresh.length}>`);
      }
    }
    if (x.request.body?.startsWith('method=login') && res.status === 200) {
      const parsed = JSON.parse(body) as { id?: string };
      if (typeof parsed.id === 'string') {
        secrets.session = parsed.id;
        body = body.replace(parsed.id, '<session_id>');
      }
    }
    if (x.request.path_and_query === `${set.prefix}/Api/V8/logout`) {
      // 7.14.6 logged out its token and went on with a new one; 8.7.1 logged out a second token.
      if (x.request.headers['Authorization']?.includes('<token_2>')) secrets.revoked = secrets.second;
      else {
        secrets.revoked = secrets.token;
        secrets.token = fake.oauth.issue('1');
      }
    }

    const problems: string[] = [];
    if (res.status !== x.response.status) problems.push(`status ${res.status}, recorded ${x.response.status}`);
    if (res.headers.get('content-type') !== x.response.headers['Content-Type']) problems.push(`Content-Type ${res.headers.get('content-type')}, recorded ${x.response.headers['Content-Type']}`);
    if (body !== x.response.body_text) problems.push(`body differs ${firstDifference(body, x.response.body_text)}`);
    if (problems.length > 0) failures.push(`${x.name}: ${problems.join('; ')}`);
  }
  assert.deepEqual(failures, [], `\n${failures.join('\n\n')}`);
});
}
