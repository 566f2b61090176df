/**
 * A call as a SuiteCRM Call record. Pure. SuiteCRM has no seconds field (duration_hours and
 * duration_minutes only) and cuts `name` to 50 characters; the exact seconds, the disposition, the
 * line, the agent and the recording link go into the description, with a last line naming our call
 * id: that line is how a retry finds a call whose create was answered but the answer lost.
 */
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
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

export function callAttributes(entry: CallLogEntry, region: CountryCode): Record<string, string | number> {
  const attrs: Record<string, string | number> = {
    name: callName(entry, region),
    direction: entry.direction === 'inbound' ? 'Inbound' : 'Outbound',
    status: entry.answered ? 'Held' : 'Not Held',
    date_start: toSuiteDateTime(entry.startedAt),
    duration_hours: Math.floor(entry.talkSeconds / 3600),
    duration_minutes: Math.floor((entry.talkSeconds % 3600) / 60),
    description: callDescription(entry, region),
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
export function callUpdateAttributes(entry: CallLogEntry, region: CountryCode): Record<string, string | number> {
  return { parent_type: '', parent_id: '', assigned_user_id: '', ...callAttributes(entry, region) };
}

/** "Inbound call from +7 495 123-45-67", "Missed call from ...", "Outbound call to ...". */
export function callName(entry: CallLogEntry, region: CountryCode): string {
  const who = peopleNumber(entry, region);
  const name = entry.direction === 'outbound' ? `Outbound call to ${who}` : entry.answered ? `Inbound call from ${who}` : `Missed call from ${who}`;
  return name.length > NAME_MAX ? `${name.slice(0, NAME_MAX - 1)}…` : name;
}

export function callDescription(entry: CallLogEntry, region: CountryCode): string {
  const lines: string[] = [];
  const number = peopleNumber(entry, region);
  lines.push(`${entry.direction === 'inbound' ? 'Caller' : 'Called'}: ${number}`);
  lines.push(`Disposition: ${entry.disposition ?? 'unknown'}`);
  lines.push(`Talk: ${entry.talkSeconds} s${entry.talkSeconds >= 60 ? ` (${minutesAndSeconds(entry.talkSeconds)})` : ''}`);
  if (entry.ringSeconds !== null) lines.push(`Ring: ${entry.ringSeconds} s`);
  if (entry.did) lines.push(`Line: ${entry.did}`);
  if (entry.agentExtension) lines.push(`Agent: ext ${entry.agentExtension}${entry.assignedUser?.name ? ` (${entry.assignedUser.name})` : ''}`);
  if (entry.clickToCall) lines.push('Placed with click-to-call');
  if (entry.recordingUrl) lines.push(`Recording: ${entry.recordingUrl}`);
  else if (entry.recordingFile) lines.push(`Recording: ${entry.recordingFile}`);
  lines.push(markerLine(entry.callId));
  return lines.join('\n');
}

function minutesAndSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h > 0 ? `${h} h` : '', `${m} min`, `${s} s`].filter((x) => x !== '').join(' ');
}

/** The outside number in international format (unambiguous in a CRM read anywhere), else as presented. */
function peopleNumber(entry: CallLogEntry, region: CountryCode): string {
  const raw = entry.normalizedNumber ?? entry.externalNumber;
  if (raw === null || raw.trim() === '') return 'an unknown number';
  const n = normalizePhone(raw, { defaultRegion: region });
  if (n.kind === 'anonymous') return 'a hidden number';
  if (n.kind === 'number' && n.e164 !== null) {
    try {
      const parsed = parsePhoneNumberWithError(n.e164);
      if (n.extension !== null) parsed.setExt(n.extension);
      return parsed.formatInternational();
    } catch {
      return n.e164;
    }
  }
  return raw.replace(/\s+/g, ' ').trim().slice(0, 40);
}
