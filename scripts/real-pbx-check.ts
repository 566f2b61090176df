/**
 * Issue 14's "Done when", against real Asterisk PBXs with real SIP calls (not part of `npm test`:
 * CI has no Asterisk). Two service processes on one PostgreSQL follow PBX 1; an agent is signed in
 * on both; a real call is placed and the instance that follows the PBX is killed (SIGKILL) while
 * the call is going on, once each way; the call's record must come out answered, by the right
 * extension, with the PBX's own talk time (its CDR), once, and the agent on the survivor must have
 * seen the whole card. A second PBX beside the first is followed with its own extensions (101 there
 * is another person). A second process on one SQLite file is refused in words.
 *
 *   REAL_PBX_CALL='/opt/asterisk-peer/call.sh -i {pbx} -d 5550100 -c {caller} -a {answer} -t {talk}' \
 *   REAL_PBX_CDR_CSV=/opt/asterisk-peer/var/log/asterisk/cdr-csv/Master.csv \
 *   npx tsx scripts/real-pbx-check.ts           # issue 14: two instances, kills, a second PBX, SQLite
 *   npx tsx scripts/real-pbx-check.ts missed    # issue 17: a missed call's item closed by a real callback
 *
 * PBX 1's AMI: REAL_PBX_AMI_PORT (5038); PBX 2's: REAL_PBX2_AMI_PORT (5138); both on 127.0.0.1,
 * user `crm`, secret REAL_PBX_AMI_SECRET (`crmsecret`). The PBXs run the dialplan of
 * ../shared/ami-transcripts/asterisk-config (DID 5550100 rings 101; callers arrive from `carrier`).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/store.ts';
import { Directory } from '../src/directory/directory.ts';
import type { CallRecord } from '../src/calls/record.ts';
import { createTestDatabase } from '../test/support/engines.ts';
import { sseFrames } from '../test/support/sse.ts';
import { freePort, instances, launch, leads, signInWithCsrf, until, type Instance } from '../test/cluster/support.ts';

const CALL = process.env['REAL_PBX_CALL'] ?? '/opt/asterisk-peer/call.sh -i {pbx} -d 5550100 -c {caller} -a {answer} -t {talk}';
const CDR_CSV = process.env['REAL_PBX_CDR_CSV'] ?? '/opt/asterisk-peer/var/log/asterisk/cdr-csv/Master.csv';
const SECRET = process.env['REAL_PBX_AMI_SECRET'] ?? 'crmsecret';
const PORT1 = process.env['REAL_PBX_AMI_PORT'] ?? '5038';
const PORT2 = process.env['REAL_PBX2_AMI_PORT'] ?? '5138';
const RECORDINGS = process.env['REAL_PBX_RECORDINGS'] ?? '/opt/asterisk-peer/var/spool/asterisk/monitor';

interface Card {
  callId: string;
  state: string;
  extension?: string;
}

function watch(instance: Instance, cookie: string): { cards: Card[]; close(): void } {
  const cards: Card[] = [];
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${instance.url}/api/events`, { headers: { cookie }, signal: controller.signal });
    for await (const f of sseFrames(res.body as unknown as AsyncIterable<Uint8Array>)) {
      if ((f.event === undefined || f.event === 'call') && f.data !== undefined) cards.push(JSON.parse(f.data) as Card);
    }
  })().catch(() => undefined);
  return { cards, close: () => controller.abort() };
}

/** Places one real call (in the background); resolves when sipp is done. */
function placeCall(pbx: 1 | 2, caller: string, answerS: number, talkS: number): Promise<string> {
  // A negative answer delay: nobody answers (the dialplan's Dial times out: a missed call).
  const command = CALL.replaceAll('{pbx}', String(pbx)).replaceAll('{caller}', caller).replaceAll('{answer}', answerS < 0 ? 'never' : String(answerS)).replaceAll('{talk}', String(talkS));
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => (code === 0 || answerS < 0 ? resolve(out) : reject(new Error(`the call command failed (${code}):\n${out}`))));
  });
}

