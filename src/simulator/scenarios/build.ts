/**
 * `buildScenario(kind, params, ids)`: the AMI events Asterisk 20 sends for one call of a kind,
 * each with the time (from the call's start) it is sent. Pure: the same kind, parameters and
 * allocator state always give the same events; the allocator is the only thing that changes.
 */
import type { ScenarioIds } from './ids.ts';
import { Call } from './dialplan.ts';
import { inboundAnswered, inboundUnanswered } from './inbound.ts';
import { clickToCall, internalCall, outboundFromPhone } from './outbound.ts';
import { CallScript } from './pbx-model.ts';
import { queueAbandoned, queueAnswered } from './queue.ts';
import { resolveParams } from './resolve.ts';
import { attendedTransfer, blindTransfer, redirect } from './transfers.ts';
import type { ScenarioKind, ScenarioParams, TimedEvent } from './types.ts';

const BUILDERS: Record<ScenarioKind, (c: Call) => void> = {
  'inbound-answered': inboundAnswered,
  'inbound-noanswer': (c) => inboundUnanswered(c, 'NOANSWER'),
  'inbound-busy': (c) => inboundUnanswered(c, 'BUSY'),
  'inbound-unavailable': (c) => inboundUnanswered(c, 'CHANUNAVAIL'),
  'ringgroup-answered': inboundAnswered,
  'ringgroup-noanswer': (c) => inboundUnanswered(c, 'NOANSWER'),
  'queue-answered': queueAnswered,
  'queue-abandoned': queueAbandoned,
  'click-to-call': clickToCall,
  'outbound-from-phone': outboundFromPhone,
  internal: internalCall,
  'blind-transfer': blindTransfer,
  'attended-transfer': attendedTransfer,
  redirect,
};

/**
 * The events of one call of `kind`, in the order the PBX sends them, `atMs` counted from
 * `params.startEpochMs`. Channel names, Uniqueids and bridge ids come from `ids`, so calls built
 * from one allocator never collide. Throws CONFIG_ERR_INVALID for impossible parameters.
 */
export function buildScenario(kind: ScenarioKind, params: ScenarioParams, ids: ScenarioIds): TimedEvent[] {
  const p = resolveParams(kind, params, () => ids.token());
  const script = new CallScript(ids, {
    startEpochMs: p.startEpochMs,
    timestamps: p.timestampEvents,
    cel: p.cel,
    deviceStates: p.deviceStates,
    utcOffsetMinutes: p.utcOffsetMinutes,
  });
  BUILDERS[kind](new Call(script, p));
  return script.events;
}

function field(event: TimedEvent, key: string): string | undefined {
  for (const [k, v] of event.fields) if (k === key) return v;
  return undefined;
}

/** The call's Linkedid: the Uniqueid of its first channel. */
export function linkedidOf(events: readonly TimedEvent[]): string | undefined {
  for (const e of events) if (field(e, 'Event') === 'Newchannel') return field(e, 'Linkedid');
  return undefined;
}

/** When the first phone starts ringing (its first DialBegin or AgentCalled), or undefined. */
export function ringingStartsAt(events: readonly TimedEvent[]): number | undefined {
  for (const e of events) {
    const name = field(e, 'Event');
    if (name === 'DialBegin' || name === 'AgentCalled') return e.atMs;
  }
  return undefined;
}

/** How long the call lasts: the time of its last event. */
export function scenarioDurationMs(events: readonly TimedEvent[]): number {
  return events.length === 0 ? 0 : events[events.length - 1]!.atMs;
}
