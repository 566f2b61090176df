/**
 * From our call record and its directory matches (what the outbox stored when the call ended) to
 * the CRM-neutral entry an adapter writes. Runs in the outbox worker, never on the call path: the
 * directory reads here (who owns extension 101, which SuiteCRM id a contact has) happen when the
 * call is logged, not while it rings.
 */
import type { CallRecord } from '../../calls/record.ts';
import { DirectoryOrigins, type OwnedRecordOrigin } from '../../directory/origins.ts';
import type { RecordType } from '../../directory/record-types.ts';
import type { Store } from '../../store/store.ts';
import type { CallLogEntry, CrmRecordRef, CrmUserRef } from '../crm-port.ts';

/** The fields of the engine's call record the CRM needs (the outbox stores just these). */
export type LoggableCallRecord = Pick<
  CallRecord,
  | 'id'
  | 'direction'
  | 'status'
  | 'externalNumber'
  | 'normalizedNumber'
  | 'did'
  | 'answeredBy'
  | 'callerExtension'
  | 'rang'
  | 'disposition'
  | 'startedAt'
  | 'answeredAt'
  | 'endedAt'
  | 'ringSeconds'
  | 'talkSeconds'
  | 'recording'
  | 'clickToCallId'
>;

/** A directory record the call concerns: a lookup match, or the record a click-to-call started from. */
export interface CallMatch {
  type: RecordType;
  /** Our id. */
  id: string;
  /** `origin`: the click-to-call record (it becomes the parent). Default `matched`. */
  link?: 'matched' | 'origin';
}

export interface OutboxPayload {
  record: LoggableCallRecord;
  matches: CallMatch[];
}

export function toPayload(record: LoggableCallRecord, matches: readonly CallMatch[]): OutboxPayload {
  const r = record;
  return {
    record: {
      id: r.id,
      direction: r.direction,
      status: r.status,
      externalNumber: r.externalNumber,
      normalizedNumber: r.normalizedNumber,
      did: r.did,
      answeredBy: r.answeredBy,
      callerExtension: r.callerExtension,
      rang: [...r.rang],
      disposition: r.disposition,
      startedAt: r.startedAt,
      answeredAt: r.answeredAt,
      endedAt: r.endedAt,
      ringSeconds: r.ringSeconds,
      talkSeconds: r.talkSeconds,
      recording: r.recording,
      clickToCallId: r.clickToCallId,
    },
    matches: matches.map((m) => ({ type: m.type, id: m.id, link: m.link ?? 'matched' })),
  };
}

export interface EntryOptions {
  /** The directory source of the CRM's own records: the parent is chosen among them. */
  source: string;
  /** The link to the call's recording in our service, or null. */
  recordingUrl: (record: LoggableCallRecord) => string | null;
}

export async function buildCallLogEntry(store: Store, payload: OutboxPayload, options: EntryOptions): Promise<CallLogEntry> {
  const { record } = payload;
  const origins = new DirectoryOrigins(store);
  const userByExtension = async (extension: string | null): Promise<CrmUserRef | null> => (extension === null || extension === '' ? null : ((await origins.userByExtension(extension)) ?? null));
  const userById = async (id: string | null): Promise<CrmUserRef | null> => (id === null ? null : ((await origins.userById(id)) ?? null));

  // Matches as they are now: a record deleted since the call is left out. One read per record type.
  const ordered: CallMatch[] = [];
  const seen = new Set<string>();
  for (const m of [...payload.matches.filter((m) => m.link === 'origin'), ...payload.matches.filter((m) => m.link !== 'origin')]) {
    const key = `${m.type}:${m.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ordered.push(m);
  }
  const found = new Map<string, OwnedRecordOrigin>();
  await Promise.all(
    (['contact', 'account', 'lead'] as const).map(async (type) => {
      const ids = ordered.filter((m) => m.type === type).map((m) => m.id);
      for (const origin of await origins.records(type, ids)) found.set(`${type}:${origin.id}`, origin);
    }),
  );
  const refs: (CrmRecordRef & { owner: string | null; origin: boolean })[] = [];
  for (const m of ordered) {
    const row = found.get(`${m.type}:${m.id}`);
    if (row) refs.push({ type: m.type, id: row.id, source: row.source, externalId: row.externalId, owner: row.assignedUserId, origin: m.link === 'origin' });
  }
  const parent = refs.find((r) => r.source === options.source && r.externalId !== null) ?? refs[0] ?? null;

  const answered = record.disposition === 'answered';
  const agentExtension = record.answeredBy ?? (record.direction === 'outbound' ? record.callerExtension : null);
  const agent = await userByExtension(agentExtension);
  // A missed call goes to whoever is responsible for the caller, else to the first phone that rang.
  const assigned = answered ? agent : ((await userById(parent?.owner ?? null)) ?? (await userByExtension(record.rang[0] ?? null)));
  const startedAt = record.startedAt ?? record.answeredAt ?? record.endedAt ?? new Date().toISOString();
  return {
    callId: record.id,
    direction: record.direction === 'outbound' ? 'outbound' : 'inbound',
    answered,
    disposition: record.disposition,
    externalNumber: record.externalNumber,
    normalizedNumber: record.normalizedNumber,
    did: record.did,
    startedAt,
    endedAt: record.endedAt,
    talkSeconds: Math.max(0, Math.round(record.talkSeconds ?? 0)),
    ringSeconds: record.ringSeconds,
    agentExtension: answered || record.direction === 'outbound' ? agentExtension : null,
    assignedUser: assigned ?? agent,
    parent: parent === null ? null : { type: parent.type, id: parent.id, source: parent.source, externalId: parent.externalId },
    related: refs.map((r) => ({ type: r.type, id: r.id, source: r.source, externalId: r.externalId })),
    users: assigned ? [assigned] : agent ? [agent] : [],
    recordingUrl: record.recording ? options.recordingUrl(record) : null,
    recordingFile: record.recording,
    clickToCall: record.clickToCallId !== null,
  };
}

/** `https://tel.example.com/api/calls/{callId}/recording` -> the link for one call; '' gives none. */
export function recordingLinkTemplate(template: string): (record: LoggableCallRecord) => string | null {
  if (template === '') return () => null;
  return (record) => template.replaceAll('{callId}', encodeURIComponent(record.id));
}
