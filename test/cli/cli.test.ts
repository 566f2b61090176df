/**
 * The admin command line against the PBX simulator on an ephemeral port: `main()` runs in-process
 * with string collectors for stdout and stderr (and an AbortSignal in place of Ctrl-C); one test
 * runs the real bin in a child process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main, type CliIo } from '../../src/cli/main.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';

const USERNAME = 'crm';
const SECRET = 'crmsecret';
const WRONG_SECRET = 'not-the-secret-7f3a';
const TRANSCRIPT = fileURLToPath(new URL('../fixtures/ami-transcripts/01-inbound-answered-101.ami', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/crm-telephony.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function fakeIo(env: Record<string, string>, signal?: AbortSignal): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    env,
    ...(signal ? { signal } : {}),
  };
  return { io, out };
}

async function run(argv: string[], env: Record<string, string>): Promise<Run> {
  const { io, out } = fakeIo(env);
  const code = await main(argv, io);
  return { code, ...out };
}

/** A port on which nothing listens: bound by the OS, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once `check()` holds; fails the test after `ms` with what was seen. */
async function until(check: () => boolean, what: () => string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('crm-telephony ami', () => {
  let sim: AmiSimulator;
  let env: Record<string, string>;

  before(async () => {
    sim = new AmiSimulator({ port: 0, username: USERNAME, secret: SECRET });
    const { host, port } = await sim.listen();
    env = { AMI_HOST: host, AMI_PORT: String(port), AMI_USERNAME: USERNAME, AMI_SECRET: SECRET };
  });
  after(async () => {
    await sim.close();
  });

  describe('send', () => {
    it('prints the response to Ping as JSON and exits 0', async () => {
      const r = await run(['ami', 'send', 'Ping'], env);
      assert.equal(r.code, 0, r.stderr);
      const printed = JSON.parse(r.stdout);
      assert.equal(printed.response.Response, 'Success');
      assert.equal(printed.response.Ping, 'Pong');
      assert.deepEqual(printed.events, []);
      assert.equal(printed.complete, undefined);
      assert.equal(r.stderr, '');
    });

    it('prints the list events and the closing event of CoreShowChannels', async () => {
      sim.emitEvent({
        Event: 'Newchannel',
        Privilege: 'call,all',
        Channel: 'PJSIP/101-000000aa',
        ChannelState: '4',
        ChannelStateDesc: 'Ring',
        CallerIDNum: '101',
        CallerIDName: 'Alice Agent',
        Context: 'from-internal',
        Exten: '102',
        Priority: '1',
        Uniqueid: '1795460000.170',
        Linkedid: '1795460000.170',
      });
      const r = await run(['ami', 'send', 'CoreShowChannels'], env);
      assert.equal(r.code, 0, r.stderr);
      const printed = JSON.parse(r.stdout);
      assert.equal(printed.response.EventList, 'start');
      assert.ok(printed.events.length >= 1, r.stdout);
      assert.ok(printed.events.every((e: { Event: string }) => e.Event === 'CoreShowChannel'));
      assert.ok(printed.events.some((e: { Channel: string }) => e.Channel === 'PJSIP/101-000000aa'));
      assert.equal(printed.complete.Event, 'CoreShowChannelsComplete');
      assert.equal(printed.complete.ListItems, String(printed.events.length));
    });

    it('sends repeated keys as repeated lines, in order, splitting each pair at its first "="', async () => {
      const r = await run(
        ['ami', 'send', 'Originate', 'Channel=PJSIP/101', 'Context=from-internal', 'Exten=102', 'Priority=1', 'Variable=a=1', 'Variable=b=2'],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const sent = sim.actions.map((a) => a.message).filter((m) => m.get('Action') === 'Originate').at(-1);
      assert.ok(sent, 'the simulator saw no Originate');
      assert.deepEqual(sent.getAll('Variable'), ['a=1', 'b=2']);
      assert.equal(sent.get('Channel'), 'PJSIP/101');
    });

    it('still prints an Error response, and exits 1', async () => {
      const r = await run(['ami', 'send', 'Originate', 'Exten=102'], env);
      assert.equal(r.code, 1);
      const printed = JSON.parse(r.stdout);
      assert.equal(printed.response.Response, 'Error');
      assert.match(printed.response.Message, /Channel/);
    });

    it('lets flags override the environment', async () => {
      const wrong = { ...env, AMI_PORT: String(await freePort()), AMI_SECRET: WRONG_SECRET };
      const r = await run(['ami', 'send', 'Ping', '--AMI_PORT', env['AMI_PORT']!, '--secret', SECRET], wrong);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).response.Ping, 'Pong');
    });

    it('reports a wrong secret as a refused login, exits 1, and never prints a secret', async () => {
      const r = await run(['ami', 'send', 'Ping'], { ...env, AMI_SECRET: WRONG_SECRET });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: .*refused the AMI login/);
      assert.equal(r.stdout, '');
      for (const secret of [WRONG_SECRET, SECRET]) {
        assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), 'a secret was printed');
      }
    });

    it('says nothing accepts connections when the port is closed', async () => {
      const r = await run(['ami', 'send', 'Ping'], { ...env, AMI_PORT: String(await freePort()) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: Nothing accepts connections at 127\.0\.0\.1:\d+/);
      assert.equal(r.stdout, '');
    });

    it('says the port is not an Asterisk Manager Interface when something else answers', async () => {
      const ssh = net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'));
      await new Promise<void>((resolve) => ssh.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = ssh.address() as net.AddressInfo;
        const r = await run(['ami', 'send', 'Ping', '--port', String(port)], env);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /not an Asterisk Manager Interface/);
        assert.match(r.stderr, /SSH-2\.0-OpenSSH_9\.2/);
      } finally {
        await new Promise<void>((resolve) => ssh.close(() => resolve()));
      }
    });

    it('logs in as the configured default user (crm) when AMI_USERNAME is not set, as the README says', async () => {
      const { AMI_USERNAME: _, ...noUser } = env;
      const r = await run(['ami', 'send', 'Ping'], noUser);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).response.Ping, 'Pong');
      const help = await run(['ami', 'send', '--help'], {});
      assert.match(help.stdout, /Env AMI_USERNAME; default crm\./);
    });

    it('exits 2 naming what to set when the secret is missing, before connecting', async () => {
      const { AMI_SECRET: _, ...noSecret } = env;
      const before = sim.actions.length;
      const r = await run(['ami', 'send', 'Ping'], noSecret);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /AMI_SECRET/);
      assert.match(r.stderr, /--secret/);
      assert.match(r.stderr, /\[crm\] section/, 'names the user whose secret it is');
      assert.equal(sim.actions.length, before, 'nothing should be sent');
    });

    it('exits 2 on a pair without "=" or with a line break, before connecting', async () => {
      const before = sim.actions.length;
      const noEquals = await run(['ami', 'send', 'Getvar', 'Variable'], env);
      assert.equal(noEquals.code, 2);
      assert.match(noEquals.stderr, /Key=Value/);
      const injected = await run(['ami', 'send', 'Getvar', 'Variable=X\r\nAction: Originate'], env);
      assert.equal(injected.code, 2);
      assert.match(injected.stderr, /line break/);
      assert.equal(sim.actions.length, before, 'nothing should be sent');
    });

    it('reports an unexpected failure in words, with the stack only when DEBUG is set', async () => {
      let stderr = '';
      const failing = (debug: boolean): CliIo => ({
        stdout: {
          write: () => {
            throw new Error('disk full');
          },
        },
        stderr: { write: (s: string) => (stderr += s) },
        env: { ...env, ...(debug ? { DEBUG: '1' } : {}) },
      });
      assert.equal(await main(['ami', 'send', 'Ping'], failing(false)), 1);
      assert.match(stderr, /^error: crm-telephony failed unexpectedly: disk full\n/);
      assert.match(stderr, /DEBUG=1/);
      assert.doesNotMatch(stderr, /\n\s+at /);
      stderr = '';
      assert.equal(await main(['ami', 'send', 'Ping'], failing(true)), 1);
      assert.match(stderr, /\n\s+at /);
    });

    it('prints usage for --help and exits 0', async () => {
      const r = await run(['ami', 'send', '--help'], {});
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: crm-telephony ami send <Action>/);
      assert.match(r.stdout, /--AMI_SECRET, --secret/);
    });
  });

  describe('tail', () => {
    it('prints only the --events it was asked for, one JSON object per line, until stopped', async () => {
      const expected = (readFileSync(TRANSCRIPT, 'latin1').match(/^Event: Newchannel\r?$/gm) ?? []).length;
      assert.ok(expected > 0, 'the transcript should hold Newchannel events');
      const stop = new AbortController();
      const { io, out } = fakeIo(env, stop.signal);
      const tail = main(['ami', 'tail', '--events', 'NEWCHANNEL'], io);
      await until(
        () => out.stderr.includes('Connected to'),
        () => out.stderr,
      );

      await sim.replay(TRANSCRIPT);
      // Events arrive in order on one connection: once this one is printed, the replay is all in.
      sim.emitEvent({ Event: 'Newchannel', Privilege: 'call,all', Channel: 'Local/end-of-replay', Uniqueid: '0.999' });
      const lines = (): string[] => out.stdout.split('\n').filter((l) => l !== '');
      await until(
        () => out.stdout.includes('Local/end-of-replay'),
        () => out.stdout,
      );
      stop.abort();
      assert.equal(await tail, 0, out.stderr);

      const events = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(events.length, expected + 1, out.stdout);
      assert.ok(events.every((e) => e['Event'] === 'Newchannel'));
      assert.equal(events[0]!['Channel'], 'PJSIP/carrier-00000000');
      assert.equal(events[0]!['CallerIDName'], 'John Customer');
      assert.ok(!out.stderr.includes('error'), out.stderr);
    });

    it('prints repeated keys as arrays', async () => {
      const stop = new AbortController();
      const { io, out } = fakeIo(env, stop.signal);
      const tail = main(['ami', 'tail', '--events', 'UserEvent'], io);
      await until(
        () => out.stderr.includes('Connected to'),
        () => out.stderr,
      );
      sim.emitEvent([
        ['Event', 'UserEvent'],
        ['Privilege', 'user,all'],
        ['UserEvent', 'CrmCheck'],
        ['Variable', 'a=1'],
        ['Variable', 'b=2'],
      ]);
      await until(
        () => out.stdout.includes('CrmCheck'),
        () => out.stdout,
      );
      stop.abort();
      assert.equal(await tail, 0);
      assert.deepEqual(JSON.parse(out.stdout.trim())['Variable'], ['a=1', 'b=2']);
    });

    it('reconnects after the PBX drops the connection, saying so on stderr', async () => {
      const stop = new AbortController();
      const { io, out } = fakeIo(env, stop.signal);
      const tail = main(['ami', 'tail', '--events', 'UserEvent'], io);
      await until(
        () => out.stderr.includes('Connected to'),
        () => out.stderr,
      );
      await sim.dropClients();
      // The first retry comes after about half a second (exponential backoff with jitter).
      await until(
        () => out.stderr.includes('Reconnected to'),
        () => out.stderr,
      );
      assert.match(out.stderr, /Lost the connection to 127\.0\.0\.1:\d+: the PBX closed the connection.*Trying again in \d+\.\d s \(attempt 1\)/);
      sim.emitEvent({ Event: 'UserEvent', Privilege: 'user,all', UserEvent: 'AfterReconnect' });
      await until(
        () => out.stdout.includes('AfterReconnect'),
        () => out.stdout,
      );
      stop.abort();
      assert.equal(await tail, 0, out.stderr);
    });

    it('connects as the default user crm without AMI_USERNAME (the README gives it that default)', async () => {
      const { AMI_USERNAME: _, ...noUser } = env;
      const stop = new AbortController();
      const { io, out } = fakeIo(noUser, stop.signal);
      const tail = main(['ami', 'tail'], io);
      await until(
        () => out.stderr.includes('Connected to') || out.stderr.includes('error'),
        () => out.stderr,
      );
      stop.abort();
      assert.equal(await tail, 0, out.stderr);
      assert.match(out.stderr, /^Connected to 127\.0\.0\.1:\d+ \(AMI [^)]+\) as crm; printing every event\./);
    });

    it('reports an unreachable PBX at once instead of retrying, and exits 1', async () => {
      const r = await run(['ami', 'tail'], { ...env, AMI_PORT: String(await freePort()) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: Nothing accepts connections/m);
      assert.equal(r.stdout, '');
    });
  });

  it('runs as a command: node bin/crm-telephony.js ami send Ping', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [BIN, 'ami', 'send', 'Ping', '--AMI_HOST', env['AMI_HOST']!, '--AMI_PORT', env['AMI_PORT']!],
      { env: { PATH: process.env['PATH'], AMI_USERNAME: USERNAME, AMI_SECRET: SECRET }, timeout: 30_000 },
    );
    assert.equal(JSON.parse(stdout).response.Ping, 'Pong');
  });
});
