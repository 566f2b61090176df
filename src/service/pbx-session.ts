/**
 * One PBX, live: its AMI client feeds the call engine, and the engine's effects go, in order, to
 * the adapters (call log, pops, device states...). On every (re)connect the calls in progress are
 * rebuilt from CoreShowChannels and Status; calls the engine knew that are gone are ended as
 * "ended while disconnected". A timer ends calls whose Hangup never came.
 */
import type { AmiClient } from '../ami/client.ts';
import type { AmiMessage } from '../ami/message.ts';
import { createEngineState, recover, reduce, tick, type EngineConfig, type EngineState } from '../calls/index.ts';
import type { Effect } from '../calls/effects.ts';
import type { Logger } from '../logger.ts';

export type EffectSink = (effect: Effect) => Promise<void> | void;

export interface PbxSessionOptions {
  client: AmiClient;
  engine: EngineConfig;
  sinks: EffectSink[];
  log: Logger;
  /** Also told every raw event (device states for routing, admin "last event"). */
  onEvent?: (event: AmiMessage) => void;
  /** How often idle calls are checked. Default 30 s. */
  tickIntervalMs?: number;
  clock?: () => number;
}

export class PbxSession {
  readonly id: string;
  readonly #options: PbxSessionOptions;
  readonly #state: EngineState;
  #queue: Promise<void> = Promise.resolve();
  #tickTimer: NodeJS.Timeout | undefined;
  #lastEventAt: number | null = null;
  #reconnects = 0;
  #recovering = false;
  /** Events that arrived while the recovery lists were being fetched; applied after them, in order. */
  #held: AmiMessage[] = [];

  constructor(options: PbxSessionOptions) {
    this.#options = options;
    this.id = options.client.id;
    this.#state = createEngineState(options.engine);
    const { client } = options;
    client.on('event', (event) => this.#onEvent(event));
    client.on('ready', (info) => {
      if (info.reconnected) this.#reconnects++;
      void this.#recover();
    });
    this.#tickTimer = setInterval(() => this.#apply(tick(this.#state, this.#now()).effects), options.tickIntervalMs ?? 30_000);
    this.#tickTimer.unref();
  }

  get lastEventAt(): string | null {
    return this.#lastEventAt === null ? null : new Date(this.#lastEventAt).toISOString();
  }

  get reconnects(): number {
    return this.#reconnects;
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
  idle(): Promise<void> {
    return this.#queue;
  }

  stop(): void {
    clearInterval(this.#tickTimer);
  }

  #now(): number {
    return (this.#options.clock ?? Date.now)();
  }

  #onEvent(event: AmiMessage): void {
    this.#lastEventAt = this.#now();
    this.#options.onEvent?.(event);
    if (this.#recovering) {
      this.#held.push(event);
      return;
    }
    this.#apply(reduce(this.#state, event, this.#now()).effects);
  }

  async #recover(): Promise<void> {
    const { client, log } = this.#options;
    this.#recovering = true;
    try {
      const [channels, status] = await Promise.all([client.action('CoreShowChannels'), client.action('Status', { AllVariables: 'true' })]);
      const result = recover(this.#state, channels.events, status.events, this.#now());
      this.#apply(result.effects);
      log.info({ pbx: this.id, channels: channels.events.length, activeCalls: this.activeCalls }, 'calls in progress rebuilt from the PBX');
    } catch (err) {
      log.warn({ pbx: this.id, err: (err as Error).message }, 'could not list the PBX channels after connecting; calls in progress will be learned from their next events');
    } finally {
      this.#recovering = false;
      const held = this.#held;
      this.#held = [];
      for (const event of held) this.#apply(reduce(this.#state, event, this.#now()).effects);
    }
  }

  /** Effects are handled strictly in order, one after another, even when a sink is slow. */
  #apply(effects: readonly Effect[]): void {
    if (effects.length === 0) return;
    const { sinks, log } = this.#options;
    this.#queue = this.#queue.then(async () => {
      for (const effect of effects) {
        for (const sink of sinks) {
          try {
            await sink(effect);
          } catch (err) {
            log.error({ pbx: this.id, effect: effect.type, callId: 'callId' in effect ? effect.callId : undefined, err }, 'an effect handler failed; the call goes on');
          }
        }
      }
    });
  }
}
