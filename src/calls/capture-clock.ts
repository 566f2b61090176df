/**
 * The clock of a saved AMI session, read from the events themselves: `Timestamp` headers
 * (timestampevents=yes) are exact. Without them, CEL records carry the PBX's time to the second
 * (`EventTime`), and so do Cdr `EndTime`, a new channel's Uniqueid (its creation epoch) and
 * security events' `EventTV`.
 *
 * AMI events and CEL records of one moment arrive close together but in no fixed order, and the
 * silences (ringing, talking) fall between them; so an event takes the time of its CEL twin when
 * it has one (BridgeLeave ↔ BRIDGE_EXIT of the same channel, DialEnd ↔ the dialled channel's
 * ANSWER or HANGUP, HangupRequest ↔ that channel's next CEL...), else of the nearest record.
 * A capture with no such clock gets NaN throughout: the engine then takes durations from the Cdrs.
 */
import type { AmiMessage } from '../ami/message.ts';
import { field, eventName } from './fields.ts';
import { uniqueidEpochMs } from './channels.ts';
import { parseLocalTime } from './record.ts';

const QUARTER_HOUR = 15 * 60_000;
/** How far (in messages) an event's CEL twin may be. */
const TWIN_WINDOW = 80;

/** One time (epoch ms, or NaN) per message, in order. */
export function captureTimes(messages: readonly AmiMessage[]): Float64Array {
  const times = new Float64Array(messages.length).fill(Number.NaN);
  if (!hasClock(messages)) return times;
  const offset = localTimeOffset(messages);
  const anchors = new Float64Array(messages.length);
  const cel = new Map<string, number[]>();
  const celByChannel = new Map<string, number[]>();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    anchors[i] = anchorOf(m, offset);
    if (eventName(m) === 'CEL' && Number.isFinite(anchors[i])) {
      const channel = field(m, 'Channel') ?? '';
      push(cel, `${field(m, 'EventName') ?? ''}|${channel}`, i);
      push(celByChannel, channel, i);
    }
  }
  const prev = new Int32Array(messages.length);
  let last = -1;
  for (let i = 0; i < messages.length; i++) {
    if (Number.isFinite(anchors[i])) last = i;
    prev[i] = last;
  }
  let next = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (Number.isFinite(anchors[i])) next = i;
    const m = messages[i]!;
    if (Number.isFinite(anchors[i]) && (eventName(m) !== 'Newchannel' || !cel.size)) {
      times[i] = anchors[i]!;
      continue;
    }
    const twin = twinOf(m, i, cel, celByChannel);
    if (twin >= 0) {
      times[i] = anchors[twin]!;
      continue;
    }
    const p = prev[i]!;
    const n = next;
    if (p < 0 && n < 0) continue;
    // The nearest record by position; a tie goes to the earlier one.
    times[i] = anchors[n < 0 || (p >= 0 && i - p <= n - i) ? p : n]!;
  }
  return times;
}

/** The CEL record of the same moment as an AMI event, or -1. */
function twinOf(m: AmiMessage, i: number, cel: Map<string, number[]>, byChannel: Map<string, number[]>): number {
  const channel = field(m, 'Channel');
  const dest = field(m, 'DestChannel');
  switch (eventName(m)) {
    case 'Newchannel':
      return nearest(cel.get(`CHAN_START|${channel}`), i);
    case 'Newstate':
      return field(m, 'ChannelStateDesc') === 'Up' ? nearest(cel.get(`ANSWER|${channel}`), i) : -1;
    case 'DialBegin':
    case 'AgentCalled':
      return nearest(cel.get(`CHAN_START|${dest}`), i);
    case 'DialEnd':
      return nearest(cel.get(`${field(m, 'DialStatus') === 'ANSWER' ? 'ANSWER' : 'HANGUP'}|${dest}`), i);
    case 'AgentConnect':
      return nearest(cel.get(`ANSWER|${dest}`), i);
    case 'BridgeEnter':
      return nearest(cel.get(`BRIDGE_ENTER|${channel}`), i);
    case 'BridgeLeave':
      return nearest(cel.get(`BRIDGE_EXIT|${channel}`), i);
    case 'Hangup':
      return nearest(cel.get(`HANGUP|${channel}`), i);
    case 'BlindTransfer':
      return nearest(cel.get(`BLINDTRANSFER|${field(m, 'TransfererChannel')}`), i);
    case 'AttendedTransfer':
      return nearest(cel.get(`ATTENDEDTRANSFER|${field(m, 'OrigTransfererChannel')}`), i);
    case 'HangupRequest':
    case 'SoftHangupRequest': {
      // Whatever the channel does next (leave its bridge, end its application, hang up) is this moment.
      const list = byChannel.get(channel ?? '');
      if (list === undefined) return -1;
      for (const j of list) if (j > i && j - i <= TWIN_WINDOW) return j;
      return -1;
    }
    default:
      return -1;
  }
}

