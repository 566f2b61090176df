/**
 * One PBX, live: its AMI client feeds the call engine, and the engine's effects go, in order, to
 * the adapters (call log, pops, device states...).
 *
 * Calls survive outages of both sides:
 * - On every (re)connect the calls in progress are rebuilt from CoreShowChannels and Status; calls
 *   the engine knew that are gone are ended as "ended while disconnected". While disconnected
 *   nothing is ended: the reconnect's recovery decides. Only a PBX lost for good (the client gives
 *   up, or `disconnectedGiveUpMs` passes) ends them, and a later recovery brings back any that
 *   turn out to be going on.
 * - On start, the calls the store still holds as open (a previous run stopped or crashed during
 *   them) are put back into the engine before the first recovery, which reconciles them the same
 *   way: still on the PBX, they continue under the same id; gone, they are ended while disconnected.
 *
 * A timer ends calls whose Hangup never came (only while connected).
 *
 * After every login the session asks the PBX to send only the events the service reads (the AMI
 * `Filter` action, pbx-event-filter.ts); a PBX that refuses keeps sending everything.
 */
import type { AmiClient } from '../ami/client.ts';
import type { AmiMessage } from '../ami/message.ts';
import { createEngineState, endAll, recover, reduce, restore, tick, type EngineConfig, type EngineState, type StoredCall } from '../calls/index.ts';
import { backfillFromCdrs, type CdrBackfillInput } from '../calls/cdr-backfill.ts';
import type { Effect } from '../calls/effects.ts';
import { localRecord, qualifyEffect } from '../calls/extension-address.ts';
import type { CdrSource } from '../cdr/pbx-cdr.ts';
import type { Log } from '../logger.ts';
import type { GapCause, GapLog } from '../store/gap-log.ts';
import { GapFiller, type GapStatus } from './gap-filler.ts';
import { CallContexts, type CallContext, type CallContextSources } from './call-context.ts';
import { EffectQueue, type EffectQueueStats, type OverflowPolicy } from './effect-queue.ts';
import { pbxEventFilter } from './pbx-event-filter.ts';

export interface EffectSink {
  /** `context`: the call's matches and click-to-call origin, resolved once per call (see call-context.ts). */
  /** `queuedAt`: `performance.now()` when the effect was queued for the sink (its PBX event had just arrived). */
  (effect: Effect, context?: CallContext, queuedAt?: number): Promise<void> | void;
  /** A name for the queue's stats and logs. */
  label?: string;
  /** What the sink's queue does at its bound (see effect-queue.ts). Default `backpressure`. */
  overflow?: OverflowPolicy;
  /**
   * The only effect types the sink handles. Its queue then holds those alone, so its bound counts
   * calls' worth of its own work, not every effect of every call. Default: every effect.
   */
  accepts?: ReadonlySet<Effect['type']>;
  /**
   * Of the effects of the types it accepts, those the sink handles (the missed-call items take
   * `call-updated` only for ended calls: corrections from the CDRs). The others never reach its queue.
   */
  wants?: (effect: Effect) => boolean;
  /**
   * A sink that stores call records may offer the calls it holds as open for a PBX, so that a
   * session reconciles them on start (the call log's sink does). Used when the session is given no
   * `openCallsAtStart`.
   */
  openCalls?: (pbxId: string) => Promise<readonly StoredCall[]>;
  /** Resolves when the sink's own background work (a write queue) is done; used by `idle()`. */
  idle?: () => Promise<void>;
  /** The records the sink stored for these call ids (the CDR backfill asks for calls the engine forgot). */
  storedCalls?: (callIds: readonly string[]) => Promise<readonly StoredCall[]>;
}

/** Gaps in the view of the PBX, filled from its CDRs (see gap-filler.ts). */
export interface PbxGapOptions {
  log: GapLog;
  /** Null: gaps are recorded, and said to admins, but nothing fills them. */
  source: CdrSource | null;
  /** Why there is no source, for admins (what to set). */
  sourceMissing?: string | null;
  /** How often the session notes that the PBX is alive, in ms (a restart's gap starts at the last note). Default 5 s. */
  heartbeatMs?: number;
  /** How often a Ping measures how far the reading is behind the PBX (a cut's gap starts there), in ms. Default 1 s. */
  syncMs?: number;
  firstReadDelayMs?: number;
  retryMs?: number;
  /** Each gap's second read, for CDRs written late (GapFillerOptions.lateReadMs). */
  lateReadMs?: number;
}

