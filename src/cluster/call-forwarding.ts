/**
 * Click-to-call from an instance that stands by (issue 14): it has no AMI session, so it hands the
 * request, already authenticated, to the instance that leads the PBX on the cluster bus and waits
 * for the outcome. The leader places the call as its own (`placeCall`), so the origin (the CRM
 * record it was started from) is remembered where the call will be followed.
 *
 * On the bus: `call` `{r: id, p: pbx, q: request}` (only the leader of that PBX answers) and `call-outcome`
 * `{to, r: id, o: outcome}` (only the asker takes it).
 */
import { said } from '../i18n/said.ts';
import { randomBytes } from 'node:crypto';
import type { Log } from '../logger.ts';
import type { ClickToCallOutcome, ClickToCallRequest } from '../web/routes/calls-routes.ts';
import type { ClusterBus } from './cluster-bus.ts';

export interface CallForwardingOptions {
  bus: ClusterBus;
  log: Log;
  /** This instance leads the PBX now: only then does it answer others' requests. */
  /** Whether this instance leads that PBX now (and so places its calls). */
  leading: (pbxId: string) => boolean;
  /** How long a standby waits for the leader's answer; default 12 s (the Originate's own is 10 s). */
  timeoutMs?: number;
}

type Place = (request: ClickToCallRequest) => Promise<ClickToCallOutcome>;

export class CallForwarding {
  readonly #o: CallForwardingOptions;
  readonly #waiting = new Map<string, (outcome: ClickToCallOutcome) => void>();
  #place: Place | null = null;

  constructor(options: CallForwardingOptions) {
    this.#o = options;
    const { bus } = options;
    bus.on('call', (body, from) => {
      const b = body as { r?: unknown; p?: unknown; q?: ClickToCallRequest };
      const place = this.#place;
      if (place === null || typeof b.p !== 'string' || !options.leading(b.p) || typeof b.r !== 'string' || typeof b.q !== 'object' || b.q === null) return;
      const id = b.r;
      void place(b.q)
        .catch((err: unknown): ClickToCallOutcome => ({ ok: false, status: 502, code: 'C2C_ORIGINATE_FAILED', ...said('server.c2c.refusedBecause', { reason: (err as Error).message }) }))
        .then((outcome) => bus.publish('call-outcome', { to: from, r: id, o: outcome }));
    });
    bus.on('call-outcome', (body) => {
      const b = body as { to?: unknown; r?: unknown; o?: ClickToCallOutcome };
      if (b.to === bus.instanceId && typeof b.r === 'string' && b.o) this.#waiting.get(b.r)?.(b.o);
    });
  }

  /** How this instance places calls asked by others, whenever it leads the PBX. */
  serve(place: Place): void {
    this.#place = place;
  }

  /** Asks the leading instance to place the call; resolves with its outcome, or a 503 in words. */
  forward(request: ClickToCallRequest, pbxId: string): Promise<ClickToCallOutcome> {
    const id = randomBytes(9).toString('base64url');
    return new Promise<ClickToCallOutcome>((resolve) => {
      // A send that fails is counted and logged by the bus; the wait then ends in words.
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve({ ok: false, status: 503, code: 'C2C_PBX_DOWN', ...said('server.c2c.leaderSilent') });
      }, this.#o.timeoutMs ?? 12_000);
      this.#waiting.set(id, (outcome) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(outcome);
      });
      this.#o.bus.publish('call', { r: id, p: pbxId, q: request });
    });
  }
}

