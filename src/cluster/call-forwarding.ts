/**
 * Click-to-call from an instance that stands by (issue 14): it has no AMI session, so it hands the
 * request, already authenticated, to the instance that leads the PBX over the cluster's channel
 * and waits for the outcome. The leader places the call as its own (`placeCall`), so the origin
 * (the CRM record it was started from) is remembered where the call will be followed.
 *
 * Wire: `c{"i":from,"r":id,"q":request}` and `r{"i":to,"r":id,"o":outcome}`; both fit in one
 * NOTIFY (a user, a number and a record's name are far under 8,000 bytes).
 */
import { randomBytes } from 'node:crypto';
import type { Log } from '../logger.ts';
import type { ClickToCallOutcome, ClickToCallRequest } from '../web/routes/calls-routes.ts';

export interface CallForwardingOptions {
  instanceId: string;
  log: Log;
  send: (payload: string) => Promise<void>;
  /** This instance leads the PBX now: only then does it answer others' requests. */
  leading: () => boolean;
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
  }

  /** How this instance places calls asked by others, whenever it leads the PBX. */
  serve(place: Place): void {
    this.#place = place;
  }

  /** Asks the leading instance to place the call; resolves with its outcome, or a 503 in words. */
  async forward(request: ClickToCallRequest): Promise<ClickToCallOutcome> {
    const id = randomBytes(9).toString('base64url');
    const answered = new Promise<ClickToCallOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(unavailable('The instance that follows the phone system did not answer in time'));
      }, this.#o.timeoutMs ?? 12_000);
      this.#waiting.set(id, (outcome) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(outcome);
      });
    });
    try {
      await this.#o.send(`c${JSON.stringify({ i: this.#o.instanceId, r: id, q: request })}`);
    } catch (err) {
      this.#waiting.get(id)?.(unavailable(`The request could not be handed to the instance that follows the phone system (${(err as Error).message})`));
    }
    return answered;
  }

  /** A notification starting with `c` or `r`; true when it was one of ours to handle. */
  receive(payload: string): boolean {
    const kind = payload[0];
    if (kind !== 'c' && kind !== 'r') return false;
    let body: { i?: unknown; r?: unknown; q?: ClickToCallRequest; o?: ClickToCallOutcome };
    try {
      body = JSON.parse(payload.slice(1)) as typeof body;
    } catch {
      return true;
    }
    if (typeof body.r !== 'string' || typeof body.i !== 'string') return true;
    if (kind === 'r') {
      if (body.i === this.#o.instanceId && body.o) this.#waiting.get(body.r)?.(body.o);
      return true;
    }
    const place = this.#place;
    if (place === null || !this.#o.leading() || body.i === this.#o.instanceId || !body.q) return true;
    const from = body.i;
    const id = body.r;
    void place(body.q)
      .catch((err: unknown): ClickToCallOutcome => ({ ok: false, status: 502, code: 'C2C_ORIGINATE_FAILED', message: `The phone system refused the call: ${(err as Error).message}` }))
      .then((outcome) => this.#o.send(`r${JSON.stringify({ i: from, r: id, o: outcome })}`))
      .catch((err: unknown) => this.#o.log.warn({ err: (err as Error).message }, 'the outcome of a click-to-call asked by another instance could not be sent back'));
    return true;
  }
}

function unavailable(why: string): ClickToCallOutcome {
  return { ok: false, status: 503, code: 'C2C_PBX_DOWN', message: `${why}, so the call was not placed. Try again in a minute; an administrator can check /api/health on each instance.` };
}
