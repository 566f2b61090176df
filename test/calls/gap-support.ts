/**
 * A capture played with a gap in it: the link is lost after event `cut`, the PBX goes on (its
 * channel table sees every event), the engine recovers from CoreShowChannels and Status answers
 * true to the PBX at event `resume` (listed in an order other than creation), hears the rest live,
 * and finally the PBX's CDRs for the gap are read. Used by the cut-at-every-boundary tests.
 */
import { AmiMessage } from '../../src/ami/message.ts';
import type { TimedMessage } from '../../src/calls/analyze-capture.ts';
import { backfillFromCdrs } from '../../src/calls/cdr-backfill.ts';
import { recover } from '../../src/calls/recover.ts';
import { restore } from '../../src/calls/restore.ts';
import { createEngineState } from '../../src/calls/state.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { cdrFromEvent } from '../../src/cdr/cdr-event.ts';
import type { PbxCdr } from '../../src/cdr/pbx-cdr.ts';
import { ChannelTable } from '../../src/simulator/channel-table.ts';
import { coreShowChannelsReply, statusReply } from '../../src/simulator/channel-replies.ts';
import { parseLocalTime } from '../../src/calls/record.ts';
import { CONFIG, collect, feed, newRun, type Run } from './support.ts';

const LIST_ITEMS = new Set(['CoreShowChannel', 'CoreShowChannelsComplete', 'Status', 'StatusComplete']);

/** The events of a capture a live session would hear (no answers to another session's actions). */
export function liveEvents(items: readonly TimedMessage[]): TimedMessage[] {
  return items.filter((x) => x.message.event !== undefined && !LIST_ITEMS.has(x.message.event));
}

/** The capture's Cdr events as the PBX's CDR store holds them (the test PBX ran on UTC). */
export function cdrRows(events: readonly TimedMessage[]): PbxCdr[] {
  const rows: PbxCdr[] = [];
  for (const { message } of events) {
    const row = cdrFromEvent(message, parseLocalTime);
    if (row !== null) rows.push(row);
  }
  return rows;
}

export function uncut(events: readonly TimedMessage[]): Run {
  const state = createEngineState(CONFIG);
  return feed(state, events);
}

export interface GapOptions {
  /** Events before the link is lost. */
  cut: number;
  /** Events the PBX has sent when the engine recovers (>= cut). */
  resume: number;
  /** Read the CDRs after the gap. Default true. */
  cdrs?: boolean;
  /** Order CoreShowChannels lists channels in. Default: newest first. */
  order?: 'newest-first' | 'oldest-first';
  /**
   * The service restarts in the gap (killed at the cut): a fresh engine gets the open records the
   * store held (`restore`), then recovers. Default false: the same engine, the link cut.
   */
  restart?: boolean;
  /**
   * After the CDRs are read, another instance (a fresh engine, as after a takeover) reads the same
   * gap's CDRs against what the store then holds, and then once more (a later gap's read takes in
   * the calls that ended shortly before it). Default false.
   */
  reread?: boolean;
  /** The PBX's CDR rows, when not the events' own Cdr events (a PBX without cdr_manager). */
  rows?: readonly PbxCdr[];
}

export function withGap(events: readonly TimedMessage[], o: GapOptions): Run {
  let state = createEngineState(CONFIG);
  const run = newRun();
  feed(state, events.slice(0, o.cut), run);
  // What the store holds when the service restarts: the backfill asks it for calls the engine forgot.
  const stored = [...run.records.values()].map((record) => ({ record }));
  if (o.restart === true) {
    state = createEngineState(CONFIG);
    restore(state, stored.filter((x) => x.record.status === 'in-progress'), o.cut > 0 ? events[o.cut - 1]!.time : Number.NaN);
  }
  const table = new ChannelTable();
  for (let i = 0; i < o.resume; i++) table.apply(events[i]!.message, events[i]!.time);
  const lostAt = o.cut > 0 ? events[o.cut - 1]!.time : Number.NaN;
  const at = o.resume > 0 ? events[o.resume - 1]!.time : lostAt;
  const action = new AmiMessage([['Action', 'CoreShowChannels'], ['ActionID', 'gap']]);
  const list = (answer: [string, string][][]): AmiMessage[] => {
    const items = answer.map((f) => new AmiMessage(f)).filter((m) => m.event === 'CoreShowChannel' || m.event === 'Status');
    return o.order === 'oldest-first' ? items : items.reverse();
  };
  const shows = list(coreShowChannelsReply(action, table, at).map((f) => f.map(([k, v]) => [k, v] as [string, string])));
  const statusAction = new AmiMessage([['Action', 'Status'], ['ActionID', 'gap-s'], ['AllVariables', 'true']]);
  const statuses = list(statusReply(statusAction, table, new Map(), at).map((f) => f.map(([k, v]) => [k, v] as [string, string])));
  collect(run, recover(state, shows, statuses, at, { lostAt }).effects);
  feed(state, events.slice(o.resume), run);
  if (o.cdrs !== false) {
    const end = events[events.length - 1]!.time;
    const rows = o.rows ?? cdrRows(events);
    collect(run, backfillFromCdrs(state, { rows, window: { from: lostAt, to: at }, stored: o.restart === true ? stored : [] }, end).effects);
    if (o.reread === true) {
      const peer = createEngineState(CONFIG);
      for (let read = 0; read < 2; read++) {
        const held = [...run.records.values()].map((record) => ({ record }));
        collect(run, backfillFromCdrs(peer, { rows, window: { from: lostAt, to: at }, stored: held }, end).effects);
      }
    }
  }
  return run;
}

/** The fields a person reads off a call, to compare a cut run with the uncut one. */
export function outcome(r: CallRecord): Record<string, unknown> {
  return {
    status: r.status,
    direction: r.direction,
    externalNumber: r.externalNumber,
    externalName: r.externalName,
    did: r.did,
    answeredBy: r.answeredBy,
    disposition: r.disposition,
    recording: r.recording,
    clickToCallId: r.clickToCallId,
  };
}

/** Seconds apart of two ISO times (Infinity when one is missing and the other is not). */
export function secondsApart(a: string | null, b: string | null): number {
  if (a === null && b === null) return 0;
  if (a === null || b === null) return Infinity;
  return Math.abs(Date.parse(a) - Date.parse(b)) / 1000;
}
