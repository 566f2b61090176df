/**
 * Recordings: Range streaming through the real HTTP route (`GET /api/recordings/:id`, signed in,
 * access check and audit on every request) from the `local` source (a folder) and the `sftp`
 * source (a real OpenSSH server on loopback, one reused SSH connection with 4 SFTP sessions, cache off so every byte comes
 * over SFTP), and copy throughput (copy mode) from each.
 *
 * Per source, listeners in a separate process (bench/recordings-listeners.ts), over keep-alive
 * connections: `single` (one listener, windows back to back: the unloaded time), then 50 at once:
 * `players` (random 256 KiB windows of random 5-minute recordings, each
 * listener pacing itself at 32x real time, as a player buffering ahead and seeking does: the TTFB
 * goal is checked here), `seek-flood` (the same windows with no pause: the most requests per second)
 * and `play-flood` (whole recordings back to back: the most MB/s). Time to first byte: request sent
 * to first body byte. Copy: every recording copied to storage by the copy queue (2 at a time),
 * verified by size. Goals (issue 7): TTFB p99 <= 20 ms local, <= 150 ms SFTP on loopback.
 *
 * Run alone with `npx tsx bench/recordings.ts`, or with every benchmark by `npm run bench`.
 * Environment (optional): BENCH_RECORDINGS_LISTENERS (50), BENCH_RECORDINGS_SECONDS per scenario
 * (10), BENCH_RECORDINGS_FILES (8), BENCH_RECORDINGS_MINUTES per file (5).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { openStore, type Store } from '../src/store/store.ts';
import { Directory } from '../src/directory/directory.ts';
import { Access } from '../src/web/auth/access.ts';
import { buildWebServer } from '../src/web/server.ts';
import { CallLog } from '../src/store/call-log.ts';
import { Recordings } from '../src/recordings/recordings.ts';
import { defaultRecordingSettings, type SourceSettings } from '../src/recordings/config.ts';
import { recordingsRoutes } from '../src/web/routes/recordings-routes.ts';
import { startSshd, sshdMissing, type Sshd } from '../test/recordings/support/sshd.ts';
import type { ListenersResult, ListenersTask } from './recordings-listeners.ts';

const RESULTS_DIR = new URL('./results/', import.meta.url);
const LISTENERS = new URL('./recordings-listeners.ts', import.meta.url);
const FIXTURE = new URL('../test/fixtures/ami-transcripts/recordings/20261123-195708-+15551230001-1795463828.0.wav', import.meta.url);
const log = pino({ level: 'silent' });

export interface RecordingsBenchOptions {
  listeners?: number;
  secondsPerScenario?: number;
  files?: number;
  minutesPerFile?: number;
  resultsDir?: URL;
}

type Scenario = ListenersTask['scenario'];

export interface ScenarioResult {
  /** `control`: a bare node:http server answering from memory (no sign-in, database or files): the floor this machine allows at the time. */
  source: 'local' | 'sftp' | 'control';
  scenario: Scenario | 'copy';
  listeners: number;
  requests: number;
  errors: number;
  seconds: number;
  mbPerSec: number;
  requestsPerSec: number;
  ttfb: { p50: number; p90: number; p99: number; max: number } | null;
  /** CPU time of the service's process per request (user + system), in µs: the cost, whatever else the machine runs. */
  cpuUsPerRequest: number | null;
  /** The service's event-loop delay, p99 in ms: high when the service itself held requests up. */
  loopDelayP99Ms: number | null;
  /** The TTFB goal, checked on the `players` scenario. */
  goalMs: number | null;
  met: boolean | null;
  note?: string;
}

/** Rounds of the goal scenario (`players`); the round with the median p99 is reported, with all the p99s. */
const ROUNDS = 3;

/** 32x real time: an 8 kHz 16-bit recording plays at 16,000 bytes/s. */
const PACE = 32 * 16_000;

