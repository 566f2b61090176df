/**
 * `crm-telephony calls from-capture <file.ami>` through `main()` in-process: the JSON array it
 * prints for real captures (facts from the fixtures' README), its options, and its refusals in words.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type CliIo } from '../../src/cli/main.ts';
import type { CallRecord } from '../../src/calls/record.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/ami-transcripts/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

/** The fields the issue requires of every printed call. */
const REQUIRED = [
  'id',
  'direction',
  'externalNumber',
  'normalizedNumber',
  'did',
  'rang',
  'answeredBy',
  'disposition',
  'startedAt',
  'answeredAt',
  'endedAt',
  'ringSeconds',
  'talkSeconds',
  'transfers',
  'hangupBy',
  'recording',
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  calls: CallRecord[];
}

async function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env };
  const code = await main(argv, io);
  const calls = code === 0 && out.stdout.startsWith('[') ? (JSON.parse(out.stdout) as CallRecord[]) : [];
  return { code, ...out, calls };
}

async function analyse(name: string, ...flags: string[]): Promise<CallRecord[]> {
  const r = await run(['calls', 'from-capture', fixture(name), ...flags]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  for (const call of r.calls) for (const key of REQUIRED) assert.ok(key in call, `${name}: field ${key}`);
  return r.calls;
}

/** Within one second: the set-1 captures' clocks (CEL, Cdr) are whole seconds. */
function near(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= 1, `${what}: ${actual} ≈ ${expected}`);
}

