/**
 * One SSH connection to a PBX, shared by every operation and kept open (a new SSH handshake costs
 * several round trips and a key exchange; reusing it keeps time to first byte at a few round trips),
 * with a few SFTP sessions (channels) on it. OpenSSH serves each session in a process of its own and
 * answers one session's requests in order, so with one session a new listener's first read waits
 * behind every read queued for the others; each operation goes to the least busy session instead.
 * The socket lifecycle lives here; `sftp-source.ts` does the file operations over it.
 *
 * - Connects on first use; a connection that closes or errors is dropped, and the next operation
 *   connects again, retrying by an injectable strategy `(attempt, cause) => false | delayMs`
 *   within that operation's deadline.
 * - Every operation has a deadline; one that passes it resets the connection (a stalled session
 *   would hold up everything behind it).
 * - The host key must be the configured fingerprint (SHA256, as `ssh-keygen -lf` prints it). With
 *   none configured, nothing is fetched, and the error names the fingerprint the server showed.
 * - A refused key or host key is fatal: it fails every operation at once for a cool-down instead of
 *   knocking again and again (sshd's MaxAuthTries, fail2ban and the PBX's logs count those).
 */
import { createHash } from 'node:crypto';
import { Client, type SFTPWrapper } from 'ssh2';
import { exponentialBackoff, type RetryStrategy as ReconnectStrategy } from '../../retry.ts';
import { isFatalRecordingError, isRecordingError, type RecordingError, RecordingErrorCodes, CrmTelephonyError } from '../recording-errors.ts';

export interface SftpConnectionOptions {
  host: string;
  port: number;
  username: string;
  /** Never logged. */
  privateKey: Buffer | string;
  passphrase?: string;
  /** `SHA256:<base64>`; null refuses every host (the error says which fingerprint was shown). */
  hostKey: string | null;
  /** Deadline for connecting and for each operation, in ms. */
  timeoutMs: number;
  /** How long a refused key or host key fails operations at once, in ms. Default 60 s. */
  fatalCooldownMs?: number;
  /** SSH keepalive interval, in ms (3 unanswered ones drop the connection). Default 15 s. */
  keepaliveIntervalMs?: number;
  /** Retries of a failed connect within one operation's deadline. Default: 200 ms doubling, with jitter. */
  reconnectStrategy?: ReconnectStrategy;
  /** SFTP sessions opened on the connection (sshd's MaxSessions, default 10, bounds it). Default 4. */
  sessions?: number;
  now?: () => number;
}

/** The SHA256 fingerprint of an SSH public key blob, as OpenSSH prints it. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

interface Live {
  client: Client;
  /** The SFTP sessions, and how many operations and streams each is carrying. */
  sessions: { sftp: SFTPWrapper; busy: number }[];
}

export class SftpConnection {
  readonly #o: SftpConnectionOptions;
  readonly #strategy: ReconnectStrategy;
  #live: Live | null = null;
  #connecting: Promise<Live> | null = null;
  #fatal: { err: RecordingError; until: number } | null = null;
  #closed = false;
  #connects = 0;
  readonly #dropped = new WeakSet<Live>();

  constructor(options: SftpConnectionOptions) {
    this.#o = options;
    const backoff = exponentialBackoff({ initialDelayMs: 200, maxDelayMs: 2000 });
    this.#strategy = options.reconnectStrategy ?? ((attempt, cause) => (isFatalRecordingError(cause) ? false : backoff(attempt, cause)));
  }

  /** SSH connections made so far (a reused connection does not add one). */
  get connects(): number {
    return this.#connects;
  }

  get where(): string {
    return `sftp://${this.#o.username}@${this.#o.host}:${this.#o.port}`;
  }

  get timeoutMs(): number {
    return this.#o.timeoutMs;
  }

