/**
 * Gathers what a routing decision needs: who the caller is (directory lookup), the responsible
 * user's primary extension, the last agent who talked to this number (call log), and the live state
 * of those extensions. This is the I/O half of routing; `decide.ts` is the pure half.
 *
 * The lookup and the call-log query run in parallel; the owner's user is read once the client is
 * known. A failing call-log query does not fail the gathering: the last-agent rule just has no fact.
 */
import type { Directory } from '../directory/directory.ts';
import { findByNormalized } from '../directory/lookup.ts';
import { normalizePhone } from '../phone/normalize.ts';
import type { NormalizedPhone } from '../phone/types.ts';
import { pickClient } from './decide.ts';
import { firstExtensionAt } from '../calls/extension-address.ts';
import type { Availability, ClientFact, LastAgentFact, OwnerFact, RouteFacts, StopSignal } from './types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface GatherFactsInput {
  directory: Directory;
  /**
   * The agent who last talked to this number since `since` (from the call log), or null. Not called
   * for anonymous callers. Optional: without it the last-agent rule never answers.
   */
  lastAgentFor?: (number: NormalizedPhone, since: Date, signal?: StopSignal) => Promise<LastAgentFact | null>;
  /** Live extension states (a DeviceStateTracker). Optional: without it every extension is `unknown`. */
  deviceStates?: { availabilityOf(extension: string): Availability };
  /** The caller's number as the PBX presents it. */
  caller: string;
  /** The dialled number (not needed for the facts; kept so the input mirrors RouteInput). */
  did?: string;
  /** How far back the call log is searched, in days. Default 30 (match RoutingRules.lastAgentDays). */
  lastAgentDays?: number;
  now?: Date;
  /** Aborted when the answer is no longer wanted (the budget passed): later steps are skipped. An AbortSignal will do. */
  signal?: StopSignal;
  /**
   * Which PBX asks, as its addressing qualifier (`calls/extension-address.ts`): the owner's
   * extension is the first of the user's that is at this PBX. Default null (the default PBX).
   */
  qualifier?: string | null;
  /** Told about a failure that was absorbed (the call-log query). */
  onError?: (err: unknown, step: 'last-agent') => void;
}

export async function gatherFacts(input: GatherFactsInput): Promise<RouteFacts> {
  const { directory } = input;
  const number = normalizePhone(input.caller, { defaultRegion: directory.defaultRegion });
  if (number.kind === 'anonymous') return { caller: { kind: 'anonymous' }, owner: null, lastAgent: null, availability: {} };

  const days = input.lastAgentDays ?? 30;
  const since = new Date((input.now ?? new Date()).getTime() - days * DAY_MS);
  const lastAgentQuery =
    input.lastAgentFor && days > 0
      ? input.lastAgentFor(number, since, input.signal).catch((err: unknown) => {
          input.onError?.(err, 'last-agent');
          return null;
        })
      : Promise.resolve(null);
  const [lookup, lastAgent] = await Promise.all([findByNormalized(directory, number), lastAgentQuery]);

  const clients: ClientFact[] = lookup.candidates.map((c) => ({ type: c.type, id: c.id, name: c.name, ownerId: c.owner?.id ?? null }));
  const client = pickClient(clients);
  let owner: OwnerFact | null = null;
  if (client?.ownerId && !input.signal?.aborted) {
    const user = await directory.userById(client.ownerId);
    if (user) owner = { id: user.id, name: user.name, active: user.active, extension: firstExtensionAt(user.extensions, input.qualifier ?? null) };
  }

  const availability = Object.create(null) as Record<string, Availability>;
  if (input.deviceStates) {
    for (const ext of [owner?.extension, lastAgent?.extension]) {
      if (ext) availability[ext] = input.deviceStates.availabilityOf(ext);
    }
  }
  return {
    caller: clients.length > 0 ? { kind: 'matched', clients } : { kind: 'unknown' },
    owner,
    lastAgent,
    availability,
  };
}
