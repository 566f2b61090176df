/**
 * The CRM mirror of missed-call items (issue 17, part 2): each open item is a planned callback in
 * the CRM (SuiteCRM: a `Planned` Call, see `../suitecrm/callback-attributes.ts`), assigned to the
 * item's owner and linked to the caller's record, rewritten when the count or the owner changes, and
 * closed when the item closes here.
 *
 * The missed-items code writes `missed_items` and grows its `version` at each change a CRM's copy
 * shows; it never calls the CRM. This worker catches up: every `pollMs` (and at once on `wake()`)
 * it makes the items the CRM is behind on due (`MirrorStore.discover`), claims them with a lease
 * (several service instances on one PostgreSQL write each change once), and walks each through
 * `nextStep` (find, create, update, link, unlink, finish), writing each step's outcome down before
 * the next. The same discipline as the call-logging outbox: never twice (a create is written down
 * as started before it is sent; after a lost answer the next attempt looks for the call by its
 * marker line first), an outage waited out with capped backoff and jitter for as long as it takes,
 * a refusal kept as `failed` with its reason (and tried again only when the item changes).
 */
import { silentLog, type Log } from '../../logger.ts';
import type { RetryStrategy } from '../../retry.ts';
import type { Store } from '../../store/store.ts';
import { CrmErrorCodes, errorInWords, isCrmError } from '../crm-errors.ts';
import type { CrmPort } from '../crm-port.ts';
import { PollingWorker } from '../../jobs/polling-worker.ts';
import { defaultBackoff } from '../outbox/call-logger.ts';
import { readItem } from './callback-state.ts';
import { MirrorStore, type MirrorCounts, type MirrorRow } from './mirror-store.ts';
import { linkKey, nextStep, type MirrorFacts } from './next-step.ts';

export interface MissedMirrorOptions {
  store: Store;
  crm: CrmPort;
  log?: Log;
  /** Look for items the CRM is behind on at least this often, in ms (another instance's changes, missed wakes). Default 2 s. */
  pollMs?: number;
  /** Items written at the same time. Default 2. */
  concurrency?: number;
  /** A worker holds an item this long (renewed at every step); after it another may take it. Default 2 min. */
  leaseMs?: number;
  /** When to try again: `(attempt, cause) => delayMs | false`. Default the call logger's (1 s doubling to 5 min, 30 s after a timeout). */
  backoff?: RetryStrategy;
  /** This instance's name in the leases. Default random. */
  instanceId?: string;
  now?: () => number;
}

export interface MissedMirrorStatus extends MirrorCounts {
  running: boolean;
  inFlight: number;
  /** Changes written into the CRM by this process. */
  written: number;
  lastWrittenAt: string | null;
  /** The latest failure in words (retried or not), or null after a success. */
  lastError: string | null;
  /** Items the CRM refused (kept until the item changes), newest first. */
  failures: { itemId: string; error: string | null; at: string }[];
}

export interface MissedMirror {
  start(): void;
  /** Looks for changed items now (call it after changing `missed_items`; coalesced). */
  wake(): void;
  /** Stops taking items and waits for those being written (their progress is saved). */
  stop(): Promise<void>;
  status(): Promise<MissedMirrorStatus>;
  /** How many items are pending, done and failed (one query: the metrics read it at each scrape). */
  counts(): Promise<MirrorCounts>;
  /** Resolves once nothing is behind or being written (tests); rejects after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
}

/** A refusal no retry fixes; an outage and a refused login are waited out (the login can be fixed without us). */
function refusedForGood(err: Error): boolean {
  return isCrmError(err) ? !err.retryable && err.code !== CrmErrorCodes.CRM_ERR_AUTH : err instanceof SyntaxError;
}

export function createMissedMirror(options: MissedMirrorOptions): MissedMirror {
  return new MirrorWorker(options);
}

/** The walk of one item stopped because another instance holds it now, or the item is gone. */
class LostHold extends Error {}

class MirrorWorker implements MissedMirror {
  readonly #o: MissedMirrorOptions;
  readonly #rows: MirrorStore;
  readonly #log: Log;
  readonly #loop: PollingWorker<MirrorRow>;
  #written = 0;
  #lastWrittenAt: string | null = null;
  #lastError: string | null = null;