export interface PbxSessionOptions {
  client: AmiClient;
  engine: EngineConfig;
  sinks: EffectSink[];
  log: Log;
  /** Where each call's context comes from (matches, origins). Absent: sinks get a context with no matches. */
  context?: CallContextSources;
  /** Effects each sink's queue holds before its overflow policy applies. Default 10,000. */
  sinkCapacity?: number;
  /** Also told every raw event (device states for routing, admin "last event"). */
  onEvent?: (event: AmiMessage) => void;
  /**
   * The calls the store holds as open for this PBX, read once on start and reconciled by the first
   * recovery. Default: the first sink that offers `openCalls`; none, nothing is restored.
   */
  openCallsAtStart?: () => Promise<readonly StoredCall[]>;
  /** How often idle calls are checked. Default 30 s. */
  tickIntervalMs?: number;
  /**
   * Without a connection to the PBX for this long, the calls in progress are ended as "ended while
   * disconnected" (a reconnect that finds one going on brings it back). Default 30 minutes.
   */
  disconnectedGiveUpMs?: number;
  /** Gaps (link cuts, restarts) filled from the PBX's CDRs. Absent: no gap is recorded. */
  gaps?: PbxGapOptions;
  /**
   * After every login, ask the PBX to send only the events the service reads (the AMI `Filter`
   * action; see pbx-event-filter.ts). A PBX that refuses it (an AMI user without `write = system`,
   * Asterisk before 10) keeps sending every event, which costs only CPU. Default true.
   */
  filterEvents?: boolean;
  /**
   * Built but not yet following the PBX (a standby instance of a cluster): nothing is read from
   * the store and no timer runs until `wake()`, so a standby never ends, restores or backfills a
   * call the leading instance is following (its reconstruction would overwrite the live record).
   */
  dormant?: boolean;
  /**
   * Where this PBX's extensions live among addresses (`calls/extension-address.ts`): the default
   * PBX's stay bare, another's become `101@branch` in every effect, and stored records are read
   * back as the PBX's own extensions. Default: bare (a single PBX).
   */
  qualifier?: string | null;
  clock?: () => number;
}

/**
 * Whether the PBX filters the session's events: `off` (not asked: `filterEvents: false`, or no
 * filter could be written), `asked` (no answer yet on this connection), `on`, or `refused` with what
 * the PBX said.
 */
export interface EventFilterStatus {
  state: 'off' | 'asked' | 'on' | 'refused';
  said: string | null;
}

/** Calls ended, remembered so that a CDR read never rebuilds one this run saw (~15 min at 100 calls/s). */
const ENDED_IDS_KEPT = 100_000;

