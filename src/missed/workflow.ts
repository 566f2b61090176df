/**
 * The callback workflow: ended calls in, items opened, counted, moved on and closed, and the people
 * concerned told at once. The decisions are pure (`classify.ts`, `owner-chain.ts`); this file reads
 * the facts they need and writes their outcome (`store/missed-items.ts`).
 *
 * Where it runs: on the instance that follows the call's PBX (the call's end is an effect of its
 * engine); escalations on every instance, each item moved once (compare-and-set on its version).
 */
import type { CallRecord } from '../calls/record.ts';
import type { Candidate } from '../directory/lookup.ts';
import type { User } from '../directory/directory.ts';
import type { RuleName } from '../routing/types.ts';
import { didDefault } from '../routing/decide.ts';
import { addressOf } from '../calls/extension-address.ts';
import type { MissedItemRow, MissedItemRowNamed, MissedItems, NewOwner } from '../store/missed-items.ts';
import { silentLog, type Log } from '../logger.ts';
import { errorInWords } from '../errors.ts';
import { classifyCall } from './classify.ts';
import { nextOwner, ownerChain, type ChainFacts, type ChainLink, type ChainUser } from './owner-chain.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Owners an item gets when nobody closer to the caller is known. */
const FILLING_IN: ReadonlySet<string> = new Set(['line', 'fallback', 'admin', 'nobody']);
/** Owners closer to the caller than those. */
const CLOSER: ReadonlySet<string> = new Set(['responsible', 'last-agent']);
const MINUTE_MS = 60_000;

/** What the `event: missed` stream message says happened to an item. */
export type MissedChange = 'opened' | 'counted' | 'escalated' | 'reassigned' | 'snoozed' | 'closed';

export interface MissedMessage {
  change: MissedChange;
  item: MissedItemRowNamed;
}

/** Routing's rules as far as owners go, per PBX. */
export interface OwnerRules {
  order: readonly RuleName[];
  lastAgentDays: number;
  didDefaults: Readonly<Record<string, string>>;
  fallback: string;
}

export interface MissedWorkflowDeps {
  items: MissedItems;
  directory: {
    userById(id: string): Promise<User | undefined>;
    userByExtension(address: string): Promise<User | undefined>;
    listUsers(): Promise<User[]>;
  };
  /** The extension address of the agent who last talked to the number since then, or null (the call log). */
  lastAgentFor(number: string, sinceIso: string): Promise<string | null>;
  rulesOf(pbxId: string): OwnerRules;
  /** How a PBX's local extensions are written as addresses (null: the default PBX). */
  qualifierOf(pbxId: string): string | null;
  /** Minutes before an open item moves on; 0: never. */
  escalateMinutes: number;
  /** Tells the people concerned (their streams, on every instance). */
  publish(userIds: readonly string[], message: MissedMessage): void;
  log?: Log;
  now?: () => Date;
}

export class MissedWorkflow {
  readonly #d: MissedWorkflowDeps;
  readonly #log: Log;
  readonly #now: () => Date;

