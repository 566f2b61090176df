/**
 * Real service processes (`src/main.ts`) for the cluster tests: each on a free port, its output
 * kept for the failure message, read through its HTTP API as a load balancer and a browser would.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sseFrames } from '../support/sse.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  output: string[];
}

export interface Frame {
  id: number;
  data: { callId: string; state: string; extension?: string };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The instances launched so far (their output goes into every timeout's message). */
export const instances: Instance[] = [];

export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\n${instances.map((i) => `--- ${i.name}\n${i.output.join('')}`).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a service process with these variables (over the defaults below); resolves once it is ready. */
export async function launch(name: string, env: NodeJS.ProcessEnv): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, HTTP_PORT: String(port), AGI_PORT: '0', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'warn', DEFAULT_REGION: 'US', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const instance: Instance = { name, child, url: `http://127.0.0.1:${port}`, output: [] };
  child.stdout!.on('data', (b: Buffer) => instance.output.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => instance.output.push(b.toString()));
  instances.push(instance);
  await until(async () => (await fetch(`${instance.url}/api/ready`).catch(() => null))?.status === 200, `${name} ready`);
  return instance;
}

/** Each PBX's lead on this instance, by PBX id (undefined when it does not answer). */
export async function leads(instance: Instance): Promise<Record<string, string | undefined> | undefined> {
  const res = await fetch(`${instance.url}/api/health`).catch(() => null);
  if (res === null) return undefined;
  const body = (await res.json()) as { pbxs: { id: string; lead?: string }[] };
  return Object.fromEntries(body.pbxs.map((p) => [p.id, p.lead]));
}

export async function signInWithCsrf(instance: Instance, login: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${instance.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('crmt_session='));
  assert.ok(cookie);
  return { cookie: cookie.split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** An SSE stream read as a browser would, frames collected as they come. */
export function stream(instance: Instance, cookie: string, lastEventId?: number): { frames: Frame[]; close: () => void } {
  const frames: Frame[] = [];
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${instance.url}/api/events`, { headers: { cookie, ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) }, signal: controller.signal });
    for await (const { id, data } of sseFrames(res.body as unknown as AsyncIterable<Uint8Array>)) {
      if (id !== undefined && data !== undefined) frames.push({ id: Number(id), data: JSON.parse(data) as Frame['data'] });
    }
  })().catch(() => undefined);
  return { frames, close: () => controller.abort() };
}