export class PbxSession {
  readonly id: string;
  readonly #options: PbxSessionOptions;
  readonly #state: EngineState;
  readonly #contexts: CallContexts;
  readonly #queues: EffectQueue[];
  /** The queues that take each effect type (`EffectSink.accepts`), worked out once per type, with their sinks' `wants`. */
  readonly #taking = new Map<Effect['type'], { queues: EffectQueue[]; wants: (((effect: Effect) => boolean) | undefined)[]; picky: boolean }>();
  /** Reading from the PBX is paused because a backpressure queue is full. */
  #paused = false;
  #pauses = 0;
  /** Store writes of the session's own (gaps, heartbeats), awaited by `idle()`. */
  readonly #background = new Set<Promise<void>>();
  #tickTimer: NodeJS.Timeout | undefined;
  #lastEventAt: number | null = null;
  #reconnects = 0;
  #recoveries = 0;
  #recovering = false;
  /** Ids of calls this run saw end, newest last (see #rememberEnded). */
  readonly #endedIds = new Set<string>();
  /** Events that arrived while the recovery lists were read, with when each arrived (ms); applied after them, in order. */
  #held: { event: AmiMessage; at: number }[] = [];
  /** The store's open calls, restored into the engine (every recovery waits for it). */
  readonly #restored: Promise<void>;
  /** Connected and recovered: only then may the engine end calls on its own (tick). */
  #live = false;
  /** Since when the PBX is out of reach (a session starts out of reach); null while live. */
  #unreachableSince: number | null;
  #gaveUp = false;
  /** The open gap: since when nothing was heard (the link was lost, or the last run last knew the PBX alive). */
  #gapFrom: number | null = null;
  /**
   * The moment up to which every event the PBX sent has been read: when the last Ping whose answer
   * came back was sent (the answer queues behind every event sent before it). A service behind the
   * PBX (busy, its reading paused) has read events from well before the last one's arrival; a cut
   * loses the rest, so a gap starts here, not at the last arrival.
   */
  #seenUntil: number | null = null;
  #syncing = false;
  #syncTimer: NodeJS.Timeout | undefined;
  /** When the link was lost (calls gone in the gap ended no earlier). */
  #lostAt: number | null = null;
  #gapCause: GapCause = 'link-cut';
  /** The PBX's uptime at this connection's FullyBooted, to tell a PBX restart from a link cut. */
  #pbxUpSince: number | null = null;
  readonly #filler: GapFiller | null;
  /** A dormant session's way to start: set until `wake()`. */
  #wake: (() => void) | undefined;
  #stopped = false;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeating = false;
  /** The expression sent with `Filter` after every login; null: none is sent. */
  readonly #filter: string | null;
  #filterStatus: EventFilterStatus;
  /** What the PBX last said refusing the filter, so a refusal is logged once, not on every reconnect. */
  #filterRefusalLogged: string | null = null;

  constructor(options: PbxSessionOptions) {
    this.#options = options;
    this.id = options.client.id;
    this.#state = createEngineState(options.engine);
    this.#contexts = new CallContexts(options.context ?? { lookup: async () => [] });
    this.#queues = options.sinks.map(
      (sink, i) =>
        new EffectQueue({
          name: sink.label ?? `sink ${i + 1}`,
          capacity: options.sinkCapacity ?? 10_000,
          overflow: sink.overflow ?? 'backpressure',
          handle: (effect, context, queuedAt) => sink(effect, context, queuedAt),
          done: (_effect, context) => {
            if (context !== undefined) this.#contexts.release(context);
          },
          failed: (err, effect) =>
            options.log.error({ pbx: this.id, sink: sink.label, effect: effect.type, callId: 'callId' in effect ? effect.callId : undefined, err }, 'an effect handler failed; the call goes on'),
          relieved: () => this.#resumeIfRelieved(),
        }),
    );
    this.#unreachableSince = this.#now();
    this.#filter = options.filterEvents === false ? null : pbxEventFilter(options.engine);
    this.#filterStatus = { state: 'off', said: null };
    this.#filler = options.gaps === undefined ? null : this.#createFiller(options.gaps);
    this.#restored = options.dormant ? new Promise<void>((resolve) => (this.#wake = resolve)).then(() => this.#restore()) : this.#restore();
    // Gaps a previous run left unread (the CDR store was down, or the run stopped first).
    void this.#restored.then(() => this.#filler?.schedule(options.gaps?.firstReadDelayMs ?? 5_000));
    const { client } = options;
    client.on('event', (event) => this.#onEvent(event));
    client.on('ready', (info) => {
      if (info.reconnected) this.#reconnects++;
      // Before the recovery's lists are asked for (the PBX answers actions in order); the lists
      // themselves are never filtered.
      this.#askForFilter();
      void this.#recover();
    });
    client.on('disconnect', () => {
      // A new connection starts reading; the next full queue pauses it again.
      this.#paused = false;
      const now = this.#now();
      this.#unreachableSince ??= now;
      if (this.#live) {
        this.#lostAt = now;
        this.#gapFrom = Math.min(now, this.#seenUntil ?? this.#lastEventAt ?? now);
        this.#gapCause = 'link-cut';
      }
      this.#live = false;
    });
    // The client gave up on the PBX for good: no recovery will decide, so the calls end now.
    client.on('fatal', () => this.#giveUp('the connection to the PBX was given up'));
    if (!options.dormant) this.#startTimers();
  }

  /**
   * A dormant session starts following: the store's open calls are read now (what the previous
   * leader left, not what was open when this instance started), and its timers run. Call before
   * the client connects; once.
   */
  wake(): void {
    const wake = this.#wake;
    if (wake === undefined) return;
    this.#wake = undefined;
    this.#unreachableSince = this.#now();
    this.#startTimers();
    wake();
  }

  #startTimers(): void {
    const options = this.#options;
    this.#tickTimer = setInterval(() => this.#tick(), options.tickIntervalMs ?? 30_000);
    this.#tickTimer.unref();
    if (options.gaps !== undefined) {
      this.#heartbeatTimer = setInterval(() => void this.#heartbeat(), options.gaps.heartbeatMs ?? 5_000);
      this.#heartbeatTimer.unref();
      this.#syncTimer = setInterval(() => this.#sync(), options.gaps.syncMs ?? 1_000);
      this.#syncTimer.unref();
    }
  }

