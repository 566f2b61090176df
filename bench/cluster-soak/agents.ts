/**
 * The agents of the cluster soak: each with a session (opened in the database beforehand: the
 * sign-in route allows 10 attempts a minute per address, and every agent here has the same one)
 * and one SSE stream, on the instances in turn, as browsers behind a load balancer. A stream that breaks (its instance was killed) comes
 * back on the next instance that answers, with its Last-Event-ID, as EventSource does. Every call
 * frame is kept with its arrival time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sseFrames } from '../../test/support/sse.ts';

export interface Frame {
  at: number;
  /** The instance (index into the URLs) whose stream carried it. */
  instance: number;
  id: number;
  callId: string;
  state: string;
}

export class AgentStream {
  readonly login: string;
  readonly frames: Frame[] = [];
  reconnects = 0;
  #lastId: number | undefined;
  #stopped = false;
  #controller: AbortController | null = null;
  /** The stream is open (answered 200) now. */
  connected = false;
  readonly #loop: Promise<void>;

  /** `cookie`: the session's; `urls`: the instances' base URLs; the stream starts on `urls[first]`. */
  constructor(login: string, cookie: string, urls: readonly string[], first: number) {
    this.login = login;
    this.#loop = this.#run(cookie, urls, first);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#controller?.abort();
    await this.#loop;
  }

  async #run(cookie: string, urls: readonly string[], first: number): Promise<void> {
    let at = first;
    while (!this.#stopped) {
      const url = urls[at % urls.length]!;
      try {
        // Sessions live in the database: the cookie works on every instance.
        this.#controller = new AbortController();
        const res = await fetch(`${url}/api/events`, { headers: { cookie, ...(this.#lastId !== undefined ? { 'last-event-id': String(this.#lastId) } : {}) }, signal: this.#controller.signal });
        if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
        this.connected = true;
        for await (const { id, data } of sseFrames(res.body as unknown as AsyncIterable<Uint8Array>)) {
          if (id === undefined || data === undefined) continue;
          const m = JSON.parse(data) as { callId: string; state: string };
          this.#lastId = Number(id);
          this.frames.push({ at: performance.now(), instance: at % urls.length, id: this.#lastId, callId: m.callId, state: m.state });
        }
      } catch {
        // refused, reset or aborted: another instance, after EventSource's pause
      }
      this.connected = false;
      if (this.#stopped) return;
      this.reconnects++;
      at++;
      await sleep(500);
    }
  }
}
