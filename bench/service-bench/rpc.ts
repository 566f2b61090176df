/**
 * Request and answer between a benchmark and the processes it forks (the service under test, the
 * load generator, the directory builder), over Node's IPC channel. Every request has a deadline;
 * a child that exits fails whatever was waiting on it; a child whose parent goes away exits, so a
 * benchmark killed half-way leaves nothing running.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Request {
  id: number;
  type: string;
  payload: unknown;
}

type Answer = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface ForkOptions {
  /** For messages: `routing service`, `load generator`... */
  name: string;
  /** Extra Node flags (e.g. `--cpu-prof`), after the parent's own (tsx's loader). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The parent's side of one forked child. */
export class ChildLink {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  #nextId = 1;
  #exited: Error | undefined;
  readonly #exit: Promise<void>;

  constructor(module: URL, options: ForkOptions) {
    this.name = options.name;
    // The child's stdout goes to our stderr: stdout is for the Markdown report only.
    this.#child = fork(fileURLToPath(module), [], {
      stdio: ['ignore', 2, 2, 'ipc'],
      execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
      env: options.env ?? process.env,
    });
    this.#child.on('message', (answer: Answer) => {
      const waiting = this.#pending.get(answer.id);
      if (!waiting) return;
      this.#pending.delete(answer.id);
      clearTimeout(waiting.timer);
      if (answer.ok) waiting.resolve(answer.result);
      else waiting.reject(new Error(`${this.name}: ${answer.error}`));
    });
    this.#exit = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exited = new Error(`${this.name} exited (${signal ?? `code ${code}`})`);
        for (const [id, waiting] of this.#pending) {
          clearTimeout(waiting.timer);
          waiting.reject(this.#exited);
          this.#pending.delete(id);
        }
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends a request; rejects when the child answers with an error, exits, or takes longer than `timeoutMs`. */
  request<T>(type: string, payload: unknown, timeoutMs: number): Promise<T> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}: no answer to "${type}" within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const message: Request = { id, type, payload };
      this.#child.send(message, (err) => {
        if (!err) return;
        const waiting = this.#pending.get(id);
        if (!waiting) return;
        this.#pending.delete(id);
        clearTimeout(waiting.timer);
        reject(new Error(`${this.name}: could not send "${type}": ${err.message}`));
      });
    });
  }

  /**
   * Ends the child: closing the IPC channel tells it to clean up and exit (see `serve`); after
   * `graceMs` it is killed. Resolves once it has exited.
   */
  async close(graceMs = 10_000): Promise<void> {
    if (this.#exited) return;
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exit;
    clearTimeout(timer);
  }
}

export type Handlers = Record<string, (payload: never) => Promise<unknown> | unknown>;

/**
 * The child's side: answers each request with its handler's result. When the parent disconnects
 * (it closed us, or it died), `onClose` runs (bounded by `closeGraceMs`) and the process exits.
 */
export function serve(handlers: Handlers, onClose: () => Promise<void> = async () => {}, closeGraceMs = 8_000): void {
  if (!process.send) throw new Error('This module is a benchmark child process: fork it, do not run it directly.');
  process.on('message', (request: Request) => {
    void (async () => {
      let answer: Answer;
      try {
        const handler = handlers[request.type];
        if (!handler) throw new Error(`unknown request "${request.type}"`);
        answer = { id: request.id, ok: true, result: await handler(request.payload as never) };
      } catch (err) {
        answer = { id: request.id, ok: false, error: (err as Error).stack ?? String(err) };
      }
      if (process.connected) process.send!(answer);
    })();
  });
  process.once('disconnect', () => {
    const force = setTimeout(() => process.exit(0), closeGraceMs);
    force.unref();
    onClose()
      .catch((err: Error) => process.stderr.write(`cleanup failed: ${err.message}\n`))
      .finally(() => process.exit(0));
  });
}
