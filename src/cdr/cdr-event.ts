/**
 * A `Cdr` event (cdr_manager) as a `PbxCdr`: the same fields the CDR stores keep, under AMI's
 * names. Used by tests and tools that hold AMI captures instead of a CDR store, and by the
 * simulator's Master.csv. Times are the PBX's local wall clock: `toEpochMs` brings them to UTC.
 */
import type { AmiMessage } from '../ami/message.ts';
import type { PbxCdr } from './pbx-cdr.ts';
import { parseClid } from './clid.ts';

export function cdrFromEvent(ev: AmiMessage, toEpochMs: (localText: string) => number): PbxCdr | null {
  if (ev.get('Event') !== 'Cdr') return null;
  const text = (key: string): string => ev.get(key) ?? '';
  const start = toEpochMs(text('StartTime'));
  const end = toEpochMs(text('EndTime'));
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  const answerText = text('AnswerTime');
  const answer = answerText === '' ? null : toEpochMs(answerText);
  const clid = parseClid(text('CallerID'));
  return {
    accountcode: text('AccountCode'),
    uniqueid: text('UniqueID'),
    linkedid: ev.get('LinkedID') ?? null,
    src: text('Source'),
    dst: text('Destination'),
    dcontext: text('DestinationContext'),
    callerName: clid.name,
    callerNumber: clid.number,
    channel: text('Channel'),
    dstchannel: text('DestinationChannel'),
    lastapp: text('LastApplication'),
    lastdata: text('LastData'),
    start,
    answer: answer !== null && Number.isFinite(answer) ? answer : null,
    end,
    duration: count(text('Duration')),
    billsec: count(text('BillableSeconds')),
    disposition: text('Disposition'),
    userfield: text('UserField'),
    did: null,
    recordingfile: null,
    sequence: null,
  };
}

function count(value: string): number {
  const n = Number(value);
  return value !== '' && Number.isFinite(n) && n >= 0 ? n : 0;
}

