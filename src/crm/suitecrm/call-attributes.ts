/**
 * A call as a SuiteCRM Call record. Pure. SuiteCRM has no seconds field (duration_hours and
 * duration_minutes only) and cuts `name` to 50 characters; the exact seconds, the disposition, the
 * line, the agent and the recording link go into the description, with a last line naming our call
 * id: that line is how a retry finds a call whose create was answered but the answer lost.
 *
 * The subject and the description are in the CRM's language (CRM_LANGUAGE, `crm.*` messages); the
 * marker line and SuiteCRM's dropdown keys (Inbound, Held, ...) never are: they are read by machines.
 */
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import type { Locale } from '../../i18n/locales.ts';
import { translator } from '../../i18n/translator.ts';
import { normalizePhone } from '../../phone/normalize.ts';
import type { CountryCode } from '../../phone/types.ts';
import type { CallLogEntry } from '../crm-port.ts';
import { toSuiteDateTime } from './datetime.ts';
import { MODULE_OF_TYPE } from './records.ts';

/** SuiteCRM's `calls.name` is varchar(50); longer names are cut silently. */
export const NAME_MAX = 50;
export const MARKER_PREFIX = 'crm-telephony call id: ';

export function markerLine(callId: string): string {
  return `${MARKER_PREFIX}${callId}`;
}

export function callAttributes(entry: CallLogEntry, region: CountryCode, locale: Locale): Record<string, string | number> {
  const attrs: Record<string, string | number> = {
    name: callName(entry, region, locale),
    direction: entry.direction === 'inbound' ? 'Inbound' : 'Outbound',
    status: entry.answered ? 'Held' : 'Not Held',
    date_start: toSuiteDateTime(entry.startedAt),
    duration_hours: Math.floor(entry.talkSeconds / 3600),
    duration_minutes: Math.floor((entry.talkSeconds % 3600) / 60),
    description: callDescription(entry, region, locale),
  };
  if (entry.parent?.externalId) {
    attrs['parent_type'] = MODULE_OF_TYPE[entry.parent.type];
    attrs['parent_id'] = entry.parent.externalId;
  }
  if (entry.assignedUser?.externalId) attrs['assigned_user_id'] = entry.assignedUser.externalId;
  return attrs;
}

/**
 * The attributes that correct a Call written before (`PATCH /Api/V8/module`): all of the create's,
 * so the name, status, duration, description and assignment all follow the correction, and a parent
 * or assigned user the correction no longer has is cleared rather than left from the first version.
 * `date_start` is always sent: a PATCH without it cuts the stored start and end to the minute and
 * leaves `date_end` as it was (recordings 73 and 74).
 */
export function callUpdateAttributes(entry: CallLogEntry, region: CountryCode, locale: Locale): Record<string, string | number> {
  return { parent_type: '', parent_id: '', assigned_user_id: '', ...callAttributes(entry, region, locale) };
}

/** "Inbound call from +7 495 123-45-67", "Missed call from ...", "Outbound call to ..." (or "Входящий звонок от ..."). */
export function callName(entry: CallLogEntry, region: CountryCode, locale: Locale): string {
  const key = entry.direction === 'outbound' ? 'crm.call.outbound' : entry.answered ? 'crm.call.inbound' : 'crm.call.missed';
  const name = translator(locale).t(key, peopleNumber(entry, region));
  return name.length > NAME_MAX ? `${name.slice(0, NAME_MAX - 1)}…` : name;
}

export function callDescription(entry: CallLogEntry, region: CountryCode, locale: Locale): string {
  const texts = translator(locale);
  const t = texts.t.bind(texts);
  // Plain digits: an ICU {n, number} would group them (3,725), which the description never did.
  const digits = (n: number): string => String(n);
  const lines: string[] = [];
  lines.push(t(entry.direction === 'inbound' ? 'crm.description.caller' : 'crm.description.called', peopleNumber(entry, region)));
  lines.push(t('crm.description.disposition', { disposition: entry.disposition ?? 'unknown' }));
  lines.push(
    entry.talkSeconds >= 60
      ? t('crm.description.talkLong', { seconds: digits(entry.talkSeconds), duration: spokenDuration(entry.talkSeconds, locale) })
      : t('crm.description.talk', { seconds: digits(entry.talkSeconds) }),
  );
  if (entry.ringSeconds !== null) lines.push(t('crm.description.ring', { seconds: digits(entry.ringSeconds) }));
  if (entry.did) lines.push(t('crm.description.line', { line: entry.did }));
  if (entry.agentExtension) {
    lines.push(
      entry.assignedUser?.name
        ? t('crm.description.agentNamed', { extension: entry.agentExtension, name: entry.assignedUser.name })
        : t('crm.description.agent', { extension: entry.agentExtension }),
    );
  }
  if (entry.clickToCall) lines.push(t('crm.description.clickToCall'));
  const recording = entry.recordingUrl || entry.recordingFile;
  if (recording) lines.push(t('crm.description.recording', { recording }));
  // Never translated: a retry finds the Call it wrote by this exact line.
  lines.push(markerLine(entry.callId));
  return lines.join('\n');
}

/** `1 h 2 min 5 s`, `2 min 0 s` (`1 ч 2 мин 5 с`): minutes and seconds always, hours when there are any. */
function spokenDuration(total: number, locale: Locale): string {
  const h = Math.floor(total / 3600);
  const values = { hours: String(h), minutes: String(Math.floor((total % 3600) / 60)), seconds: String(total % 60) };
  return translator(locale).t(h > 0 ? 'crm.duration.hoursMinutesSeconds' : 'crm.duration.minutesSeconds', values);
}

/**
 * The outside number for the `crm.call.*` and `crm.description.caller/called` messages: its kind
 * (each language words "hidden" and "unknown" for its own grammar) and, for a number, the number in
 * international format (unambiguous in a CRM read anywhere), else as presented.
 */
function peopleNumber(entry: CallLogEntry, region: CountryCode): { kind: 'hidden' | 'unknown' | 'number'; number: string } {
  return numberForPeople(entry.normalizedNumber ?? entry.externalNumber, region);
}

/** An outside number for people in the CRM (international format), or its kind when there is none to show. */
export function numberForPeople(raw: string | null, region: CountryCode): { kind: 'hidden' | 'unknown' | 'number'; number: string } {
  if (raw === null || raw.trim() === '') return { kind: 'unknown', number: '' };
  const n = normalizePhone(raw, { defaultRegion: region });
  if (n.kind === 'anonymous') return { kind: 'hidden', number: '' };
  if (n.kind === 'number' && n.e164 !== null) {
    try {
      const parsed = parsePhoneNumberWithError(n.e164);
      if (n.extension !== null) parsed.setExt(n.extension);
      return { kind: 'number', number: parsed.formatInternational() };
    } catch {
      return { kind: 'number', number: n.e164 };
    }
  }
  return { kind: 'number', number: raw.replace(/\s+/g, ' ').trim().slice(0, 40) };
}
