/**
 * The real service as the operator runs it, `node --import tsx src/main.ts`, in a child process of
 * its own, so that the benchmark can SIGKILL it (no shutdown hook runs, the store is left as a
 * crash leaves it) and start it again on the same store. One process, no wrapper: `npx tsx` would
 * put a second process in between and a SIGKILL would hit the wrong one.
 *
 * Readiness is what an operator's probe sees: `GET /api/health` answering with the PBX `ready`.
 * The child's stdout and stderr go to one log file per configuration (pino's JSON lines).
 */
import type { PbxHealth } from '../../src/web/routes/health-routes.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the benchmark reads from `GET /api/health`. */
export interface ServiceHealth {
  ok: boolean;
  pbxs: Pick<PbxHealth, 'id' | 'state' | 'reconnects' | 'cdr'>[];
}

export interface ServiceProcessOptions {
  /** The service's environment (AMI_*, DATABASE_URL, HTTP_PORT, CDR_*...), added to this process's. */
  env: Record<string, string>;
  httpPort: number;
  /** Where the child's stdout and stderr are appended. */
  logPath: string;
}

export class ServiceProcess {
  readonly #o: ServiceProcessOptions;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #expectExit = false;
  /** Exits nobody asked for (a crash of the service): each with its code or signal. */
  readonly unexpectedExits: string[] = [];
  starts = 0;
  /** CPU seconds of the processes that exited, and the latest reading of the running one. */
  #cpuDone = 0;
  #cpuLast = 0;

  constructor(options: ServiceProcessOptions) {
    this.#o = options;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawns the service; does not wait for it (see `waitReady`). */
  start(): void {
    if (this.#child !== null) throw new Error('The service is already running.');
    const fd = openSync(this.#o.logPath, 'a');
    // BENCH_PROFILE_DIR: each run of the service writes a V8 CPU profile there when it exits in order.
    const profile = process.env['BENCH_PROFILE_DIR'];
    const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), '--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.#o.env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd); // the child holds its own copy
    this.#child = child;
    this.#expectExit = false;
    this.starts++;
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.#cpuDone += this.#cpuLast;
        this.#cpuLast = 0;
        if (!this.#expectExit) this.unexpectedExits.push(`pid ${child.pid ?? '?'} exited with ${signal ?? `code ${String(code)}`}`);
        if (this.#child === child) this.#child = null;
        resolve();
      });
    });
  }

  /**
   * CPU seconds (user + system) of every run of the service so far, from /proc/<pid>/stat (Linux;
   * 0 elsewhere). Each call reads the running process; what a process used after its last reading
   * before a SIGKILL (at most one polling interval) is not counted.
   */
  cpuSeconds(): number {
    const pid = this.#child?.pid;
    if (pid !== undefined) {
      try {
        // Fields after the command name (which may hold spaces) : state is field 3, utime 14, stime 15.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        this.#cpuLast = (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, USER_HZ = 100
      } catch {
        // gone, or no /proc
      }
    }
    return this.#cpuDone + this.#cpuLast;
  }

  /** GET /api/health, or null when nothing answers (the process is down or still starting). */
  async health(timeoutMs = 1000): Promise<ServiceHealth | null> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.#o.httpPort}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
      return (await res.json()) as ServiceHealth;
    } catch {
      return null;
    }
  }

  /** Resolves once health says the PBX is `ready`; rejects when the process exits or `timeoutMs` passes. */
  async waitReady(timeoutMs = 60_000): Promise<ServiceHealth> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.#child === null) throw new Error(`The service exited before it was ready (${this.unexpectedExits.at(-1) ?? 'no exit code'}); see ${this.#o.logPath}.`);
      const health = await this.health();
      if (health?.pbxs[0]?.state === 'ready') return health;
      await sleep(100);
    }
    throw new Error(`The service was not ready after ${Math.round(timeoutMs / 1000)} s; see ${this.#o.logPath}.`);
  }

  /** SIGKILL, as a crash or the OOM killer: nothing of the service's runs after it. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === null) return;
    this.#expectExit = true;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM (the service's own orderly stop), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.#child;
    if (child === null) return;
    this.#expectExit = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
