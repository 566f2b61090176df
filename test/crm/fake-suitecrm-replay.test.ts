/**
 * Replays every recorded SuiteCRM 7.14.6 exchange (test/fixtures/suitecrm-api/, in number order: later
 * files use records earlier ones created) against the fake, and requires the same status, the same
 * Content-Type and the same body, byte for byte, trailing text included. Secrets and tokens are
 * placeholders in the recordings; the replay puts the fake's own in (requests) and takes them out
 * (answers). The fake's clock is the recording's, and its new ids are the ids SuiteCRM gave.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { FakeSuiteCrm, FAKE_CLIENT_SECRET, FAKE_USER_PASSWORD } from '../fakes/fake-suitecrm.ts';

const DIR = new URL('../fixtures/suitecrm-api/', import.meta.url);

interface Exchange {
  name: string;
  request: { method: string; path_and_query: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: Record<string, string>; body_text: string };
}

function exchanges(): Exchange[] {
  const files = readdirSync(DIR).filter((f) => /^\d+[a-z]?_.*\.json$/.test(f));
  const key = (f: string): [number, string] => {
    const m = /^(\d+)([a-z]?)_/.exec(f)!;
    return [Number(m[1]), m[2]!];
  };
  files.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1].localeCompare(key(b)[1]));
  return files.map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Exchange);
}

/** The ids SuiteCRM gave the records created while recording, in order. */
function createdIds(all: Exchange[]): string[] {
  const ids: string[] = [];
  for (const x of all) {
    if (x.response.status !== 201 && !x.request.body?.startsWith('method=set_entry')) continue;
    if (x.request.path_and_query === '/Api/V8/module' && x.request.method === 'POST') ids.push((JSON.parse(x.response.body_text) as { data: { id: string } }).data.id);
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

test('the fake SuiteCRM answers all 105 recorded exchanges exactly as SuiteCRM 7.14.6 did', async (t) => {
  const all = exchanges();
  assert.equal(all.length, 105, 'the recording has 105 exchanges');
  const ids = createdIds(all);
  let clock = Date.parse('2026-11-23T20:14:41Z');
  const fake = new FakeSuiteCrm({ now: () => clock, newId: () => ids.shift() ?? 'ids-ran-out' });
  await fake.start();
  t.after(() => fake.stop());

  const secrets = { token: '', revoked: '', refresh: [] as string[], session: '' };
  const md5 = createHash('md5').update(FAKE_USER_PASSWORD).digest('hex');
  const failures: string[] = [];
  for (const x of all) {
    // The recording deleted "Dora" a second after creating her (113 shows 20:14:42).
    if (x.name.startsWith('94_')) clock = Date.parse('2026-11-23T20:14:42Z');
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
              .replace('<expired_token>', fake.oauth.issue('1', -60))
              .replace('<revoked_token>', secrets.revoked);
    }
    const res = await fetch(`${fake.url}${x.request.path_and_query}`, { method: x.request.method, headers, ...(x.request.body !== null ? { body: fill(x.request.body) } : {}) });
    let body = await res.text();

    // Take the fake's secrets out of the answer, and remember those later requests use.
    if (x.request.path_and_query === '/Api/access_token' && res.status === 200) {
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
    if (x.request.path_and_query === '/Api/V8/logout') {
      secrets.revoked = secrets.token;
      secrets.token = fake.oauth.issue('1');
    }

    const problems: string[] = [];
    if (res.status !== x.response.status) problems.push(`status ${res.status}, recorded ${x.response.status}`);
    if (res.headers.get('content-type') !== x.response.headers['Content-Type']) problems.push(`Content-Type ${res.headers.get('content-type')}, recorded ${x.response.headers['Content-Type']}`);
    if (body !== x.response.body_text) problems.push(`body differs ${firstDifference(body, x.response.body_text)}`);
    if (problems.length > 0) failures.push(`${x.name}: ${problems.join('; ')}`);
  }
  assert.deepEqual(failures, [], `\n${failures.join('\n\n')}`);
});