function nearest(list: number[] | undefined, i: number): number {
  if (list === undefined) return -1;
  let best = -1;
  for (const j of list) if (Math.abs(j - i) <= TWIN_WINDOW && (best < 0 || Math.abs(j - i) < Math.abs(best - i))) best = j;
  return best;
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [i]);
  else list.push(i);
}

function hasClock(messages: readonly AmiMessage[]): boolean {
  for (const m of messages) {
    if (m.type !== 'event') continue;
    if (eventName(m) === 'CEL' || (field(m, 'Timestamp') !== undefined)) return true;
  }
  return false;
}

function anchorOf(m: AmiMessage, offset: number): number {
  const ts = field(m, 'Timestamp');
  if (ts !== undefined) {
    const secs = Number(ts);
    if (Number.isFinite(secs) && secs > 0) return secs * 1000;
  }
  switch (eventName(m)) {
    case 'CEL':
      return pbxTime(field(m, 'EventTime'), offset);
    case 'Cdr':
      return pbxTime(field(m, 'EndTime'), offset);
    case 'Newchannel':
      return uniqueidEpochMs(field(m, 'Uniqueid') ?? '');
    default: {
      const tv = field(m, 'EventTV');
      return tv === undefined ? Number.NaN : isoTime(tv);
    }
  }
}

/** CEL and Cdr times are the PBX's local wall clock (`%F %T`), or epoch seconds when so configured. */
function pbxTime(text: string | undefined, offset: number): number {
  if (text === undefined || text === '') return Number.NaN;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const local = parseLocalTime(text);
  return Number.isNaN(local) ? local : local - offset;
}

/** `2026-11-23T20:00:20.062+0000` (no colon in the offset, which Date.parse does not take everywhere). */
function isoTime(text: string): number {
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * How far the PBX's local clock is from UTC, in quarter hours: a channel's CEL CHAN_START happens
 * in the second its Uniqueid was made; failing that, a Cdr starts when its channel did.
 */
export function localTimeOffset(messages: readonly AmiMessage[]): number {
  // A Cdr may start long after its channel (a leg after a transfer): the smallest gap is the truest.
  let fallback = Number.NaN;
  for (const m of messages) {
    if (eventName(m) === 'CEL' && field(m, 'EventName') === 'CHAN_START') {
      const diff = gap(field(m, 'EventTime'), field(m, 'UniqueID'));
      if (!Number.isNaN(diff)) return toQuarter(diff);
    } else if (eventName(m) === 'Cdr') {
      const diff = gap(field(m, 'StartTime'), field(m, 'UniqueID'));
      if (!Number.isNaN(diff) && !(diff >= fallback)) fallback = diff;
    }
  }
  return Number.isNaN(fallback) ? 0 : toQuarter(fallback);
}

function gap(local: string | undefined, uniqueid: string | undefined): number {
  if (local === undefined || uniqueid === undefined || /^\d+(\.\d+)?$/.test(local)) return Number.NaN;
  return parseLocalTime(local) - uniqueidEpochMs(uniqueid);
}

function toQuarter(ms: number): number {
  return Math.round(ms / QUARTER_HOUR) * QUARTER_HOUR;
}
