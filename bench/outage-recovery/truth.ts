/**
 * The ground truth: what the PBX did, as the call engine reads it when it misses nothing. One more
 * AMI session on the simulator (`Events: on`), never cut, never restarted, feeds its own engine
 * (`createEngineState` + `reduce`, the same configuration as the service's: PBX id `default`,
 * region US, the default contexts) as the events arrive. The final record of every call is kept,
 * with the channels each call had (Uniqueid -> Linkedid), so that a logged record filed under
 * another id can be traced back to the call it belongs to.
 *
 * The engine runs as the events arrive (not over a stored copy after the run): ten minutes at 100
 * calls/s is ~5 million events, too many to hold, and the records come out the same.
 */
import { AmiClient } from '../../src/ami/client.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { createEngineState, reduce, type CallRecord, type EngineState } from '../../src/calls/index.ts';

export interface TruthOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** The service's PBX id (src/main.ts: `default`), so that call ids compare as they are. */
  pbxId: string;
}

export class TruthObserver {
  readonly #client: AmiClient;
  readonly #state: EngineState;
  /** Latest record of every call, by call id. */
  readonly records = new Map<string, CallRecord>();
  /** Every channel's Uniqueid -> its call's Linkedid. */
  readonly owners = new Map<string, string>();
  events = 0;
  engineErrors: string[] = [];
  /** Times the observer's own link dropped: any at all and the truth has holes (reported). */
  disconnects = 0;
  /**
   * How late the PBX's events arrived against the calls' own clock, from CEL records (their
   * `EventTime` is the second the script meant the event for): arrival - (EventTime + 1 s), so a
   * lower bound, in ms. The truth reads time from arrival, as the service does; when the simulator's
   * process falls behind, both see the call later than its CDR says, and talk times drift apart.
   */
  readonly lateness = { cel: 0, lateOver1s: 0, maxMs: 0 };

  constructor(options: TruthOptions) {
    this.#state = createEngineState({ pbxId: options.pbxId });
    this.#client = new AmiClient({
      id: 'truth',
      host: options.host,
      port: options.port,
      username: options.username,
      secret: options.secret,
      events: 'on',
      // No keepalive: a Ping delayed behind a burst must not make the observer drop its own link.
      keepaliveIntervalMs: 0,
    });
    this.#client.on('event', (event: AmiMessage) => this.#onEvent(event));
    this.#client.on('disconnect', () => this.disconnects++);
  }

  async start(): Promise<void> {
    await this.#client.connect();
  }

  /** Calls the truth still holds as going on (none once the load has ended). */
  get openCalls(): number {
    let n = 0;
    for (const r of this.records.values()) if (r.status !== 'ended') n++;
    return n;
  }

  async stop(): Promise<void> {
    await this.#client.close();
  }

  #onEvent(event: AmiMessage): void {
    this.events++;
    const now = Date.now();
    if (event.event === 'CEL') this.#noteLateness(event.get('EventTime'), now);
    const uniqueid = event.get('Uniqueid');
    const linkedid = event.get('Linkedid');
    if (uniqueid !== undefined && linkedid !== undefined && uniqueid !== '' && linkedid !== '') this.owners.set(uniqueid, linkedid);
    for (const effect of reduce(this.#state, event, now).effects) {
      if (effect.type === 'engine-error') this.engineErrors.push(`${effect.event}: ${effect.message}`);
      else if ('record' in effect) this.records.set(effect.callId, effect.record);
    }
  }

  #noteLateness(eventTime: string | undefined, now: number): void {
    // The simulator's CEL times are UTC wall clock, whole seconds: `2026-12-06 13:52:40`.
    const at = eventTime === undefined ? Number.NaN : Date.parse(`${eventTime.replace(' ', 'T')}Z`);
    if (!Number.isFinite(at)) return;
    const late = now - (at + 1000);
    this.lateness.cel++;
    if (late > 1000) this.lateness.lateOver1s++;
    if (late > this.lateness.maxMs) this.lateness.maxMs = late;
  }
}
