/**
 * Who follows a PBX when several instances share one PostgreSQL (issue 14, option a): the one
 * instance holding the PBX's advisory lock. The others stand by and try the lock every second, so
 * when the leader dies (its connection closes and PostgreSQL frees the lock) one of them takes over
 * within about a second, connects to the PBX and recovers the calls in progress from it.
 *
 * A leader whose own link to PostgreSQL broke keeps following the PBX while it reconnects (calls
 * must not go unwatched meanwhile; the writes are idempotent upserts of the same calls); once back,
 * it takes its lock again, or, when another instance has it by then, gives the PBX up (`onLost`).
 */
import type { Log } from '../logger.ts';

export type LeadState = 'standby' | 'leading' | 'lost';

/** What the lead needs of the cluster link: a lock attempt and which connection it is on. */
export interface LockSession {
  readonly generation: number;
  tryLock(key: string): Promise<boolean>;
}

export interface PbxLeadOptions {
  pbxId: string;
  link: LockSession;
  log: Log;
  /** This instance now leads the PBX: connect to it. */
  onLead: () => void;
  /** Another instance leads the PBX now: stop following it. */
  onLost: () => void;
  /** How often a standby tries the lock, and a leader checks it still has it; default 1 s. */
  retryMs?: number;
}

export class PbxLead {
  readonly #o: PbxLeadOptions;
  #state: LeadState = 'standby';
  #generation = -1;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #since: number | null = null;

  constructor(options: PbxLeadOptions) {
    this.#o = options;
  }

  get state(): LeadState {
    return this.#state;
  }

  /** When this instance took the lead (ms since the epoch), or null. */
  get leadingSince(): number | null {
    return this.#since;
  }

  /** Tries at once, then every `retryMs`. */
  async start(): Promise<void> {
    await this.#check();
    this.#timer = setInterval(() => void this.#check(), this.#o.retryMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #check(): Promise<void> {
    if (this.#busy || this.#state === 'lost') return;
    this.#busy = true;
    try {
      const { link, pbxId } = this.#o;
      if (this.#state === 'leading' && this.#generation === link.generation) return;
      const generation = link.generation;
      const locked = await link.tryLock(`pbx/${pbxId}`);
      if (this.#state === 'standby') {
        if (!locked) return;
        this.#state = 'leading';
        this.#generation = generation;
        this.#since = Date.now();
        this.#o.log.info({ pbx: pbxId }, 'this instance leads the PBX now (the others stand by)');
        this.#o.onLead();
        return;
      }
      // Leading, on a new link: the old link's lock went with it.
      if (locked) {
        this.#generation = generation;
        return;
      }
      if (link.generation !== generation) return; // the link broke again meanwhile: try next time
      this.#state = 'lost';
      this.#since = null;
      this.#o.log.warn({ pbx: pbxId }, 'another instance took the lead of the PBX while our link to PostgreSQL was down: this instance stops following it');
      this.#o.onLost();
    } finally {
      this.#busy = false;
    }
  }
}
