/**
 * The listeners of bench/recordings.ts, in a process of their own so that the load generator does
 * not share the server's event loop (their HTTP parsing would otherwise show up as server time).
 * Started with fork(); gets a ListenersTask, answers a ListenersResult, exits.
 *
 * Each listener loops over keep-alive HTTP until the time is up:
 * - `players`: a random 256 KiB window of a random recording (a player seeking and reading ahead),
 *   then a pause so that it takes `paceBytesPerSec` on average, as a player that buffers ahead of
 *   playback does;
 * - `single` and `seek-flood`: the same windows back to back, no pause (one listener: the unloaded
 *   time; many: the most requests the server answers);
 * - `play-flood`: whole recordings from byte 0, back to back (the most bytes it sends).
 * Time to first byte: from sending the request to the first byte of the body.
 */
import { Agent, request } from 'node:http';

export interface ListenersTask {
  port: number;
  cookie: string;
  ids: string[];
  fileSize: number;
  listeners: number;
  seconds: number;
  scenario: 'single' | 'players' | 'seek-flood' | 'play-flood';
  /** `players` only: average bytes per second per listener. */
  paceBytesPerSec: number;
}

export interface ListenersResult {
  ttfbMs: number[];
  bytes: number;
  errors: number;
  firstError: string | null;
  seconds: number;
}

const WINDOW = 256 * 1024;

function get(agent: Agent, task: ListenersTask, path: string, range: string): Promise<{ ttfbMs: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    let first = NaN;
    let bytes = 0;
    const req = request({ agent, host: '127.0.0.1', port: task.port, path, headers: { cookie: task.cookie, range, 'user-agent': 'bench-listener' } }, (res) => {
      if (res.statusCode !== 200 && res.statusCode !== 206) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) first = performance.now() - began;
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ ttfbMs: first, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function runListeners(task: ListenersTask): Promise<ListenersResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: task.listeners });
  const ttfbMs: number[] = [];
  let bytes = 0;
  let errors = 0;
  let firstError: string | null = null;
  const began = performance.now();
  const until = began + task.seconds * 1000;
  await Promise.all(
    Array.from({ length: task.listeners }, async (_, n) => {
      // Players start spread over one pause, not all in the same millisecond.
      if (task.scenario === 'players') await new Promise((r) => setTimeout(r, ((n / task.listeners) * WINDOW * 1000) / task.paceBytesPerSec));
      while (performance.now() < until) {
        const id = task.ids[Math.floor(Math.random() * task.ids.length)]!;
        const start = task.scenario === 'play-flood' ? 0 : Math.floor(Math.random() * (task.fileSize - WINDOW));
        const range = task.scenario === 'play-flood' ? 'bytes=0-' : `bytes=${start}-${start + WINDOW - 1}`;
        const t0 = performance.now();
        try {
          const r = await get(agent, task, `/api/recordings/${id}`, range);
          ttfbMs.push(r.ttfbMs);
          bytes += r.bytes;
        } catch (err) {
          errors++;
          firstError ??= (err as Error).message;
        }
        if (task.scenario === 'players') {
          const pause = (WINDOW * 1000) / task.paceBytesPerSec - (performance.now() - t0);
          if (pause > 0) await new Promise((r) => setTimeout(r, pause * (0.5 + Math.random())));
        }
      }
    }),
  );
  agent.destroy();
  return { ttfbMs, bytes, errors, firstError, seconds: (performance.now() - began) / 1000 };
}

if (process.send) {
  process.once('message', (task: ListenersTask) => {
    void runListeners(task).then((result) => process.send!(result, () => process.exit(0)));
  });
}