  constructor(deps: MissedWorkflowDeps) {
    this.#d = deps;
    this.#log = deps.log ?? silentLog;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * An ended call: a missed one opens or counts on its number's item; an answered one closes the
   * number's open item. `matches`: the directory's records for the number (the call's context).
   */
  async callEnded(record: CallRecord, matches: () => Promise<readonly Candidate[]>): Promise<void> {
    const meaning = classifyCall(record);
    if (meaning.kind === 'none') return;
    if (meaning.kind === 'reached') {
      const by = meaning.byExtension === null ? undefined : await this.#d.directory.userByExtension(meaning.byExtension);
      const closed = await this.#d.items.closeReached({ number: meaning.number, at: meaning.at, reason: meaning.reason, byUserId: by?.id ?? null, callId: record.id });
      if (closed) await this.#tell('closed', closed, [closed.owner_id]);
      return;
    }
    const found = await matches();
    // The record a person reads first: the ranked first with a responsible user, else the first.
    const record0 = found.find((c) => c.owner !== null) ?? found[0] ?? null;
    const counted = await this.#d.items.countMissed(
      {
        callId: record.id,
        pbx: record.pbx,
        number: meaning.number,
        externalNumber: record.externalNumber,
        callerName: record0?.name ?? record.externalName,
        record: record0 ? { type: record0.type, id: record0.id } : null,
        did: record.did,
        at: meaning.at,
      },
      async () => this.#firstOwner(record, meaning.number, record0),
    );
    if (counted.change === 'already-counted') return;
    const item = counted.item;
    if (counted.change === 'counted' && item.level === 0 && FILLING_IN.has(item.owner_reason)) {
      // Given to the line, the fallback or an admin because nobody closer was known: the caller
      // may have become somebody's since (a contact made from the first call's card). Theirs now.
      const better = await this.#firstOwner(record, meaning.number, record0);
      if (better.ownerId !== null && better.ownerId !== item.owner_id && CLOSER.has(better.reason)) {
        const moved = await this.#d.items.change(item.id, item.version, { owner_id: better.ownerId, owner_reason: better.reason, escalate_at: better.escalateAt });
        if (moved) {
          await this.#tell('reassigned', moved, [moved.owner_id, item.owner_id]);
          return;
        }
      }
    }
    await this.#tell(counted.change, item, [item.owner_id]);
  }

  /** Moves every item whose time has come to its next person; returns how many moved. */
  async escalateDue(): Promise<number> {
    if (this.#d.escalateMinutes <= 0) return 0;
    const now = this.#now();
    let moved = 0;
    for (const item of await this.#d.items.due(now.toISOString())) {
      try {
        // Escalation only goes down the chain (the line, the fallback, an admin): no responsible user needed.
        const chain = await this.#chainFor(item.pbx, item.number, item.did, null);
        const next = nextOwner(chain, { ownerId: item.owner_id, reason: item.owner_reason });
        // Nobody further: the item stays, and stops asking.
        const values = next === null ? { escalate_at: null } : { owner_id: next.user.id, owner_reason: next.reason, level: item.level + 1, escalate_at: this.#escalateAt(now) };
        const changed = await this.#d.items.change(item.id, item.version, values);
        if (changed && next !== null) {
          moved++;
          this.#log.info({ item: item.id, from: item.owner_id, to: next.user.id, reason: next.reason, level: changed.level }, 'a missed caller nobody called back moved to the next person');
          await this.#tell('escalated', changed, [changed.owner_id, item.owner_id]);
        }
      } catch (err) {
        this.#log.warn({ item: item.id, err: errorInWords(err) }, 'could not move a missed-call item on; trying again at the next tick');
      }
    }
    return moved;
  }

  async snooze(item: MissedItemRow, minutes: number): Promise<MissedItemRowNamed | undefined> {
    const until = new Date(this.#now().getTime() + minutes * MINUTE_MS).toISOString();
    // It does not move on while snoozed; after it, the owner has the whole time again.
    const escalateAt = this.#d.escalateMinutes > 0 ? new Date(Date.parse(until) + this.#d.escalateMinutes * MINUTE_MS).toISOString() : null;
    const changed = await this.#d.items.change(item.id, item.version, { snoozed_until: until, escalate_at: escalateAt });
    return changed && this.#tell('snoozed', changed, [changed.owner_id]);
  }

  async reassign(item: MissedItemRow, to: User): Promise<MissedItemRowNamed | undefined> {
    const changed = await this.#d.items.change(item.id, item.version, { owner_id: to.id, owner_reason: 'reassigned', escalate_at: this.#escalateAt(this.#now()), snoozed_until: null });
    return changed && this.#tell('reassigned', changed, [to.id, item.owner_id]);
  }

  async dismiss(item: MissedItemRow, by: User, note: string | null): Promise<MissedItemRowNamed | undefined> {
    const changed = await this.#d.items.change(item.id, item.version, {
      status: 'closed',
      closed_at: this.#now().toISOString(),
      closed_by: by.id,
      close_reason: 'dismissed',
      close_note: note,
      escalate_at: null,
      snoozed_until: null,
    });
    return changed && this.#tell('closed', changed, [changed.owner_id]);
  }

  async #tell(change: MissedChange, row: MissedItemRow, userIds: readonly (string | null)[]): Promise<MissedItemRowNamed | undefined> {
    const item = await this.#d.items.namedById(row.id);
    if (item === undefined) return undefined;
    const to = [...new Set(userIds.filter((u): u is string => u !== null))];
    try {
      this.#d.publish(to, { change, item });
    } catch (err) {
      this.#log.warn({ item: row.id, err: errorInWords(err) }, 'could not tell people about a missed-call item (their page shows it when read again)');
    }
    return item;
  }

  async #firstOwner(record: CallRecord, number: string, first: Candidate | null): Promise<NewOwner> {
    const responsible = first?.owner ? await this.#chainUser(first.owner.id) : null;
    const chain = await this.#chainFor(record.pbx, number, record.did, responsible);
    const link: ChainLink | undefined = chain[0];
    if (link === undefined) return { ownerId: null, reason: 'nobody', escalateAt: null };
    return { ownerId: link.user.id, reason: link.reason, escalateAt: this.#escalateAt(this.#now()) };
  }

  async #chainFor(pbx: string, number: string, did: string | null, responsible: ChainUser | null): Promise<ChainLink[]> {
    const rules = this.#d.rulesOf(pbx);
    const qualifier = this.#d.qualifierOf(pbx);
    const since = new Date(this.#now().getTime() - rules.lastAgentDays * DAY_MS).toISOString();
    const lastAddress = rules.lastAgentDays > 0 ? await this.#d.lastAgentFor(number, since).catch(() => null) : null;
    const lineExt = did === null ? undefined : didDefault(rules.didDefaults, did);
    const fallbackExt = rules.fallback.trim();
    const byExt = async (address: string | null | undefined): Promise<ChainUser | null> => {
      if (!address) return null;
      const user = await this.#d.directory.userByExtension(address);
      return user ? { id: user.id, name: user.name, active: user.active } : null;
    };
    // Independent reads: side by side rather than one after another.
    const [users, lastAgent, line, fallback] = await Promise.all([
      this.#d.directory.listUsers(),
      byExt(lastAddress),
      byExt(lineExt && addressOf(lineExt, qualifier)),
      byExt(fallbackExt === '' ? null : addressOf(fallbackExt, qualifier)),
    ]);
    const facts: ChainFacts = {
      order: rules.order,
      responsible,
      lastAgent,
      line,
      fallback,
      admins: users.filter((u) => u.role === 'admin' && u.active).map((u) => ({ id: u.id, name: u.name, active: true })),
    };
    return ownerChain(facts);
  }

  async #chainUser(id: string): Promise<ChainUser | null> {
    const user = await this.#d.directory.userById(id);
    return user ? { id: user.id, name: user.name, active: user.active } : null;
  }

  #escalateAt(now: Date): string | null {
    return this.#d.escalateMinutes > 0 ? new Date(now.getTime() + this.#d.escalateMinutes * MINUTE_MS).toISOString() : null;
  }
}