describe('calls from-capture', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'calls-from-capture-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('01 inbound answered: one call, every field the issue lists, times from the capture', async () => {
    const [call, ...rest] = await analyse('01-inbound-answered-101.ami');
    assert.equal(rest.length, 0);
    const c = call!;
    assert.equal(c.id, 'default:1795463828.0', 'named as the service names it');
    assert.equal(c.direction, 'inbound');
    assert.equal(c.externalNumber, '+15551230001');
    assert.equal(c.normalizedNumber, '+15551230001');
    assert.equal(c.externalName, 'John Customer');
    assert.equal(c.did, '5550100');
    assert.deepEqual(c.rang, ['101']);
    assert.equal(c.answeredBy, '101');
    assert.equal(c.disposition, 'answered');
    assert.equal(c.startedAt, '2026-11-23T19:57:08.000Z');
    near(c.ringSeconds, 2, 'ring');
    near(c.talkSeconds, 3, 'talk');
    assert.equal(Date.parse(c.endedAt!) - Date.parse(c.startedAt!), 5000, 'Cdr Duration 5');
    assert.deepEqual(c.transfers, []);
    assert.equal(c.hangupBy, 'caller');
    assert.equal(c.recording, '20261123-195708-+15551230001-1795463828.0.wav');
    assert.equal(c.status, 'ended');
    assert.equal(c.endReason, 'hangup');
  });

  it('05 ring group: both rang in order, 102 answered', async () => {
    const [c] = await analyse('05-ringgroup-101-102-answered-by-102.ami');
    assert.deepEqual(c!.rang, ['101', '102']);
    assert.equal(c!.answeredBy, '102');
    assert.equal(c!.did, '5550200');
    near(c!.ringSeconds, 3, 'ring');
    near(c!.talkSeconds, 5, 'talk');
    assert.equal(c!.recording, '20261123-195754-+15551230005-1795463874.7.wav');
  });

  it('transfers: blind, attended and redirect, each as {from, to, kind}', async () => {
    const kinds: [string, string][] = [
      ['08-blind-transfer-101-to-102.ami', 'blind'],
      ['09-attended-transfer-101-to-102.ami', 'attended'],
      ['16-redirect-caller-from-101-to-102.ami', 'redirect'],
    ];
    for (const [file, kind] of kinds) {
      const calls = await analyse(file);
      assert.equal(calls.length, 1, file);
      const c = calls[0]!;
      assert.deepEqual(c.transfers.map(({ from, to, kind: k }) => ({ from, to, kind: k })), [{ from: '101', to: '102', kind }], file);
      assert.equal(c.answeredBy, '101', file);
      assert.deepEqual(c.rang, ['101', '102'], file);
      assert.equal(c.disposition, 'answered', file);
      assert.equal(c.hangupBy, 'caller', file);
    }
  });

  it('missed, unavailable and abandoned calls: dispositions, and no recording where nothing was recorded', async () => {
    const [missed] = await analyse('02-inbound-noanswer-101.ami');
    assert.equal(missed!.disposition, 'missed');
    assert.equal(missed!.answeredBy, null);
    assert.equal(missed!.answeredAt, null);
    near(missed!.ringSeconds, 15, 'missed ring');
    assert.equal(missed!.talkSeconds, 0);
    assert.equal(missed!.recording, null);
    const [unavailable] = await analyse('04-inbound-unavailable-104.ami');
    assert.equal(unavailable!.disposition, 'unavailable');
    assert.deepEqual(unavailable!.rang, []);
    const [abandoned] = await analyse('a1-queue-caller-abandons.ami');
    assert.equal(abandoned!.disposition, 'abandoned');
    assert.equal(abandoned!.queue, 'support');
    assert.equal(abandoned!.ringSeconds, 6, 'the queue HoldTime');
    assert.equal(abandoned!.hangupBy, 'caller');
  });

  it('07 click-to-call: outbound, the number dialled, our click-to-call id', async () => {
    const [c] = await analyse('07-click-to-call-originate-101-to-customer.ami');
    assert.equal(c!.direction, 'outbound');
    assert.equal(c!.externalNumber, '15559876543');
    assert.equal(c!.normalizedNumber, '+15559876543');
    assert.equal(c!.clickToCallId, 'crm-c2c-0001');
    assert.equal(c!.answeredBy, '101');
    near(c!.talkSeconds, 4, 'talk');
  });

  it('a session with no call prints [] (12 idle actions, 14 a failed login)', async () => {
    assert.deepEqual(await analyse('12-actions-ping-coreshowchannels-status-idle.ami'), []);
    assert.deepEqual(await analyse('14-failed-login.ami'), []);
  });

  it('several calls in one capture: one object per call, in the order they started', async () => {
    const second = readFileSync(fixture('05-ringgroup-101-102-answered-by-102.ami'));
    const withoutBanner = second.subarray(second.indexOf('\r\n') + 2);
    const file = join(dir, 'two-calls.ami');
    writeFileSync(file, Buffer.concat([readFileSync(fixture('01-inbound-answered-101.ami')), withoutBanner]));
    const r = await run(['calls', 'from-capture', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls.map((c) => [c.id, c.answeredBy]), [
      ['default:1795463828.0', '101'],
      ['default:1795463874.7', '102'],
    ]);
  });

  it('--pbx-id names the calls; --region reads national numbers; a capture without a clock gives null times', async () => {
    const events = [
      ['Event: Newchannel', 'Channel: PJSIP/carrier-00000001', 'ChannelStateDesc: Ring', 'CallerIDNum: 84951234567', 'CallerIDName: <unknown>', 'Context: from-pstn', 'Exten: 5550100', 'Uniqueid: caller.1', 'Linkedid: caller.1'],
      ['Event: HangupRequest', 'Channel: PJSIP/carrier-00000001', 'Uniqueid: caller.1', 'Linkedid: caller.1', 'Cause: 16'],
      ['Event: Hangup', 'Channel: PJSIP/carrier-00000001', 'Uniqueid: caller.1', 'Linkedid: caller.1', 'Cause: 16', 'Cause-txt: Normal Clearing'],
    ];
    const file = join(dir, 'no-banner.ami');
    writeFileSync(file, events.map((lines) => `${lines.join('\r\n')}\r\n\r\n`).join(''));
    const r = await run(['calls', 'from-capture', file, '--region', 'ru', '--pbx-id', 'moscow'], { DEFAULT_REGION: 'US' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.calls.length, 1);
    const c = r.calls[0]!;
    assert.equal(c.id, 'moscow:caller.1');
    assert.equal(c.externalNumber, '84951234567');
    assert.equal(c.normalizedNumber, '+74951234567');
    assert.equal(c.externalName, null);
    assert.equal(c.startedAt, null);
    assert.equal(c.endedAt, null);
    assert.equal(c.disposition, 'abandoned');
    // DEFAULT_REGION from the environment when no --region is given.
    const ru = await run(['calls', 'from-capture', file], { DEFAULT_REGION: 'RU' });
    assert.equal(ru.calls[0]!.normalizedNumber, '+74951234567');
  });

  it('--trunk makes an extension-like endpoint an outside line', async () => {
    const text = readFileSync(fixture('01-inbound-answered-101.ami'), 'latin1').replaceAll('PJSIP/carrier-', 'PJSIP/5000-').replaceAll('from-pstn', 'trunk-in');
    const file = join(dir, 'trunk-5000.ami');
    writeFileSync(file, Buffer.from(text, 'latin1'));
    const plain = await run(['calls', 'from-capture', file]);
    assert.equal(plain.calls[0]!.direction, 'internal', 'without the flag, 5000 looks like an extension');
    const flagged = await run(['calls', 'from-capture', file, '--trunk', '5000']);
    assert.equal(flagged.calls[0]!.direction, 'inbound');
    assert.equal(flagged.calls[0]!.externalNumber, '+15551230001');
    assert.deepEqual((await run(['calls', 'from-capture', file], { TRUNK_ENDPOINTS: 'other, 5000' })).calls[0]!.direction, 'inbound');
  });

  it('refuses in words, exit 2: missing file, folder, empty file, not a capture, bad flags', async () => {
    mkdirSync(join(dir, 'folder'), { recursive: true });
    writeFileSync(join(dir, 'empty.ami'), '');
    const cases: [string[], RegExp][] = [
      [['calls', 'from-capture'], /Give the capture to analyse/],
      [['calls', 'from-capture', 'a.ami', 'b.ami'], /Give one capture file; got 2/],
      [['calls', 'from-capture', join(dir, 'missing.ami')], /There is no file ".*missing\.ami" \(looked for .*\)\. Check the path/],
      [['calls', 'from-capture', join(dir, 'folder')], /is a folder; name the \.ami file inside it/],
      [['calls', 'from-capture', join(dir, 'empty.ami')], /is empty/],
      [['calls', 'from-capture', fixture('a1-queue-caller-abandons.expected.json')], /is not an AMI capture: it holds no AMI message/],
      [['calls', 'from-capture', fixture('recordings/20261123-195708-+15551230001-1795463828.0.wav')], /is not an AMI capture/],
      [['calls', 'from-capture', fixture('01-inbound-answered-101.ami'), '--region', 'UK'], /"UK" is not a region code\. Use GB, not UK\./],
      [['calls', 'from-capture', fixture('01-inbound-answered-101.ami'), '--pbx-id', ' '], /--pbx-id is empty/],
      [['calls', 'from-capture', fixture('01-inbound-answered-101.ami'), '--verbose'], /Unknown option '--verbose'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', 'nothing on stdout');
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^error: /);
    }
    const unknown = await run(['calls', 'to-capture']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "calls to-capture"/);
  });

  it('a capture cut off in the middle of a message: the rest is analysed, with a note on stderr', async () => {
    const bytes = readFileSync(fixture('01-inbound-answered-101.ami'));
    const file = join(dir, 'cut.ami');
    writeFileSync(file, Buffer.concat([bytes, Buffer.from('Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/carr')]));
    const r = await run(['calls', 'from-capture', file]);
    assert.equal(r.code, 0);
    assert.equal(r.calls.length, 1);
    assert.equal(r.calls[0]!.answeredBy, '101');
    assert.match(r.stderr, /^note: 1 stretch of ".*cut\.ami" did not decode as AMI and was skipped/);
  });

  it('--help prints the usage; the top-level help lists the command', async () => {
    const help = await run(['calls', 'from-capture', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: crm-telephony calls from-capture <file\.ami>/);
    assert.match(help.stdout, /--region/);
    assert.match(help.stdout, /--pbx-id/);
    const top = await run(['--help']);
    assert.match(top.stdout, /calls from-capture <file\.ami>/);
  });
});
