/**
 * A missed-call item as a SuiteCRM planned Call. Pure.
 *
 * **A Call, not a Task.** SuiteCRM 7 lists a Call with status `Planned` in the Activities subpanel of
 * its parent and of every linked contact or lead, in its invitees' calendars (the Calendar reads
 * Calls through `calls_users`, whatever the assigned user: `CalendarActivity::get_activities`), in
 * "My Calls" of the assigned user (overdue in red once `date_start` has passed), and with its Close
 * button ("Close" marks a Call `Held`, moving it to History). A Task shows in Activities too, but has
 * no direction, no phone-call semantics and no invitees; and what the owner does about the item is a
 * phone call, which SuiteCRM's users already read in the Calls module next to the calls we log.
 *
 * **How it closes**: `Held` when someone talked to the customer (our callback, or their next call
 * answered): that is what SuiteCRM's own Close does with a planned call, and it moves the call from
 * Activities to History. `Not Held` when a person dismissed it without a call (the note says why):
 * SuiteCRM's word for a planned call that did not take place. The conversation itself is logged by
 * the call-logging outbox as its own Call, with its talk time; the planned one keeps 0 minutes once
 * closed, so that the History does not count a conversation twice.
 *
 * The subject and description are in the CRM's language (CRM_LANGUAGE, `crm.missed.*` messages); the
 * marker line (how a retry finds a planned call whose create was answered but the answer lost) and
 * SuiteCRM's dropdown keys are not.
 */
import type { Locale } from '../../i18n/locales.ts';
import { translator } from '../../i18n/translator.ts';
import type { CountryCode } from '../../phone/types.ts';
import type { CallbackState } from '../crm-port.ts';
import { NAME_MAX, numberForPeople } from './call-attributes.ts';
import { toSuiteDateTime } from './datetime.ts';
import { MODULE_OF_TYPE, SOURCE } from './records.ts';

export const CALLBACK_MARKER_PREFIX = 'crm-telephony missed item: ';

/** A planned call's length while open: SuiteCRM's own default for a new Call. */
export const PLANNED_MINUTES = 15;

export function callbackMarkerLine(itemId: string): string {
  return `${CALLBACK_MARKER_PREFIX}${itemId}`;
}

/** `Planned` while open; `Held` once someone talked to the customer; `Not Held` when dismissed. */
export function callbackStatus(state: CallbackState): 'Planned' | 'Held' | 'Not Held' {
  if (state.closed === null) return 'Planned';
  return state.closed.reason === 'dismissed' ? 'Not Held' : 'Held';
}

/**
 * Every attribute of the planned Call, for the create and for each update alike (a PATCH without
 * `date_start` cuts it to the minute: recordings 73 and 74). `assignedUserId` is the owner's SuiteCRM
 * id, or the API user's when the owner is not a SuiteCRM user. An update clears a parent the item no
 * longer has (`parent_type: ''`).
 */
export function callbackAttributes(state: CallbackState, options: { region: CountryCode; locale: Locale; assignedUserId: string; update?: boolean }): Record<string, string | number> {
  const attrs: Record<string, string | number> = {
    name: callbackName(state, options.region, options.locale),
    direction: 'Outbound',
    status: callbackStatus(state),
    // The newest miss: the callback is due from then, and the calendar shows it on that day.
    date_start: toSuiteDateTime(state.lastMissedAt),
    duration_hours: 0,
    duration_minutes: state.closed === null ? PLANNED_MINUTES : 0,
    description: callbackDescription(state, options.region, options.locale),
    assigned_user_id: options.assignedUserId,
  };
  if (state.record?.source === SOURCE && state.record.externalId) {
    attrs['parent_type'] = MODULE_OF_TYPE[state.record.type];
    attrs['parent_id'] = state.record.externalId;
  } else if (options.update) {
    attrs['parent_type'] = '';
    attrs['parent_id'] = '';
  }
  return attrs;
}

/**
 * "Call back Ivan Petrov (missed 2 calls)": at most 50 characters (SuiteCRM's `calls.name`). A long
 * name is cut first, so that the count stays readable.
 */
export function callbackName(state: CallbackState, region: CountryCode, locale: Locale): string {
  const texts = translator(locale);
  const who = callerOf(state, region);
  const make = (name: string): string => texts.t('crm.missed.subject', { kind: who.kind, name, count: state.missCount });
  let subject = make(who.name);
  const over = subject.length - NAME_MAX;
  if (over > 0 && who.name.length > over + 1) subject = make(`${who.name.slice(0, who.name.length - over - 1).trimEnd()}…`);
  return subject.length > NAME_MAX ? `${subject.slice(0, NAME_MAX - 1)}…` : subject;
}

export function callbackDescription(state: CallbackState, region: CountryCode, locale: Locale): string {
  const texts = translator(locale);
  const t = texts.t.bind(texts);
  const lines: string[] = [];
  lines.push(
    state.missCount === 1
      ? t('crm.missed.description.oneCall', { at: peopleTime(state.lastMissedAt) })
      : t('crm.missed.description.calls', { count: String(state.missCount), first: peopleTime(state.firstMissedAt), last: peopleTime(state.lastMissedAt) }),
  );
  if (state.callerName !== null && state.callerName.trim() !== '') lines.push(t('crm.missed.description.caller', { name: state.callerName.trim() }));
  const number = numberForPeople(state.number || state.externalNumber, region);
  if (number.kind === 'number') lines.push(t('crm.missed.description.number', { number: number.number }));
  if (state.did) lines.push(t('crm.missed.description.line', { line: state.did }));
  if (state.owner === null) lines.push(t('crm.missed.description.noOwner'));
  else if (state.owner.source !== SOURCE || !state.owner.externalId) lines.push(t('crm.missed.description.ownerOutside', { name: state.owner.name ?? state.owner.id }));
  else lines.push(t('crm.missed.description.owner', { name: state.owner.name ?? state.owner.id, reason: reasonKey(state.ownerReason) }));
  const closed = state.closed;
  if (closed !== null) {
    const who = { named: closed.by?.name ? 'yes' : 'no', name: closed.by?.name ?? '', at: peopleTime(closed.at) };
    const key = closed.reason === 'callback' ? 'crm.missed.closed.callback' : closed.reason === 'called-again' ? 'crm.missed.closed.calledAgain' : 'crm.missed.closed.dismissed';
    lines.push(t(key, who));
    if (closed.note !== null && closed.note.trim() !== '') lines.push(t('crm.missed.closed.note', { note: closed.note.trim() }));
  }
  // Never translated: a retry finds the planned call it wrote by this exact line.
  lines.push(callbackMarkerLine(state.itemId));
  return lines.join('\n');
}

/** The caller for the subject: their name, else the number for people, else the kind of number. */
function callerOf(state: CallbackState, region: CountryCode): { kind: 'hidden' | 'unknown' | 'name'; name: string } {
  const name = state.callerName?.replace(/\s+/g, ' ').trim() ?? '';
  if (name !== '') return { kind: 'name', name };
  const number = numberForPeople(state.number || state.externalNumber, region);
  return number.kind === 'number' ? { kind: 'name', name: number.number } : { kind: number.kind, name: '' };
}

/** `2026-12-07 10:15 UTC`: the same in every language, and unambiguous wherever the CRM is read. */
function peopleTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

/** The owner reasons as ICU select keys (a `-` is no key character). */
function reasonKey(reason: string): string {
  return reason === 'last-agent' ? 'lastAgent' : reason;
}
