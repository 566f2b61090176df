/**
 * The live pops: the console's own stream (`GET /api/events`, server-sent events) for this user,
 * opened with the session cookie. EventSource retries by itself after a dropped connection; when
 * the service keeps refusing (down, or the session gone) we close it and try again with a growing
 * pause, so that a stopped service is not hammered by every open SuiteCRM tab.
 *
 * Only visible tabs hold a stream: browsers allow six HTTP/1.1 connections per host, and a stream
 * per background SuiteCRM tab would use them up. A tab that comes back asks again, and the service
 * replays the cards still ringing.
 */
import type { CallMessage } from '../pops/wire.ts';

export type StreamState = 'connecting' | 'live' | 'down';

export interface CallStreamOptions {
  url: string;
  onMessage(message: CallMessage): void;
  onState(state: StreamState): void;
  /** Asked before each retry after a refusal: false stops for good (signed out). */
  stillSignedIn(): Promise<boolean>;
  /** Close after this long in a hidden tab. Default 60 s. */
  hiddenCloseMs?: number;
}

const MAX_PAUSE_MS = 60_000;

export class CallStream {
  readonly #o: CallStreamOptions;
  #source: EventSource | null = null;
  #failures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #hiddenTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  readonly #onVisibility = (): void => this.#visibilityChanged();

  constructor(options: CallStreamOptions) {
    this.#o = options;
  }

  start(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    if (document.visibilityState !== 'hidden') this.#open();
  }

  stop(): void {
    this.#stopped = true;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#close();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#hiddenTimer) clearTimeout(this.#hiddenTimer);
  }

  #open(): void {
    if (this.#stopped || this.#source) return;
    this.#o.onState('connecting');
    const source = new EventSource(this.#o.url, { withCredentials: true });
    this.#source = source;
    source.addEventListener('open', () => {
      this.#failures = 0;
      this.#o.onState('live');
    });
    source.addEventListener('call', (event) => {
      let message: CallMessage;
      try {
        message = JSON.parse((event as MessageEvent<string>).data) as CallMessage;
      } catch {
        return;
      }
      this.#o.onMessage(message);
    });
    source.addEventListener('error', () => {
      this.#failures++;
      // CLOSED: refused outright (an HTTP error: signed out, or CORS). CONNECTING: the browser
      // retries by itself, which is right for a blip but not for a service that stays down.
      if (source.readyState === EventSource.CLOSED || this.#failures >= 3) {
        this.#close();
        this.#o.onState('down');
        this.#scheduleRetry();
      }
    });
  }

  #close(): void {
    this.#source?.close();
    this.#source = null;
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer) return;
    const pause = Math.min(MAX_PAUSE_MS, 1000 * 2 ** Math.min(this.#failures, 6)) * (0.75 + Math.random() * 0.5);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (document.visibilityState === 'hidden') return;
      this.#o.stillSignedIn().then(
        (yes) => (yes ? this.#open() : this.stop()),
        () => this.#scheduleRetry(),
      );
    }, pause);
  }

  #visibilityChanged(): void {
    if (this.#stopped) return;
    if (document.visibilityState === 'hidden') {
      this.#hiddenTimer ??= setTimeout(() => {
        this.#hiddenTimer = null;
        this.#close();
      }, this.#o.hiddenCloseMs ?? 60_000);
      return;
    }
    if (this.#hiddenTimer) {
      clearTimeout(this.#hiddenTimer);
      this.#hiddenTimer = null;
    }
    if (!this.#source && !this.#retryTimer) this.#open();
  }
}