/** A telephone WAV (8 kHz, 16-bit mono) of `minutes`, its audio the real recording repeated. */
function makeWav(minutes: number): Buffer {
  const fixture = readFileSync(FIXTURE);
  const audio = fixture.subarray(44);
  const dataBytes = minutes * 60 * 16_000;
  const out = Buffer.alloc(44 + dataBytes);
  fixture.copy(out, 0, 0, 44);
  out.writeUInt32LE(36 + dataBytes, 4);
  out.writeUInt32LE(dataBytes, 40);
  for (let at = 44; at < out.length; at += audio.length) audio.copy(out, at, 0, Math.min(audio.length, out.length - at));
  return out;
}

/** Nearest rank. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Served {
  port: number;
  cookie: string;
  ids: string[];
  close(): Promise<void>;
}

/** The service's recordings routes over a SQLite file, one signed-in agent who took part in every call. */
async function serve(dir: string, name: string, source: SourceSettings, files: string[]): Promise<Served> {
  const store = await openStore({ url: join(dir, `${name}.sqlite`) });
  const directory = new Directory(store, { defaultRegion: 'US' });
  await directory.upsertUser({ login: 'alice', name: 'Alice', password: 'alice-password', extensions: ['101'] });
  const access = new Access(store, directory);
  const recordings = new Recordings({ store, log, settings: defaultRecordingSettings({ sources: { '*': source }, cache: { dir: join(dir, `${name}-cache`), maxBytes: 0 } }) });
  await recordings.start();
  const callLog = new CallLog(store);
  const ids: string[] = [];
  for (const [i, file] of files.entries()) {
    const linkedid = `${1795490000 + i}.1`;
    const callId = `default:${linkedid}`;
    await callLog.upsert({
      id: callId,
      pbx: 'default',
      linkedid,
      status: 'ended',
      direction: 'inbound',
      externalNumber: null,
      normalizedNumber: null,
      did: null,
      answeredBy: '101',
      disposition: 'answered',
      startedAt: '2026-11-23T19:57:08.000Z',
      endedAt: '2026-11-23T20:02:08.000Z',
      clickToCallId: null,
      recording: file,
      rang: ['101'],
      callerExtension: null,
      transfers: [],
    });
    await recordings.onRecordingLocated({ callId, file, path: `${source.pbxDir}/${file}` });
    await recordings.onCallEnded({ id: callId, recording: file, recordingFile: file });
    ids.push((await store.db.selectFrom('recordings').select('id').where('call_id', '=', callId).executeTakeFirstOrThrow()).id);
  }
  const app = await buildWebServer({ access, secureCookies: false, health: { pbxs: () => [], database: async () => true }, routes: [(a) => recordingsRoutes(a, { recordings, access })] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const login = await app.inject({ method: 'POST', url: '/api/login', payload: { login: 'alice', password: 'alice-password' } });
  const cookie = `crmt_session=${login.cookies.find((c) => c.name === 'crmt_session')!.value}`;
  return {
    port,
    cookie,
    ids,
    close: async () => {
      await app.close();
      await recordings.stop();
      await store.close();
    },
  };
}

/**
 * The control: node:http answering each Range from a Buffer in memory, nothing else. Its TTFB under
 * the same listeners is what the machine allows at that moment (other processes, the scheduler);
 * the service's own cost is the difference.
 */
async function serveControl(wav: Buffer, files: number): Promise<Served> {
  const server = createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Math.min(Number(m[2]), wav.length - 1) : wav.length - 1;
    res.writeHead(m ? 206 : 200, { 'content-type': 'audio/wav', 'content-length': end - start + 1, ...(m ? { 'content-range': `bytes ${start}-${end}/${wav.length}` } : {}) });
    res.end(wav.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cookie: 'none=1',
    ids: Array.from({ length: files }, (_, i) => `control-${i}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs the listeners in a child process (bench/recordings-listeners.ts). */
function listen(task: ListenersTask): Promise<ListenersResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(LISTENERS), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let done = false;
    child.once('message', (result: ListenersResult) => {
      done = true;
      resolve(result);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!done) reject(new Error(`the listeners process exited with ${code} before reporting`));
    });
    child.send(task);
  });
}

async function copyThroughput(dir: string, name: string, source: SourceSettings, files: string[], fileSize: number): Promise<{ seconds: number; mbPerSec: number; copied: number }> {
  const store: Store = await openStore({ url: join(dir, `${name}-copy.sqlite`) });
  const recordings = new Recordings({
    store,
    log,
    settings: defaultRecordingSettings({ mode: 'copy', sources: { '*': source }, storageDir: join(dir, `${name}-storage`), copy: { delayMs: 0, maxAttempts: 3, maxBackoffMs: 60_000, deleteFromPbx: false } }),
    copyQueue: { worker: false },
  });
  try {
    // The worker is not started: the jobs are queued as the calls end, and the timing covers the copies alone.
    for (const [i, file] of files.entries()) {
      const callId = `default:${1795495000 + i}.1`;
      await recordings.onRecordingLocated({ callId, file, path: `${source.pbxDir}/${file}` });
      await recordings.onCallEnded({ id: callId, recording: file, recordingFile: file });
    }
    const began = performance.now();
    const copied = await recordings.runCopies();
    const seconds = (performance.now() - began) / 1000;
    return { seconds, mbPerSec: (copied * fileSize) / 1e6 / seconds, copied };
  } finally {
    await recordings.stop();
    await store.close();
  }
}

function result(source: ScenarioResult['source'], scenario: Scenario, listeners: number, run: ListenersResult, cpuUs: number, loopDelayP99Ms: number): ScenarioResult {
  const ttfbs = [...run.ttfbMs].sort((a, b) => a - b);
  const goalMs = scenario === 'players' && source !== 'control' ? (source === 'local' ? 20 : 150) : null;
  const ttfb = { p50: percentile(ttfbs, 50), p90: percentile(ttfbs, 90), p99: percentile(ttfbs, 99), max: ttfbs.at(-1) ?? NaN };
  return {
    source,
    scenario,
    listeners,
    requests: ttfbs.length,
    errors: run.errors,
    seconds: run.seconds,
    mbPerSec: run.bytes / 1e6 / run.seconds,
    requestsPerSec: ttfbs.length / run.seconds,
    ttfb,
    cpuUsPerRequest: ttfbs.length > 0 ? cpuUs / ttfbs.length : null,
    loopDelayP99Ms,
    goalMs,
    met: goalMs === null ? null : run.errors === 0 && ttfb.p99 <= goalMs,
    ...(run.firstError ? { note: `first error: ${run.firstError}` } : {}),
  };
}

/** The round whose p99 is the median, with every round's p99 in its note and the goal judged on it. */
function medianRound(runs: ScenarioResult[]): ScenarioResult {
  const sorted = [...runs].sort((a, b) => a.ttfb!.p99 - b.ttfb!.p99);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const p99s = runs.map((r) => r.ttfb!.p99.toFixed(1)).join(', ');
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  return { ...median, errors, met: median.goalMs === null ? null : errors === 0 && median.ttfb!.p99 <= median.goalMs, note: `${runs.length} rounds, p99 per round (ms): ${p99s}; the median round is shown${median.note ? `; ${median.note}` : ''}` };
}

function markdown(results: ScenarioResult[], meta: { machine: string; settings: string; date: string; runtimeS: number }): string {
  const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');
  const goal = (r: ScenarioResult): string => (r.met === null ? '–' : r.met ? `yes (<= ${r.goalMs} ms)` : `NO (goal <= ${r.goalMs} ms)`);
  const rows = results
    .filter((r) => r.ttfb !== null || r.scenario === 'copy')
    .map((r) =>
      r.scenario === 'copy'
        ? `| ${r.source} | copy (copy mode, 2 at a time) | – | ${r.requests} files | ${r.errors} | – | – | – | – | – | ${r.mbPerSec.toFixed(1)} | – | – | – |`
        : `| ${r.source} | ${r.scenario} | ${r.listeners} | ${r.requests.toLocaleString('en-US')} | ${r.errors} | ${r.requestsPerSec.toFixed(0)} | ${ms(r.ttfb!.p50)} | ${ms(r.ttfb!.p90)} | **${ms(r.ttfb!.p99)}** | ${ms(r.ttfb!.max)} | ${r.mbPerSec.toFixed(1)} | ${r.cpuUsPerRequest === null ? '–' : r.cpuUsPerRequest.toFixed(0)} | ${r.loopDelayP99Ms === null ? '–' : r.loopDelayP99Ms.toFixed(1)} | ${goal(r)} |`,
    );
  const notes = results.filter((r) => r.note).map((r) => `- ${r.source} ${r.scenario}: ${r.note}`);
  return [
    '## Recordings: Range streaming and copies',
    '',
    `${meta.settings} ${meta.machine}; ${meta.date}; whole benchmark ${meta.runtimeS.toFixed(0)} s.`,
    '',
    '| source | scenario | listeners | requests | errors | req/s | TTFB p50 ms | p90 | p99 | max | MB/s | service CPU µs/request | service event-loop delay p99 ms | TTFB goal met |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    ...(notes.length > 0 ? ['', ...notes] : []),
    '',
  ].join('\n');
}

export async function runRecordingsBench(options: RecordingsBenchOptions = {}): Promise<string> {
  const began = performance.now();
  const loadAtStart = loadavg()[0]!;
  const listeners = options.listeners ?? Number(process.env['BENCH_RECORDINGS_LISTENERS'] ?? 50);
  const seconds = options.secondsPerScenario ?? Number(process.env['BENCH_RECORDINGS_SECONDS'] ?? 10);
  const fileCount = options.files ?? Number(process.env['BENCH_RECORDINGS_FILES'] ?? 8);
  const minutes = options.minutesPerFile ?? Number(process.env['BENCH_RECORDINGS_MINUTES'] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'crmt-bench-rec-'));
  const wav = makeWav(minutes);
  const files = Array.from({ length: fileCount }, (_, i) => `bench-${i}-${1795490000 + i}.1.wav`);
  const monitor = join(dir, 'monitor');
  mkdirSync(monitor);
  for (const f of files) writeFileSync(join(monitor, f), wav);
  const results: ScenarioResult[] = [];
  let sshd: Sshd | null = null;
  try {
    const sources: { name: 'local' | 'sftp'; settings: SourceSettings }[] = [{ name: 'local', settings: { kind: 'local', pbxDir: '/var/spool/asterisk/monitor', localDir: monitor } }];
    const missing = sshdMissing();
    if (missing === null) {
      sshd = await startSshd();
      for (const f of files) writeFileSync(join(sshd.files, f), wav);
      sources.push({ name: 'sftp', settings: { kind: 'sftp', pbxDir: sshd.files, host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.clientKey, hostKey: sshd.hostKey, timeoutMs: 10_000 } });
    } else {
      results.push({ source: 'sftp', scenario: 'players', listeners, requests: 0, errors: 0, seconds: 0, mbPerSec: 0, requestsPerSec: 0, ttfb: null, cpuUsPerRequest: null, loopDelayP99Ms: null, goalMs: 150, met: null, note: `not run: ${missing}` });
    }
    // Every target up at once, so that the rounds of the goal scenario can take turns.
    const targets: { name: ScenarioResult['source']; served: Served; settings: SourceSettings | null }[] = [{ name: 'control', served: await serveControl(wav, files.length), settings: null }];
    try {
      for (const { name, settings } of sources) targets.push({ name, served: await serve(dir, name, settings, files), settings });
      const taskFor = (served: Served) => ({ port: served.port, cookie: served.cookie, ids: served.ids, fileSize: wav.length, listeners, seconds, paceBytesPerSec: PACE });
      const measure = async (name: ScenarioResult['source'], served: Served, scenario: Scenario, n: number): Promise<ScenarioResult> => {
        console.error(`recordings: ${name} ${scenario}, ${n} listeners, ${seconds} s`);
        const cpu = process.cpuUsage();
        const loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        const run = await listen({ ...taskFor(served), listeners: n, scenario });
        loop.disable();
        const used = process.cpuUsage(cpu);
        const r = result(name, scenario, n, run, used.user + used.system, loop.percentile(99) / 1e6);
        console.error(`  ${r.requests} requests, TTFB p50 ${r.ttfb!.p50.toFixed(1)} ms p99 ${r.ttfb!.p99.toFixed(1)} ms, ${r.mbPerSec.toFixed(1)} MB/s, ${r.errors} errors`);
        return r;
      };
      for (const t of targets) await listen({ ...taskFor(t.served), listeners: 4, seconds: 1, scenario: 'seek-flood' });
      // The goal scenario in rounds, the targets taking turns: a disturbance falls on all alike.
      const rounds = new Map<string, ScenarioResult[]>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of targets) rounds.set(t.name, [...(rounds.get(t.name) ?? []), await measure(t.name, t.served, 'players', listeners)]);
      }
      for (const t of targets) {
        const runs = rounds.get(t.name)!;
        results.push(medianRound(runs));
        if (t.name === 'control') continue;
        for (const scenario of ['single', 'seek-flood', 'play-flood'] as const) results.push(await measure(t.name, t.served, scenario, scenario === 'single' ? 1 : listeners));
      }
    } finally {
      for (const t of targets) await t.served.close();
    }
    for (const { name, settings } of sources) {
      console.error(`recordings: ${name} copy of ${files.length} files`);
      const copy = await copyThroughput(dir, name, settings, files, wav.length);
      results.push({ source: name, scenario: 'copy', listeners: 0, requests: copy.copied, errors: files.length - copy.copied, seconds: copy.seconds, mbPerSec: copy.mbPerSec, requestsPerSec: 0, ttfb: null, cpuUsPerRequest: null, loopDelayP99Ms: null, goalMs: null, met: null });
      console.error(`  ${copy.copied} files in ${copy.seconds.toFixed(2)} s, ${copy.mbPerSec.toFixed(1)} MB/s`);
    }
  } finally {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const cpu = cpus();
  const machine = `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, load average ${loadAtStart.toFixed(1)} at start`;
  const settingsText =
    `${fileCount} recordings of ${minutes} min (8 kHz 16-bit WAV, ${(wav.length / 1e6).toFixed(1)} MB each); ${listeners} concurrent listeners in their own process, ${seconds} s per scenario, ` +
    'keep-alive HTTP over loopback; every request signed in (session cookie), access-checked and audited (control: a bare node:http server answering from memory, the floor the machine allowed). ' +
    `players: ${ROUNDS} rounds, control, local and SFTP taking turns; the median round by p99 is shown. ` +
    'single: one listener, random 256 KiB Range windows back to back (the unloaded time); players: the same windows, each listener ' +
    `paced at ${PACE / 1000} kB/s (32x real time); seek-flood: the same with no pause; play-flood: whole files from byte 0, no pause. SFTP: OpenSSH on loopback, ` +
    'one reused SSH connection (4 SFTP sessions on it), cache off (every byte over SFTP). Copy: the copy queue, 2 at a time, into a storage folder, verified by size. MB = 10^6 bytes.';
  const date = new Date().toISOString();
  const runtimeS = (performance.now() - began) / 1000;
  const md = markdown(results, { machine, settings: settingsText, date, runtimeS });
  const out = options.resultsDir ?? RESULTS_DIR;
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL('recordings.md', out), md);
  writeFileSync(
    new URL('recordings.json', out),
    `${JSON.stringify({ benchmark: 'recordings', date, machine, settings: { listeners, seconds, fileCount, minutes, fileBytes: wav.length, paceBytesPerSec: PACE }, runtimeS, results }, null, 2)}\n`,
  );
  return md;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await runRecordingsBench());
}
