/**
 * The listening audit: who listened to or downloaded which recording, when, and from where (address
 * and browser), and who was refused. A player makes many Range requests for one listen (and more on
 * every seek), so requests by one person, for one recording, with one action, outcome, address and
 * browser, within the window are one entry with a request count and first and last times. Every
 * request is counted: none escapes by starting past byte 0.
 *
 * The first request of an entry is written before the audio is sent. The requests after it within
 * the window only add to a count kept in memory and written every couple of seconds (and on stop,
 * and before the audit is read): a seek then costs no database write, and a crash can lose at most
 * those seconds of counting, never the fact that someone listened.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.ts';

export type AuditAction = 'listen' | 'download';
export type AuditOutcome = 'allowed' | 'denied';

export interface AuditEntry {
  id: string;
  recordingId: string;
  callId: string;
  userId: string | null;
  userLogin: string;
  via: string;
  action: AuditAction;
  outcome: AuditOutcome;
  ip: string;
  userAgent: string;
  requests: number;
  firstAt: string;
  lastAt: string;
}

export interface AuditInput {
  recordingId: string;
  callId: string;
  userId: string;
  userLogin: string;
  via: string;
  action: AuditAction;
  outcome: AuditOutcome;
  ip: string;
  userAgent: string;
}

export interface AuditQuery {
  limit?: number;
  /** Entries last seen before this ISO time (paging backwards). */
  before?: string;
  recordingId?: string;
  userId?: string;
  callId?: string;
}

/** An entry being counted in memory. */
interface OpenEntry {
  id: string;
  lastAt: number;
  pending: number;
}

/** Entries counted in memory at most; past it the oldest are written and forgotten. */
const MAX_OPEN = 10_000;
const FLUSH_MS = 2000;

export class AuditLog {
  readonly #store: Store;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #open = new Map<string, OpenEntry>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(store: Store, windowMs: number, now: () => number = Date.now) {
    this.#store = store;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  async record(input: AuditInput): Promise<void> {
    const at = this.#now();
    const now = new Date(at).toISOString();
    const ip = input.ip.slice(0, 64);
    const userAgent = input.userAgent.slice(0, 300);
    const key = [input.recordingId, input.userId, input.action, input.outcome, ip, userAgent].join('\u0000');
    const open = this.#open.get(key);
    if (open && at - open.lastAt < this.#windowMs) {
      open.pending++;
      open.lastAt = at;
      this.#open.delete(key);
      this.#open.set(key, open);
      this.#schedule();
      return;
    }
    const id = await this.#write(input, now, ip, userAgent);
    if (this.#windowMs > 0) {
      this.#open.set(key, { id, lastAt: at, pending: 0 });
      if (this.#open.size > MAX_OPEN) await this.flush();
    }
  }

  /** Writes the counts kept in memory; forgets entries whose window has passed. */
  async flush(): Promise<void> {
    const run = this.#flushing.then(async () => {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      const at = this.#now();
      for (const [key, entry] of this.#open) {
        if (entry.pending > 0) {
          const pending = entry.pending;
          entry.pending = 0;
          await this.#store.db
            .updateTable('recording_audit')
            .set((eb) => ({ requests: eb('requests', '+', pending), last_at: new Date(entry.lastAt).toISOString() }))
            .where('id', '=', entry.id)
            .execute();
        }
        if (at - entry.lastAt >= this.#windowMs || this.#open.size > MAX_OPEN) this.#open.delete(key);
      }
    });
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.flush().catch(() => undefined), FLUSH_MS);
    this.#timer.unref();
  }

  /** Inserts a new entry, or (after a restart, or from another instance) extends one of the window. */
  async #write(input: AuditInput, now: string, ip: string, userAgent: string): Promise<string> {
    const db = this.#store.db;
    if (this.#windowMs > 0) {
      const since = new Date(this.#now() - this.#windowMs).toISOString();
      const open = await db
        .selectFrom('recording_audit')
        .select('id')
        .where('recording_id', '=', input.recordingId)
        .where('user_id', '=', input.userId)
        .where('action', '=', input.action)
        .where('outcome', '=', input.outcome)
        .where('ip', '=', ip)
        .where('user_agent', '=', userAgent)
        .where('last_at', '>=', since)
        .orderBy('last_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (open) {
        await db
          .updateTable('recording_audit')
          .set((eb) => ({ requests: eb('requests', '+', 1), last_at: now }))
          .where('id', '=', open.id)
          .execute();
        return open.id;
      }
    }
    const id = randomUUID();
    await db
      .insertInto('recording_audit')
      .values({
        id,
        recording_id: input.recordingId,
        call_id: input.callId,
        user_id: input.userId,
        user_login: input.userLogin,
        via: input.via,
        action: input.action,
        outcome: input.outcome,
        ip,
        user_agent: userAgent,
        requests: 1,
        first_at: now,
        last_at: now,
      })
      .execute();
    return id;
  }

  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    await this.flush();
    let q = this.#store.db.selectFrom('recording_audit').selectAll();
    if (query.recordingId) q = q.where('recording_id', '=', query.recordingId);
    if (query.userId) q = q.where('user_id', '=', query.userId);
    if (query.callId) q = q.where('call_id', '=', query.callId);
    if (query.before) q = q.where('last_at', '<', query.before);
    const rows = await q
      .orderBy('last_at', 'desc')
      .orderBy('id')
      .limit(Math.min(Math.max(query.limit ?? 100, 1), 1000))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      recordingId: r.recording_id,
      callId: r.call_id,
      userId: r.user_id,
      userLogin: r.user_login,
      via: r.via,
      action: r.action as AuditAction,
      outcome: r.outcome as AuditOutcome,
      ip: r.ip,
      userAgent: r.user_agent,
      requests: Number(r.requests),
      firstAt: r.first_at,
      lastAt: r.last_at,
    }));
  }
}