/** The PBX's own CDR of the call from this caller that the Dial to 101 answered: its billable seconds. */
function cdrBillsec(caller: string): number | null {
  // cdr_csv columns: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
  // start, answer, end, duration, billsec, disposition, amaflags, uniqueid, userfield.
  const rows = readFileSync(CDR_CSV, 'utf8').trim().split('\n').map(csvFields);
  const row = rows.reverse().find((r) => r[1] === caller && r[14] === 'ANSWERED');
  return row ? Number(row[13]) : null;
}

/** One CSV line's fields (quoted with doubled quotes inside, or bare numbers). */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] ?? '')));
}

async function storedCall(url: string, caller: string): Promise<CallRecord[]> {
  const store = await openStore({ url });
  try {
    const rows = await store.db.selectFrom('calls').select('record_json').where('normalized_number', '=', caller).execute();
    return rows.map((r) => JSON.parse(r.record_json) as CallRecord);
  } finally {
    await store.close();
  }
}

const alive = (i: Instance): boolean => i.child.exitCode === null && i.child.signalCode === null;

const leader = async (pbx = 'default'): Promise<Instance> => until(async () => {
  for (const i of instances) if (alive(i) && (await leads(i))?.[pbx] === 'leading') return i;
  return undefined;
}, `a leader of ${pbx}`);