  /**
   * Runs `op` on the session before the deadline. A connection-level failure (the session died
   * under it) is retried once on a fresh connection, so a PBX restart costs one reconnect, not an
   * error; `op` must therefore be safe to repeat (no partial side effects).
   */
  async run<T>(op: (sftp: SFTPWrapper) => Promise<T>, timeoutMs = this.#o.timeoutMs): Promise<T> {
    const deadline = this.#now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const live = await this.#connection(deadline);
      const session = leastBusy(live);
      session.busy++;
      try {
        return await this.#withDeadline(op(session.sftp), deadline, live);
      } catch (err) {
        if (attempt === 0 && isConnectionLevel(err)) {
          this.#drop(live);
          continue;
        }
        throw err;
      } finally {
        session.busy--;
      }
    }
  }

  /**
   * Counts a stream against its session until `release()` (so that new work goes elsewhere while it
   * reads). Harmless for a session of a connection since dropped.
   */
  hold(sftp: SFTPWrapper): () => void {
    const session = this.#live?.sessions.find((x) => x.sftp === sftp);
    if (!session) return () => undefined;
    session.busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      session.busy--;
    };
  }

  /** Drops the connection if `sftp` is one of its sessions (a stream saw it stall). */
  reset(sftp?: SFTPWrapper): void {
    if (this.#live && (sftp === undefined || this.#live.sessions.some((x) => x.sftp === sftp))) this.#drop(this.#live);
  }

  /** Which connection `sftp` belongs to: cached facts about the server stay valid within one. */
  generationOf(sftp: SFTPWrapper): number | null {
    return this.#live?.sessions.some((x) => x.sftp === sftp) ? this.#connects : null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#live) this.#drop(this.#live);
    await this.#connecting?.catch(() => undefined);
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  async #connection(deadline: number): Promise<Live> {
    if (this.#closed) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CLOSED, 'The SFTP connection was closed.');
    if (this.#live) return this.#live;
    if (this.#fatal && this.#now() < this.#fatal.until) throw this.#fatal.err;
    if (this.#connecting) return this.#connecting;
    this.#connecting = this.#connectWithRetries(deadline).finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #connectWithRetries(deadline: number): Promise<Live> {
    for (let attempt = 1; ; attempt++) {
      try {
        const live = await this.#connectOnce(Math.max(100, deadline - this.#now()));
        this.#fatal = null;
        return live;
      } catch (err) {
        const cause = err as RecordingError;
        if (isFatalRecordingError(cause)) {
          this.#fatal = { err: cause, until: this.#now() + (this.#o.fatalCooldownMs ?? 60_000) };
          throw cause;
        }
        const delay = this.#strategy(attempt, cause);
        if (delay === false || this.#closed || this.#now() + delay >= deadline) throw cause;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  #connectOnce(timeoutMs: number): Promise<Live> {
    const { host, port, username } = this.#o;
    return new Promise<Live>((resolve, reject) => {
      const client = new Client();
      let seen: string | null = null;
      let refusedHost = false;
      let settled = false;
      const fail = (err: RecordingError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_TIMEOUT, `Connecting to ${this.where} took longer than ${timeoutMs} ms.`, { host, port })),
        timeoutMs,
      );
      client.on('ready', () => {
        const wanted = Math.max(1, this.#o.sessions ?? 4);
        const opened: SFTPWrapper[] = [];
        let answered = 0;
        let firstError: Error | undefined;
        const done = (): void => {
          if (settled) {
            for (const sftp of opened) sftp.end();
            return;
          }
          // A server allowing fewer sessions (MaxSessions) still gets used with those it allowed.
          if (opened.length === 0) {
            return fail(
              new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE, `${this.where} accepted the login but not SFTP (${firstError?.message}): enable the sftp subsystem in its sshd_config.`, { host, port }, { cause: firstError }),
            );
          }
          settled = true;
          clearTimeout(timer);
          this.#connects++;
          const live: Live = { client, sessions: opened.map((sftp) => ({ sftp, busy: 0 })) };
          this.#live = live;
          // Whatever ends the connection, or one of its sessions, later drops it; the next operation connects again.
          client.on('close', () => this.#drop(live));
          client.on('error', () => this.#drop(live));
          for (const sftp of opened) sftp.on('close', () => this.#drop(live));
          resolve(live);
        };
        for (let i = 0; i < wanted; i++) {
          client.sftp((err, sftp) => {
            if (err) firstError ??= err;
            else opened.push(sftp);
            if (++answered === wanted) done();
          });
        }
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (refusedHost) return fail(this.#hostKeyError(seen));
        if (err.level === 'client-authentication') {
          return fail(
            new CrmTelephonyError(
              RecordingErrorCodes.RECORDING_ERR_SFTP_AUTH,
              `${this.where} refused the key in RECORDINGS_SFTP_KEY_FILE for user "${username}": add its public key to that user's ~/.ssh/authorized_keys on the PBX, or fix RECORDINGS_SFTP_USER.`,
              { host, port, username },
              { cause: err },
            ),
          );
        }
        if (err.level === 'client-timeout') return fail(new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_TIMEOUT, `${this.where} did not complete the SSH handshake in time.`, { host, port }, { cause: err }));
        fail(
          new CrmTelephonyError(
            RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE,
            `Cannot reach ${this.where} (${err.code ?? err.message}): check RECORDINGS_SFTP_HOST and RECORDINGS_SFTP_PORT, and that sshd runs there.`,
            { host, port, errno: err.code },
            { cause: err },
          ),
        );
      });
      client.on('close', () => {
        if (refusedHost) fail(this.#hostKeyError(seen));
        else fail(new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE, `${this.where} closed the connection during login.`, { host, port }));
      });
      try {
        client.connect({
          host,
          port,
          username,
          privateKey: this.#o.privateKey,
          ...(this.#o.passphrase ? { passphrase: this.#o.passphrase } : {}),
          readyTimeout: timeoutMs,
          keepaliveInterval: this.#o.keepaliveIntervalMs ?? 15_000,
          keepaliveCountMax: 3,
          hostVerifier: (key: Buffer) => {
            seen = fingerprintOf(key);
            const ok = this.#o.hostKey !== null && seen === this.#o.hostKey;
            refusedHost = !ok;
            return ok;
          },
        });
      } catch (err) {
        // ssh2 throws at once for a key it cannot read (wrong format, wrong passphrase).
        fail(
          new CrmTelephonyError(
            RecordingErrorCodes.RECORDING_ERR_SFTP_AUTH,
            `The key in RECORDINGS_SFTP_KEY_FILE cannot be used (${(err as Error).message}): use an OpenSSH or PEM private key, and RECORDINGS_SFTP_KEY_PASSPHRASE if it has one.`,
            { host, port },
            { cause: err },
          ),
        );
      }
    });
  }

  #hostKeyError(seen: string | null): RecordingError {
    const { host, port } = this.#o;
    const message =
      this.#o.hostKey === null
        ? `${this.where} showed the host key ${seen}. Check it on the PBX (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and set RECORDINGS_SFTP_HOST_KEY=${seen}; until then nothing is fetched.`
        : `${this.where} showed the host key ${seen}, not the configured RECORDINGS_SFTP_HOST_KEY. If the PBX's host key was changed on purpose, set the new one; otherwise something may be between us and the PBX.`;
    return new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_SFTP_HOST_KEY, message, { host, port, seen });
  }

  #withDeadline<T>(work: Promise<T>, deadline: number, live: Live): Promise<T> {
    const remaining = deadline - this.#now();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A request that never answers means a sick session: drop it so the next one starts clean.
        this.#drop(live);
        reject(new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_TIMEOUT, `${this.where} did not answer within ${this.#o.timeoutMs} ms.`, { host: this.#o.host }));
      }, Math.max(0, remaining));
      work.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  #drop(live: Live): void {
    if (this.#live === live) this.#live = null;
    if (this.#dropped.has(live)) return;
    this.#dropped.add(live);
    live.client.end();
    // end() waits for the server; destroy() does not leave a half-dead socket behind.
    setImmediate(() => live.client.destroy());
  }
}

/** Failures of the connection itself (not of a file): these mean "reconnect and try again". */
export function isConnectionLevel(err: unknown): boolean {
  if (isRecordingError(err)) return err.code === RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE && err.details['connection'] === true;
  const e = err as { code?: unknown; message?: string };
  // SFTP status errors carry a numeric code; ssh2's own channel failures carry none.
  return typeof e.code !== 'number' && /No response from server|Not connected|channel|closed|ECONNRESET|EPIPE/i.test(e.message ?? '');
}

/** The session with the least work on it (the first of equals). */
function leastBusy(live: Live): { sftp: SFTPWrapper; busy: number } {
  let best = live.sessions[0]!;
  for (const s of live.sessions) if (s.busy < best.busy) best = s;
  return best;
}