  constructor(options: MissedMirrorOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLog;
    this.#rows = new MirrorStore(options.store, options.crm.name, {
      leaseMs: options.leaseMs ?? 120_000,
      retry: options.backoff ?? defaultBackoff,
      permanent: refusedForGood,
      now: () => this.#now(),
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    });
    this.#loop = new PollingWorker<MirrorRow>({
      concurrency: options.concurrency ?? 2,
      pollMs: options.pollMs ?? 2000,
      keyOf: (row) => row.item_id,
      discover: () => this.#rows.discover(),
      claim: (limit, exclude) => this.#rows.claim(limit, exclude),
      nextDueAt: () => this.#rows.nextDueAt(),
      process: (row, signal) => this.#process(row, signal),
      onQueueError: (err) => {
        this.#lastError = `The missed-call mirror could not read its tables: ${errorInWords(err)}`;
        this.#log.error({ err: errorInWords(err) }, this.#lastError);
      },
      now: () => this.#now(),
    });
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  start(): void {
    if (this.#o.crm.plansCallbacks) this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async status(): Promise<MissedMirrorStatus> {
    return {
      ...(await this.#rows.counts()),
      running: this.#loop.running,
      inFlight: this.#loop.inFlight,
      written: this.#written,
      lastWrittenAt: this.#lastWrittenAt,
      lastError: this.#lastError,
      failures: await this.#rows.failures(),
    };
  }

  counts(): Promise<MirrorCounts> {
    return this.#rows.counts();
  }

  idle(timeoutMs = Infinity): Promise<void> {
    return this.#loop.idle(timeoutMs, async () => new Error(`The missed-call mirror is still behind after ${timeoutMs} ms: ${this.#lastError ?? 'no error yet'}`));
  }

  wake(): void {
    this.#loop.wake();
  }

  async #process(row: MirrorRow, signal: AbortSignal): Promise<void> {
    const crm = this.#o.crm;
    const itemId = row.item_id;
    const step = async (progress: Parameters<MirrorStore['progress']>[1]): Promise<void> => {
      if (!(await this.#rows.progress(itemId, progress))) throw new LostHold();
    };
    let version = 0;
    try {
      const view = await readItem(this.#o.store, itemId, crm.source);
      // The item was deleted meanwhile (its row goes with it): nothing to show.
      if (view === undefined) return;
      const { state, facts } = view;
      version = facts.version;
      const mirror: MirrorFacts & { links: string[] } = {
        crmCallId: row.crm_call_id,
        postStarted: row.post_started === 1,
        searched: false,
        syncedVersion: row.synced_version,
        shown: row.shown,
        links: JSON.parse(row.links) as string[],
      };
      for (let n = 0; n < 50; n++) {
        const next = nextStep(facts, mirror);
        switch (next.do) {
          case 'find': {
            mirror.searched = true;
            const found = await crm.findCallback(state, { signal });
            if (found === null) break;
            this.#log.info({ itemId, crmCallId: found }, 'found the planned call an earlier attempt had written; not writing it again');
            // What it shows is unknown (an older version, perhaps): the update follows.
            mirror.crmCallId = found;
            mirror.syncedVersion = 0;
            mirror.shown = null;
            await step({ crm_call_id: found, synced_version: 0, shown: null });
            break;
          }
          case 'create': {
            // Written before the create is sent: if its answer is lost, the next attempt looks first.
            await step({ post_started: 1 });
            mirror.postStarted = true;
            const id = await crm.planCallback(state, { signal });
            mirror.crmCallId = id;
            mirror.syncedVersion = version;
            mirror.shown = facts.digest;
            await step({ crm_call_id: id, synced_version: version, shown: facts.digest });
            this.#log.info({ itemId, crmCallId: id, owner: state.owner?.id ?? null }, 'the missed-call item is a planned call in the CRM');
            this.#wrote();
            break;
          }
          case 'update': {
            try {
              await crm.updateCallback(mirror.crmCallId!, state, { signal });
            } catch (err) {
              if (!isCrmError(err, CrmErrorCodes.CRM_ERR_NOT_FOUND)) throw err;
              // A person deleted the planned call in the CRM: that is their decision, not written again.
              this.#log.warn({ itemId, crmCallId: mirror.crmCallId }, 'the planned call was deleted in the CRM; the item is no longer mirrored');
              await this.#finish(row, version, true);
              return;
            }
            mirror.syncedVersion = version;
            mirror.shown = facts.digest;
            await step({ synced_version: version, shown: facts.digest });
            this.#log.info({ itemId, crmCallId: mirror.crmCallId, status: state.status, count: state.missCount, owner: state.owner?.id ?? null }, 'the planned call in the CRM shows the item as it is now');
            this.#wrote();
            break;
          }
          case 'unchanged':
            mirror.syncedVersion = version;
            await step({ synced_version: version });
            break;
          case 'link':
          case 'unlink': {
            try {
              if (next.do === 'link') await crm.linkCall(mirror.crmCallId!, next.target, { signal });
              else await crm.unlinkCall(mirror.crmCallId!, next.target, { signal });
            } catch (err) {
              // The record or user was deleted in the CRM: nothing to link; the rest goes on.
              if (!isCrmError(err, CrmErrorCodes.CRM_ERR_NOT_FOUND)) throw err;
            }
            const key = linkKey(next.target);
            mirror.links = next.do === 'link' ? [...mirror.links, key] : mirror.links.filter((k) => k !== key);
            await step({ links: JSON.stringify(mirror.links) });
            break;
          }
          case 'settle':
            await this.#finish(row, version, true);
            return;
          case 'finish':
            await this.#finish(row, version, next.settled);
            this.#lastError = null;
            return;
        }
      }
      throw new Error(`The planned call of missed-call item ${itemId} did not settle in 50 steps.`);
    } catch (err) {
      if (err instanceof LostHold) {
        this.#log.warn({ itemId }, 'the missed-call item is held by another instance now (this one was too slow), or it was deleted; what was written stays');
        return;
      }
      await this.#failed(row, version, err).catch((e: unknown) => this.#log.error({ itemId, err: errorInWords(e) }, 'could not record a missed-call mirror failure'));
    }
  }

  async #finish(row: MirrorRow, version: number, settled: boolean): Promise<void> {
    // The version written down with the hold; a newer one that came meanwhile reopens the row at the next poll.
    if (!(await this.#rows.progress(row.item_id, { synced_version: version, tried_version: version, settled: settled ? 1 : 0 }))) return;
    await this.#rows.finish(row.item_id);
  }

  #wrote(): void {
    this.#written++;
    this.#lastWrittenAt = new Date(this.#now()).toISOString();
  }

  async #failed(row: MirrorRow, version: number, err: unknown): Promise<void> {
    const itemId = row.item_id;
    if (isCrmError(err, CrmErrorCodes.CRM_ERR_STOPPED) || this.#loop.stopping) {
      // Stopped mid-way: the next start (or another instance) takes it at once.
      await this.#rows.release(itemId);
      return;
    }
    const words = errorInWords(err);
    this.#lastError = `Missed-call item ${itemId}: ${words}`;
    const cause = err instanceof Error ? err : new Error(String(err));
    // The version this attempt read: a refused item comes back when it changes again. Not held any
    // more (another instance took it, or the item is gone): that one's outcome counts, not this.
    if (version > 0 && !(await this.#rows.progress(itemId, { tried_version: version }))) return;
    const current = (await this.#rows.get(itemId)) ?? row;
    const outcome = await this.#rows.fail(current, { cause, message: words, code: isCrmError(err) ? err.code : null });
    if (outcome === null) return;
    const code = isCrmError(err) ? err.code : undefined;
    if (!outcome.dead) this.#log.warn({ itemId, attempts: outcome.attempts, delayMs: outcome.retryInMs, code }, `writing a missed-call item into the CRM failed; will try again: ${words}`);
    else this.#log.error({ itemId, code }, `the CRM refused a missed-call item's planned call; it is tried again when the item changes: ${words}`);
  }
}