async function main(): Promise<void> {
  const database = await createTestDatabase('t_realpbx');
  const dir = mkdtempSync(join(tmpdir(), 'real-pbx-'));
  const configFile = join(dir, 'pbxs.json');
  writeFileSync(configFile, JSON.stringify({ pbxs: [{ id: 'branch', name: 'Branch office', ami: { host: '127.0.0.1', port: Number(PORT2), username: 'crm', secretEnv: 'BRANCH_AMI_SECRET', auth: 'md5' } }] }));
  const results: string[] = [];
  try {
    const store = await openStore({ url: database.url });
    const directory = new Directory(store, { defaultRegion: 'US' });
    const alice = (await directory.upsertUser({ login: 'alice', name: 'Alice', password: 'alice-password', extensions: ['101'] })).id;
    await directory.upsertUser({ login: 'bob', name: 'Bob (branch)', password: 'bob-password', extensions: ['101@branch'] });
    for (const [n, num] of [1, 2, 3].map((n) => [n, `+1555123000${n}`] as const)) {
      await directory.upsertContact({ firstName: 'Customer', lastName: String(n), assignedUserId: alice, phones: [{ kind: 'mobile', number: num }] });
    }
    await store.close();

    const env = { DATABASE_URL: database.url, AMI_HOST: '127.0.0.1', AMI_PORT: PORT1, AMI_USERNAME: 'crm', AMI_SECRET: SECRET, AMI_AUTH: 'md5', BRANCH_AMI_SECRET: SECRET, CRM_TELEPHONY_CONFIG: configFile, CDR_SOURCE: 'csv', CDR_CSV_PATH: CDR_CSV, TRUNK_ENDPOINTS: 'carrier', LOG_LEVEL: process.env['REAL_PBX_DIAG'] ? 'debug' : 'warn', RECORDINGS_PBX_DIR: RECORDINGS, RECORDINGS_LOCAL_DIR: RECORDINGS };
    await launch('a', env);
    await leader();
    await launch('b', env);

    for (const [round, caller] of [
      [1, '+15551230001'],
      [2, '+15551230002'],
    ] as const) {
      const lead = await leader();
      const survivor = instances.find((i) => i !== lead && alive(i))!;
      const onLead = watch(lead, (await signInWithCsrf(lead, 'alice', 'alice-password')).cookie);
      const onSurvivor = watch(survivor, (await signInWithCsrf(survivor, 'alice', 'alice-password')).cookie);
      await new Promise((r) => setTimeout(r, 500));
      const call = placeCall(1, caller, 2, 12);
      // Killed while they talk: ring 2 s, then 4 s into the conversation.
      const answered = await until(() => onSurvivor.cards.find((c) => c.state === 'answered'), 'the answered card on the survivor', 20_000);
      assert.ok(onLead.cards.some((c) => c.callId === answered.callId && c.state === 'ringing'), 'the pop reached the agent on the leader too');
      await new Promise((r) => setTimeout(r, 4_000));
      const killedAt = Date.now();
      lead.child.kill('SIGKILL');
      onLead.close();
      await until(async () => (await leads(survivor))?.['default'] === 'leading', 'the survivor to take over');
      const takeoverMs = Date.now() - killedAt;
      await call;
      const ended = await until(() => onSurvivor.cards.find((c) => c.callId === answered.callId && c.state === 'ended'), 'the ended card on the survivor', 20_000).catch(async (err: unknown) => {
        console.error('cards on the survivor:', JSON.stringify(onSurvivor.cards.map((c) => [c.callId, c.state])));
        if (process.env['REAL_PBX_DIAG']) {
          await new Promise((r) => setTimeout(r, 3000));
          console.error('stored:', JSON.stringify(await storedCall(database.url, caller), null, 1));
          console.error('survivor log:\n' + survivor.output.join(''));
        }
        throw err;
      });
      const billsec = cdrBillsec(caller);
      // The record settles once the PBX's CDR is read for the gap.
      const records = await until(async () => {
        const r = await storedCall(database.url, caller);
        return r.length === 1 && r[0]!.status === 'ended' && (billsec === null || r[0]!.talkSeconds === billsec) ? r : undefined;
      }, 'the stored call to settle', 60_000).catch(async () => storedCall(database.url, caller));
      const record = records[0]!;
      const line = `round ${round} (killed ${lead.name}): takeover ${takeoverMs} ms; card ${ended.state} on ${survivor.name}; rows ${records.length}; ${record.disposition} by ${record.answeredBy}; talk ${record.talkSeconds} s (PBX CDR billsec ${billsec}); ring ${record.ringSeconds} s; fromCdr ${record.fromCdr}`;
      results.push(line);
      console.log(line);
      assert.equal(records.length, 1, 'one row');
      assert.equal(record.disposition, 'answered');
      assert.equal(record.answeredBy, '101');
      assert.equal(record.talkSeconds, billsec, 'the PBX talk time');
      onSurvivor.close();
      // The killed one comes back as a standby for the next round.
      await launch(lead.name, env);
    }

    // The second PBX: its 101 is Bob, not Alice.
    const anyOne = instances.find((i) => alive(i))!;
    const bob = watch(anyOne, (await signInWithCsrf(anyOne, 'bob', 'bob-password')).cookie);
    const aliceCards = watch(anyOne, (await signInWithCsrf(anyOne, 'alice', 'alice-password')).cookie);
    await leader('branch');
    await new Promise((r) => setTimeout(r, 500));
    await placeCall(2, '+15551230003', 2, 3);
    const bobs = await until(() => (bob.cards.some((c) => c.state === 'ended') ? bob.cards : undefined), "the branch call on Bob's stream", 20_000);
    const branchRecords = await storedCall(database.url, '+15551230003');
    const line = `branch PBX: Bob's cards ${[...new Set(bobs.map((c) => c.state))].join(',')} (extension ${bobs[0]?.extension}); Alice's cards for it ${aliceCards.cards.filter((c) => c.callId === bobs[0]?.callId).length}; stored ${branchRecords.map((r) => `${r.id} ${r.disposition} by ${r.answeredBy}`).join('; ')}`;
    results.push(line);
    console.log(line);
    assert.equal(aliceCards.cards.filter((c) => c.callId === bobs[0]?.callId).length, 0, "the branch's 101 is not Alice");
    assert.equal(branchRecords[0]?.answeredBy, '101@branch');
    bob.close();
    aliceCards.close();
  } finally {
    for (const i of instances) i.child.kill('SIGKILL');
    await database.drop();
  }

  // SQLite: one process per file.
  const file = join(dir, 'one.sqlite');
  const first = await launch('sqlite-1', { DATABASE_URL: file, AMI_HOST: '127.0.0.1', AMI_PORT: PORT1, AMI_SECRET: SECRET });
  const second = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, DATABASE_URL: file, HTTP_PORT: String(await freePort()), AGI_PORT: '0', AMI_HOST: '127.0.0.1', AMI_PORT: PORT1, AMI_SECRET: SECRET }, encoding: 'utf8', timeout: 30_000 });
  first.child.kill('SIGTERM');
  const words = (second.stderr + second.stdout).split('\n').find((l) => /Another crm-telephony service/.test(l)) ?? '(no refusal found)';
  results.push(`second process on one SQLite file: exit ${second.status}; ${words.trim().slice(0, 300)}`);
  console.log(results.at(-1));
  assert.notEqual(second.status, 0);
  console.log('\nall checks passed:\n' + results.join('\n'));
}

