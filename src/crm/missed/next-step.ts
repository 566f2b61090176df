/**
 * What the mirror does next for one missed-call item, from what the item is now and what the CRM is
 * known to show. Pure: the worker carries out the step, writes its outcome down, and asks again,
 * until `finish`. Every step is safe to repeat after a crash except a create, which is why a create
 * is written down before it is sent (`postStarted`) and a later attempt looks for it first (`find`).
 */
import type { CallLinkTarget } from '../crm-port.ts';

export interface ItemFacts {
  status: 'open' | 'closed';
  /** `missed_items.version`: grows at every change the CRM's copy shows (and at some it does not: a snooze). */
  version: number;
  /** A digest of what the CRM's call should show now. */
  digest: string;
  /** The links the planned call should have: the caller's contact or lead, and the owner. */
  targets: readonly CallLinkTarget[];
}

export interface MirrorFacts {
  /** The CRM's id of the planned call, once known. */
  crmCallId: string | null;
  /** A create was sent at some time (its answer may have been lost). */
  postStarted: boolean;
  /** This attempt looked for an earlier create already (and found none, else `crmCallId` is set). */
  searched: boolean;
  /** The item's version the CRM's call shows; 0 when unknown (a call found, not written, this time). */
  syncedVersion: number;
  /** The digest of what the CRM's call shows; null when unknown. */
  shown: string | null;
  /** Links made: `contact:<id>`, `lead:<id>`, `user:<id>`. */
  links: readonly string[];
}

export type Step =
  /** Look for the planned call an earlier create may have written. */
  | { do: 'find' }
  /** Create it (written down as started first). */
  | { do: 'create' }
  /** The item closed before anything reached the CRM: nothing to write, ever. */
  | { do: 'settle' }
  /** Rewrite it with the item as it is now (count, owner, closing). */
  | { do: 'update' }
  /** A newer version that shows the same (a snooze): noted, nothing written. */
  | { do: 'unchanged' }
  | { do: 'link'; target: CallLinkTarget }
  /** The previous owner: off the planned call's invitees, so it leaves their calendar. */
  | { do: 'unlink'; target: CallLinkTarget }
  /** The CRM shows `version`: done (and settled for good when the item is closed). */
  | { do: 'finish'; settled: boolean };

export function linkKey(target: CallLinkTarget): string {
  return `${target.kind}:${target.externalId}`;
}

export function nextStep(item: ItemFacts, mirror: MirrorFacts): Step {
  if (mirror.crmCallId === null) {
    if (mirror.postStarted && !mirror.searched) return { do: 'find' };
    // Closed before its planned call existed: a callback nobody needs any more is not created.
    if (item.status === 'closed') return { do: 'settle' };
    return { do: 'create' };
  }
  if (mirror.syncedVersion < item.version) return mirror.shown === item.digest ? { do: 'unchanged' } : { do: 'update' };
  const wanted = new Set(item.targets.map(linkKey));
  // The new owner is linked before the previous one goes: the call is never without an invitee.
  for (const target of item.targets) if (!mirror.links.includes(linkKey(target))) return { do: 'link', target };
  for (const key of mirror.links) {
    // Records stay linked (the call concerned them); only a user who no longer owns the item leaves.
    if (!key.startsWith('user:') || wanted.has(key)) continue;
    return { do: 'unlink', target: { kind: 'user', externalId: key.slice('user:'.length) } };
  }
  return { do: 'finish', settled: item.status === 'closed' };
}
