/**
 * One instance's own PostgreSQL connection for the cluster (issue 14): it holds the advisory locks
 * of the PBXs this instance leads and listens for what the other instances publish. Pooled
 * connections cannot do either: an advisory lock and a LISTEN belong to one session.
 *
 * When the connection breaks, PostgreSQL releases our locks at once (another instance can take the
 * lead) and this side reconnects with a pause; `generation` counts connections, so a lock holder
 * knows its lock went with the old one. Every failure is logged in words; none throws at the caller.
 */
import pg from 'pg';
import type { Log } from '../logger.ts';

export interface ClusterLinkOptions {
  url: string;
  log: Log;
  /** The channel every instance of this deployment listens on. */
  channel: string;
  onNotification: (payload: string) => void;
  /** Pause between reconnection attempts; default 1 s. */
  retryMs?: number;
  /** How often the link checks that the server still answers; default 1 s. */
  pingMs?: number;
}

/** Namespace of our advisory locks (two-key form), so that other software's keys never collide. */
const LOCK_NAMESPACE = 0x63726d74; // "crmt"

export class ClusterLink {
  readonly #o: ClusterLinkOptions;
  #client: pg.Client | null = null;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #connecting: Promise<void> | null = null;
  #wasConnected = false;
  #generation = 0;

  constructor(options: ClusterLinkOptions) {
    this.#o = options;
  }

  get connected(): boolean {
    return this.#client !== null;
  }

  /** Counts connections: a lock taken on an earlier one is gone. */
  get generation(): number {
    return this.#generation;
  }

  /** Connects (retrying in the background when it cannot yet). */
  async start(): Promise<void> {
    await this.#connect();
    this.#timer = setInterval(() => void this.#ping(), this.#o.pingMs ?? 1000);
    this.#timer.unref();
  }

  /** True when this session now holds the lock named `key` (at once, never waits). */
  #queue: Promise<unknown> = Promise.resolve();

  async tryLock(key: string): Promise<boolean> {
    const client = this.#client;
    if (client === null) return false;
    try {
      const r = await this.#serially(() => client.query<{ locked: boolean }>('select pg_try_advisory_lock($1::int, hashtext(current_schema() || $2)) as locked', [LOCK_NAMESPACE, `/${key}`]));
      return r.rows[0]?.locked === true;
    } catch (err) {
      this.#broken(client, err);
      return false;
    }
  }

  /**
   * One statement at a time on the link: each PBX's lead tries its lock on its own timer, and the
   * link is pinged on another; pg would queue them, but warns that a client doing two at once is
   * going away.
   */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#connecting) return this.#connecting;
    this.#connecting = (async () => {
      while (!this.#closed && this.#client === null) {
        const client = new pg.Client({ connectionString: this.#o.url, keepAlive: true, connectionTimeoutMillis: 5000 });
        client.on('error', (err) => this.#broken(client, err));
        client.on('end', () => this.#broken(client, null));
        client.on('notification', (n) => {
          if (n.channel === this.#o.channel && n.payload !== undefined) this.#o.onNotification(n.payload);
        });
        try {
          await client.connect();
          await client.query(`listen ${client.escapeIdentifier(this.#o.channel)}`);
          if (this.#closed) {
            await client.end().catch(() => undefined);
            return;
          }
          this.#client = client;
          this.#generation++;
          if (this.#wasConnected) this.#o.log.info('the cluster link to PostgreSQL is back');
          this.#wasConnected = true;
        } catch (err) {
          await client.end().catch(() => undefined);
          this.#o.log.warn({ err: (err as Error).message }, 'cannot reach PostgreSQL for the cluster link (locks and pops of other instances); trying again');
          await new Promise((resolve) => setTimeout(resolve, this.#o.retryMs ?? 1000).unref());
        }
      }
    })().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #ping(): Promise<void> {
    const client = this.#client;
    if (client === null) return void this.#connect();
    try {
      await this.#serially(() => client.query('select 1'));
    } catch (err) {
      this.#broken(client, err);
    }
  }

  #broken(client: pg.Client, err: unknown): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = null;
    client.end().catch(() => undefined);
    this.#o.log.warn({ err: err instanceof Error ? err.message : 'connection ended' }, 'the cluster link to PostgreSQL broke: the PBX leads it held are released; reconnecting');
    void this.#connect();
  }
}