/**
 * Issue 17 on the real PBX: a missed call from a contact's number is its responsible user's item;
 * calling back through the product (a real Originate: the agent's phone, then the customer's)
 * closes it by itself. REAL_PBX_PHONES starts phones that answer (agent and customer) for the callback.
 */
async function missedAndCallback(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'real-pbx-missed-'));
  const phones = process.env['REAL_PBX_PHONES'] ?? '/opt/asterisk-peer/phones.sh {action} -i 1 -a 2 --ac 2 -t 5';
  const store = await openStore({ url: join(dir, 'missed.sqlite') });
  const directory = new Directory(store, { defaultRegion: 'US' });
  const aliceId = (await directory.upsertUser({ login: 'alice', name: 'Alice', password: 'alice-password', extensions: ['101'] })).id;
  await directory.upsertContact({ firstName: 'Mary', lastName: 'Missed', assignedUserId: aliceId, phones: [{ kind: 'mobile', number: '+1 555 123 0002' }] });
  await store.close();
  const service = await launch('missed', { DATABASE_URL: join(dir, 'missed.sqlite'), AMI_HOST: '127.0.0.1', AMI_PORT: PORT1, AMI_SECRET: SECRET, C2C_CONTEXT: 'click-to-call', TRUNK_ENDPOINTS: 'carrier', CDR_SOURCE: 'csv', CDR_CSV_PATH: CDR_CSV });
  try {
    const alice = await signInWithCsrf(service, 'alice', 'alice-password');
    const items = async (status: string) => ((await (await fetch(`${service.url}/api/missed-items?status=${status}`, { headers: { cookie: alice.cookie } })).json()) as { items: { id: string; number: string; count: number; callerName: string; ownerReason: string; closeReason: string | null; closedBy: { name: string } | null }[] }).items;
    await placeCall(1, '+15551230002', -1, 0);
    const [item] = await until(async () => ((await items('open')).length === 1 ? items('open') : undefined), 'the missed item', 30_000);
    console.log(`missed: item for ${item!.callerName} (${item!.ownerReason}), ${item!.count} call`);
    spawnSync('bash', ['-c', phones.replace('{action}', 'start')], { stdio: 'inherit' });
    try {
      const placed = await fetch(`${service.url}/api/calls`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: alice.cookie, 'x-csrf-token': alice.csrf }, body: JSON.stringify({ number: item!.number }) });
      assert.equal(placed.status, 202, await placed.text());
      const [closed] = await until(async () => ((await items('closed')).length === 1 ? items('closed') : undefined), 'the item closed by the callback', 40_000);
      console.log(`callback: item ${closed!.closeReason} by ${closed!.closedBy?.name}`);
      assert.equal(closed!.closeReason, 'callback');
      assert.equal(closed!.closedBy?.name, 'Alice');
    } finally {
      spawnSync('bash', ['-c', phones.replace('{action}', 'stop').replace(/ -a .*$/, '')], { stdio: 'inherit' });
    }
  } finally {
    service.child.kill('SIGTERM');
  }
}

(process.argv[2] === 'missed' ? missedAndCallback() : main()).catch((err: unknown) => {
  console.error(err);
  for (const i of instances) i.child.kill('SIGKILL');
  process.exitCode = 1;
});