  /** One Ping at a time: when its answer comes, everything the PBX sent before it has been read. */
  #sync(): void {
    const { client } = this.#options;
    if (!this.#live || this.#syncing || client.state !== 'ready') return;
    this.#syncing = true;
    const sentAt = this.#now();
    // A long deadline: behind a backlog the answer comes late, and late is what it measures.
    client
      .action('Ping', {}, { allowError: true, timeoutMs: 10 * 60_000 })
      .then(
        () => {
          if (this.#live) this.#seenUntil = Math.max(this.#seenUntil ?? sentAt, sentAt);
        },
        () => undefined,
      )
      .finally(() => (this.#syncing = false));
  }

  /** Whether the PBX leaves out the events the service does not read (see `filterEvents`). */
  get eventFilter(): EventFilterStatus {
    return { ...this.#filterStatus };
  }

  /**
   * Sends the filter on the new connection. Whatever happens the session goes on: the filter only
   * ever removes events nothing reads, so with it or without it the engine sees what it needs.
   */
  #askForFilter(): void {
    const filter = this.#filter;
    if (filter === null) return;
    const { client, log } = this.#options;
    this.#filterStatus = { state: 'asked', said: null };
    const refused = (said: string): void => {
      this.#filterStatus = { state: 'refused', said };
      if (this.#filterRefusalLogged === said) return;
      this.#filterRefusalLogged = said;
      log.info({ pbx: this.id, said }, 'the PBX did not take the event filter: it sends every event, which costs CPU only (Asterisk takes Filter from AMI users with write = system)');
    };
    client.action('Filter', { Operation: 'Add', Filter: filter }, { allowError: true }).then(
      (result) => {
        if (result.response.response?.toLowerCase() === 'success') {
          this.#filterStatus = { state: 'on', said: null };
          this.#filterRefusalLogged = null;
          log.debug({ pbx: this.id }, 'the PBX sends only the events the service reads');
        } else refused(result.response.get('Message') ?? 'an error');
      },
      // No answer (the link dropped, the action timed out): the next login asks again.
      (err: unknown) => {
        this.#filterStatus = { state: 'refused', said: (err as Error).message };
        log.debug({ pbx: this.id, err: (err as Error).message }, 'no answer to the event filter');
      },
    );
  }

  /** Gaps and their filling, for health and the admin page; null when gaps are not followed. */
  gapStatus(): GapStatus | null {
    return this.#filler === null ? null : this.#filler.status();
  }

  /** Reads the PBX's CDRs for every due gap now (tests; the timers do it otherwise). */
  async fillGaps(): Promise<void> {
    await this.#restored;
    await this.#filler?.fillNow();
    await this.idle();
  }

  #createFiller(gaps: PbxGapOptions): GapFiller {
    const options = this.#options;
    const pbxId = options.engine.pbxId;
    const offer = options.sinks.find((s) => s.storedCalls !== undefined)?.storedCalls;
    return new GapFiller({
      pbxId,
      log: gaps.log,
      source: gaps.source,
      sourceMissing: gaps.sourceMissing ?? null,
      backfill: (input) => this.#backfill(input),
      unknownKeys: (keys) => keys.filter((k) => !this.#state.calls.has(k) && !this.#state.ended.has(k)),
      storedCalls: offer === undefined ? async () => [] : async (ids) => this.#local(await offer(ids)),
      callIdPrefix: `${pbxId}:`,
      logger: options.log,
      firstReadDelayMs: gaps.firstReadDelayMs,
      retryMs: gaps.retryMs,
      lateReadMs: gaps.lateReadMs,
      clock: options.clock,
    });
  }

  #backfill(input: CdrBackfillInput): { corrected: number; rebuilt: number; stillOpen: boolean } {
    // A call this run saw end is never rebuilt, even when the engine has forgotten it and the store
    // does not hold it yet (its record still queued for a slow store).
    const prefix = `${this.#options.engine.pbxId}:`;
    const result = backfillFromCdrs(this.#state, { ...input, seen: (key) => this.#endedIds.has(prefix + key) }, this.#now());
    this.#apply(result.effects);
    let stillOpen = false;
    for (const call of this.#state.calls.values()) {
      if (call.spannedGap && !(call.startedAt > input.window.to)) {
        stillOpen = true;
        break;
      }
    }
    return { corrected: result.corrected, rebuilt: result.rebuilt, stillOpen };
  }

  #track(p: Promise<void>): void {
    this.#background.add(p);
    void p.finally(() => this.#background.delete(p));
  }

  /**
   * Notes a moment up to which every effect is handled by the sinks (the call log written): a
   * restart's gap starts there, so calls that ended before a crash but were still queued for the
   * store are looked for in the CDRs too. Behind a slow store the note lags behind with it.
   */
  async #heartbeat(at: number = this.#now()): Promise<void> {
    const gaps = this.#options.gaps;
    if (gaps === undefined || !this.#live || this.#heartbeating) return;
    this.#heartbeating = true;
    try {
      await Promise.all(this.#queues.map((q) => q.flushed()));
      for (const sink of this.#options.sinks) await sink.idle?.();
      // Alive as far as the events read go: a restart's gap must cover what was still unread.
      await gaps.log.heartbeat(this.id, Math.min(at, this.#seenUntil ?? at));
    } catch (err) {
      this.#options.log.debug({ pbx: this.id, err: (err as Error).message }, 'could not note the PBX alive in the store');
    } finally {
      this.#heartbeating = false;
    }
  }

  get lastEventAt(): string | null {
    return this.#lastEventAt === null ? null : new Date(this.#lastEventAt).toISOString();
  }

  get reconnects(): number {
    return this.#reconnects;
  }

  /** Recoveries completed (one per connect whose channel lists were read). */
  get recoveries(): number {
    return this.#recoveries;
  }

  get activeCalls(): number {
    let n = 0;
    for (const call of this.#state.calls.values()) if (!call.ended) n++;
    return n;
  }

  /** Tells the engine about an action we send (our Originate), so that its outcome is tied to our tag. */
  noteAction(action: AmiMessage): void {
    reduce(this.#state, action, this.#now());
  }

  /** Resolves when every effect so far has been handled (for tests and shutdown). */
  async idle(): Promise<void> {
    await this.#restored;
    // Sinks' queues may grow while we wait (an effect handled produces none, but events keep coming).
    while (this.#queues.some((q) => q.size > 0)) await Promise.all(this.#queues.map((q) => q.flushed()));
    await Promise.all([...this.#background]);
    for (const sink of this.#options.sinks) await sink.idle?.();
  }

  /**
   * Stops the timers. Calls in progress stay open in the store: the next start reconciles them
   * with what the PBX then lists.
   */
  stop(): void {
    this.#stopped = true;
    // A standby that never led has nothing to restore; `idle()` must not wait for a wake that
    // will never come (a standby stopped in order, an upgrade).
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
    clearInterval(this.#tickTimer);
    clearInterval(this.#heartbeatTimer);
    clearInterval(this.#syncTimer);
    // The next start's gap begins now: this run stops watching.
    if (this.#live) this.#track(this.#heartbeat());
    this.#live = false;
    void this.#filler?.stop();
  }

  #now(): number {
    return (this.#options.clock ?? Date.now)();
  }

  #onEvent(event: AmiMessage): void {
    this.#lastEventAt = this.#now();
    if (event.event === 'FullyBooted') {
      const uptime = Number(event.get('Uptime'));
      if (Number.isFinite(uptime)) this.#pbxUpSince = this.#now() - uptime * 1000;
    }
    this.#options.onEvent?.(event);
    if (this.#recovering) {
      this.#held.push({ event, at: this.#lastEventAt });
      return;
    }
    this.#apply(reduce(this.#state, event, this.#now()).effects);
  }

  #tick(): void {
    if (this.#live) {
      this.#apply(tick(this.#state, this.#now()).effects);
      return;
    }
    const giveUpMs = this.#options.disconnectedGiveUpMs ?? 30 * 60_000;
    if (this.#unreachableSince !== null && this.#now() - this.#unreachableSince >= giveUpMs) this.#giveUp(`no connection to the PBX for ${Math.round(giveUpMs / 60_000)} min`);
  }

  /** Ends every call in progress as ended while disconnected (once per outage). */
  #giveUp(why: string): void {
    if (this.#gaveUp || this.#state.calls.size === 0) return;
    this.#gaveUp = true;
    const ended = this.#state.calls.size;
    this.#apply(endAll(this.#state, this.#now(), 'disconnected').effects);
    this.#options.log.warn({ pbx: this.id, calls: ended }, `${why}: the calls in progress were ended as ended while disconnected`);
  }

  /** The store's open calls back into the engine; a store that cannot say is logged, not fatal. */
  async #restore(): Promise<void> {
    if (this.#stopped) return;
    const options = this.#options;
    const pbxId = options.engine.pbxId;
    const offer = options.sinks.find((s) => s.openCalls !== undefined)?.openCalls;
    const source = options.openCallsAtStart ?? (offer === undefined ? undefined : () => offer(pbxId));
    if (options.gaps !== undefined) {
      try {
        const alive = await options.gaps.log.lastAlive(this.id);
        if (alive !== null) {
          this.#gapFrom = alive;
          this.#lostAt = alive;
          this.#gapCause = 'restart';
        }
      } catch (err) {
        options.log.warn({ pbx: this.id, err: (err as Error).message }, 'could not read when the PBX was last heard; calls made while the service was down will not be looked for in its CDRs');
      }
    }
    if (source === undefined) return;
    try {
      const stored = this.#local(await source());
      const before = this.#state.calls.size;
      this.#apply(restore(this.#state, stored, this.#now()).effects);
      const restored = this.#state.calls.size - before;
      if (restored > 0) options.log.info({ pbx: this.id, calls: restored }, 'calls open when the service last stopped; the PBX will tell which go on');
    } catch (err) {
      options.log.warn({ pbx: this.id, err: (err as Error).message }, 'could not read the calls open when the service last stopped; they stay open in the call log');
    }
  }

  async #recover(): Promise<void> {
    const { client, log } = this.#options;
    this.#recovering = true;
    let listedAt = Number.NaN;
    try {
      await this.#restored;
      // The lists tell the PBX as it was when they were asked for, not when their last line came
      // (thousands of channels take seconds to list and read): that is the recovery's moment.
      listedAt = this.#now();
      const [channels, status] = await Promise.all([client.action('CoreShowChannels'), client.action('Status', { AllVariables: 'true' })]);
      const lostAt = this.#lostAt ?? Number.NaN;
      const result = recover(this.#state, channels.events, status.events, listedAt, { lostAt });
      this.#apply(result.effects);
      this.#recoveries++;
      if (this.#gapFrom !== null && this.#filler !== null) {
        const to = this.#now();
        // Uptime is whole seconds: the PBX came up within the second before `#pbxUpSince`.
        const cause: GapCause = this.#pbxUpSince !== null && this.#pbxUpSince - 1_000 > this.#gapFrom ? 'pbx-restart' : this.#gapCause;
        const from = this.#gapFrom;
        this.#track(this.#filler.add({ from, to, cause }).catch((err: unknown) => log.warn({ pbx: this.id, err: (err as Error).message }, 'could not record a gap in the store; calls inside it may not be looked for in the CDRs')));
      }
      this.#gapFrom = null;
      this.#lostAt = null;
      log.info({ pbx: this.id, channels: channels.events.length, activeCalls: this.activeCalls }, 'calls in progress rebuilt from the PBX');
    } catch (err) {
      log.warn({ pbx: this.id, err: (err as Error).message }, 'could not list the PBX channels after connecting; calls in progress will be learned from their next events');
    } finally {
      this.#recovering = false;
      // Connected still (a drop during the lists leaves the decision to the next recovery).
      if (client.state === 'ready') {
        this.#live = true;
        // The lists' answers came after every event sent before they were asked for.
        this.#seenUntil = Number.isFinite(listedAt) ? listedAt : null;
        this.#unreachableSince = null;
        this.#gaveUp = false;
        void this.#heartbeat();
      }
      const held = this.#held;
      this.#held = [];
      // Each at the time it arrived (an answer heard during the lists was not an answer seconds
      // later); those that came before the lists were asked for are in them, as of that moment.
      for (const { event, at } of held) {
        const when = Number.isFinite(listedAt) ? Math.max(at, listedAt) : at;
        this.#apply(reduce(this.#state, event, when).effects);
      }
    }
  }

  /** The last `ENDED_IDS_KEPT` calls this run saw end (oldest dropped first). */
  #rememberEnded(callId: string): void {
    this.#endedIds.delete(callId);
    this.#endedIds.add(callId);
    if (this.#endedIds.size > ENDED_IDS_KEPT) this.#endedIds.delete(this.#endedIds.values().next().value!);
  }

  /** Each sink's queue: what it holds, dropped and how often it was full (a metric later). */
  get dispatchStats(): { sinks: EffectQueueStats[]; openContexts: number; droppedContexts: number; readingPaused: boolean; pauses: number } {
    return { sinks: this.#queues.map((q) => q.stats), openContexts: this.#contexts.size, droppedContexts: this.#contexts.dropped, readingPaused: this.#paused, pauses: this.#pauses };
  }

  /**
   * Effects go to every sink strictly in order, each with its call's context, one queue per sink so
   * that none waits for another (a pop must not wait behind the call log's writes).
   */
  #apply(local: readonly Effect[]): void {
    if (local.length === 0) return;
    const queues = this.#queues;
    const qualifier = this.#options.qualifier ?? null;
    const effects = qualifier === null ? local : local.map((e) => qualifyEffect(e, qualifier));
    for (const effect of effects) {
      if (effect.type === 'call-ended') this.#rememberEnded(effect.callId);
      const taking = this.#queuesTaking(effect.type);
      const queues = taking.picky ? taking.queues.filter((_, i) => taking.wants[i]?.(effect) ?? true) : taking.queues;
      const context = this.#contexts.hold(effect, queues.length);
      for (const queue of queues) queue.push(effect, context);
    }
    if (!this.#paused && queues.some((q) => q.full)) {
      this.#paused = true;
      this.#pauses++;
      this.#options.client.pauseReading();
      this.#options.log.warn({ pbx: this.id, queues: queues.filter((q) => q.full).map((q) => q.stats) }, 'the service is behind the PBX: reading its events is paused until the queues drain');
    }
  }

  #queuesTaking(type: Effect['type']): { queues: EffectQueue[]; wants: (((effect: Effect) => boolean) | undefined)[]; picky: boolean } {
    let taking = this.#taking.get(type);
    if (taking === undefined) {
      const sinks = this.#options.sinks;
      const indexes = this.#queues.map((_, i) => i).filter((i) => sinks[i]!.accepts?.has(type) ?? true);
      const wants = indexes.map((i) => sinks[i]!.wants);
      taking = { queues: indexes.map((i) => this.#queues[i]!), wants, picky: wants.some((w) => w !== undefined) };
      this.#taking.set(type, taking);
    }
    return taking;
  }

  /** Stored records (addresses) as the engine knows them: in this PBX's own extensions. */
  #local(stored: readonly StoredCall[]): StoredCall[] {
    const qualifier = this.#options.qualifier ?? null;
    return qualifier === null ? [...stored] : stored.map((s) => ({ ...s, record: localRecord(s.record, qualifier) }));
  }

  #resumeIfRelieved(): void {
    if (!this.#paused || this.#queues.some((q) => q.full)) return;
    this.#paused = false;
    this.#options.client.resumeReading();
    this.#options.log.info({ pbx: this.id }, 'caught up with the PBX: reading its events again');
  }
}
