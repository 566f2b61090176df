/**
 * Extensions across several PBXs (issue 14). An extension number is only unique inside its PBX: 101
 * may be two people at two offices. Outside a PBX's own session an extension is therefore written as
 * an address: `101` at the default PBX (so that a single-PBX deployment, and every deployment from
 * before several PBXs, reads exactly as before), `101@branch` at the PBX whose id is `branch`.
 *
 * The engine works in the PBX's own extensions (what its events and dialplan say). The PBX session
 * qualifies its effects on the way out (`qualifyEffect`) and turns stored records back into local
 * ones on the way in (`localRecord`), so the call log, the pops, the CRM and the directory (where a
 * user's extensions are addresses) all see addresses and never mix two offices' 101s.
 */
import type { Effect } from './effects.ts';
import type { CallRecord } from './record.ts';
import type { Transfer } from './state.ts';

/** A PBX id: lower-case letters, digits, `-` and `_`, starting with a letter or digit. */
export const PBX_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** What an extension may be: digits and `* # +` (what a phone can dial). */
export const EXTENSION_PATTERN = /^[0-9*#+]{1,15}$/;

/** A directory extension: `101` (the default PBX) or `101@branch`. */
export const ADDRESS_PATTERN = new RegExp(`^${EXTENSION_PATTERN.source.slice(1, -1)}(@${PBX_ID_PATTERN.source.slice(1, -1)})?$`);

/**
 * Where one PBX's extensions live among addresses: `qualifier` is null for the default PBX (bare
 * extensions) and the PBX's id for every other.
 */
export interface PbxAddressing {
  readonly pbxId: string;
  readonly qualifier: string | null;
}

export function addressingOf(pbxId: string, defaultPbxId: string): PbxAddressing {
  return { pbxId, qualifier: pbxId === defaultPbxId ? null : pbxId };
}

/** The address of a PBX's own extension. */
export function addressOf(extension: string, qualifier: string | null): string {
  return qualifier === null ? extension : `${extension}@${qualifier}`;
}

/** The extension and PBX qualifier of an address (`qualifier` null: the default PBX). */
export function parseAddress(address: string): { extension: string; qualifier: string | null } {
  const at = address.lastIndexOf('@');
  return at < 0 ? { extension: address, qualifier: null } : { extension: address.slice(0, at), qualifier: address.slice(at + 1) };
}

/** The PBX's own extension when the address is at that PBX, else null. */
export function localExtension(address: string, qualifier: string | null): string | null {
  const parsed = parseAddress(address);
  return parsed.qualifier === qualifier ? parsed.extension : null;
}

/** The first of a user's addresses that is at this PBX, as its own extension (null: none there). */
export function firstExtensionAt(addresses: readonly string[], qualifier: string | null): string | null {
  for (const a of addresses) {
    const local = localExtension(a, qualifier);
    if (local !== null) return local;
  }
  return null;
}

/** An effect with its extensions as addresses. The default PBX's effects are returned as they are. */
export function qualifyEffect(effect: Effect, qualifier: string | null): Effect {
  if (qualifier === null) return effect;
  switch (effect.type) {
    case 'agent-ringing':
    case 'agent-stopped-ringing':
      return { ...effect, extension: addressOf(effect.extension, qualifier) };
    case 'call-answered':
      return { ...effect, extension: effect.extension === null ? null : addressOf(effect.extension, qualifier) };
    case 'call-transferred':
      return { ...effect, transfer: mapTransfer(effect.transfer, (e) => addressOf(e, qualifier)) };
    case 'call-started':
    case 'call-updated':
    case 'call-ended':
      return { ...effect, record: qualifyRecord(effect.record, qualifier) };
    default:
      return effect;
  }
}

/** Words `hangupParty` holds instead of an extension. */
const PARTY_WORDS = new Set(['caller', 'customer', 'pbx']);

export function qualifyRecord(record: CallRecord, qualifier: string | null): CallRecord {
  return qualifier === null ? record : mapRecord(record, (e) => addressOf(e, qualifier));
}

/**
 * A stored record (addresses) as the engine knows it (the PBX's own extensions). An address at
 * another PBX cannot be one of this PBX's calls; it is kept as it is rather than guessed at.
 */
export function localRecord(record: CallRecord, qualifier: string | null): CallRecord {
  if (qualifier === null) return record;
  return mapRecord(record, (a) => localExtension(a, qualifier) ?? a);
}

function mapRecord(record: CallRecord, map: (extension: string) => string): CallRecord {
  const opt = (e: string | null): string | null => (e === null ? null : map(e));
  return {
    ...record,
    callerExtension: opt(record.callerExtension),
    rang: record.rang.map(map),
    answeredBy: opt(record.answeredBy),
    unreachable: record.unreachable.map(map),
    transfers: record.transfers.map((t) => mapTransfer(t, map)),
    hangupParty: record.hangupParty === null || PARTY_WORDS.has(record.hangupParty) ? record.hangupParty : map(record.hangupParty),
    hangupExtension: opt(record.hangupExtension),
  };
}

function mapTransfer(transfer: Transfer, map: (extension: string) => string): Transfer {
  return { ...transfer, from: transfer.from === null ? null : map(transfer.from), to: transfer.to === null ? null : map(transfer.to) };
}
