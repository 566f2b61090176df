/**
 * A year of calls for the reports benchmark, made up deterministically (a seeded PRNG): 50 agents,
 * six lines (DIDs), four queues, business hours in the company's zone with quieter weekends, and a
 * realistic mix (about 62% incoming, 33% outgoing, 5% internal; incoming 82% answered, 9% missed,
 * 6% abandoned, 3% busy or unreachable; most missed calls called back, many within the hour).
 * Each call is a whole engine record, as the call log stores it (so `record_json` has its real
 * size), and its `calls` row comes from the writer's own `callRowParams`.
 */
import type { CallRecord, Disposition } from '../../src/calls/record.ts';
import { localDayStart, dateOfDay, dayNumber } from '../../src/reports/periods.ts';

export const AGENTS = Array.from({ length: 50 }, (_, i) => String(201 + i));
export const LINES = ['+15550100', '+15550101', '+15550102', '+15550103', '+15550104', '+15550105'];
const LINE_WEIGHTS = [0.35, 0.2, 0.15, 0.12, 0.1, 0.08];
const QUEUES = ['sales', 'support', 'billing', 'vip'];

/** mulberry32: small, fast, and the same history on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HistoryCall {
  record: CallRecord;
  calledBackAt: string | null;
}

/** The days of the year with their share of calls (weekdays 1, Saturday 0.25, Sunday 0.1). */
function dayWeights(from: string, to: string): { day: number; weight: number }[] {
  const out: { day: number; weight: number }[] = [];
  for (let d = dayNumber(from)!; d <= dayNumber(to)!; d++) {
    const dow = (d + 4) % 7; // 0 Sunday
    out.push({ day: d, weight: dow === 0 ? 0.1 : dow === 6 ? 0.25 : 1 });
  }
  return out;
}

function pickWeighted<T>(items: readonly T[], weights: readonly number[], r: number): T {
  let acc = 0;
  const total = weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < items.length; i++) {
    acc += weights[i]! / total;
    if (r < acc) return items[i]!;
  }
  return items.at(-1)!;
}

/**
 * `count` calls between `from` and `to` (local dates in `zone`), in batches of `batch` (oldest
 * first within each day; days in order), so that two million never sit in memory at once.
 */
export function* history(count: number, from: string, to: string, zone: string, batch = 10_000, seed = 17): Generator<HistoryCall[]> {
  const rnd = prng(seed);
  const days = dayWeights(from, to);
  const total = days.reduce((s, d) => s + d.weight, 0);
  let made = 0;
  let share = 0;
  let out: HistoryCall[] = [];
  let seq = 0;
  for (const { day, weight } of days) {
    // Rounded on the running share, so that the days add up to `count` exactly.
    share += weight;
    const n = Math.round((count * share) / total) - made;
    const midnight = localDayStart(dateOfDay(day), zone);
    for (let k = 0; k < n; k++) {
      // Business hours 08:00-19:00, busier mid-morning and mid-afternoon (a sum of two uniforms).
      const hour = 8 + 11 * ((rnd() + rnd()) / 2);
      const startMs = Math.floor(midnight + hour * 3_600_000);
      out.push(makeCall(rnd, startMs, ++seq));
      if (out.length === batch) {
        yield out;
        out = [];
      }
    }
    made += n;
  }
  if (out.length > 0) yield out;
}

function makeCall(rnd: () => number, startMs: number, seq: number): HistoryCall {
  const r = rnd();
  const direction = r < 0.62 ? 'inbound' : r < 0.95 ? 'outbound' : 'internal';
  const agent = AGENTS[Math.floor(rnd() * rnd() * AGENTS.length)]!; // some agents take many more calls
  const number = `+1555${String(Math.floor(rnd() * 9_000_000) + 1_000_000)}`;
  let disposition: Disposition;
  let answeredBy: string | null = null;
  let callerExtension: string | null = null;
  let rang: string[] = [];
  let queue: string | null = null;
  let did: string | null = null;
  let ring: number;
  let talk = 0;
  let calledBackAt: string | null = null;
  if (direction === 'inbound') {
    did = pickWeighted(LINES, LINE_WEIGHTS, rnd());
    queue = rnd() < 0.7 ? QUEUES[Math.floor(rnd() * QUEUES.length)]! : null;
    const d = rnd();
    disposition = d < 0.82 ? 'answered' : d < 0.91 ? 'missed' : d < 0.97 ? 'abandoned' : d < 0.99 ? 'busy' : 'unavailable';
    rang = queue ? [agent, AGENTS[Math.floor(rnd() * AGENTS.length)]!, AGENTS[Math.floor(rnd() * AGENTS.length)]!] : [agent];
    rang = [...new Set(rang)];
    ring = Math.round(2 + 40 * rnd() * rnd());
    if (disposition === 'answered') {
      answeredBy = agent;
      talk = Math.round(15 + 600 * rnd() * rnd());
    } else if (rnd() < 0.75) {
      // Called back (or their next call answered): most within the hour, some later that day or the next.
      const delay = rnd() < 0.6 ? 60 + rnd() * 3300 : 3600 + rnd() * 86_400;
      calledBackAt = new Date(startMs + ring * 1000 + delay * 1000).toISOString();
    }
  } else {
    callerExtension = agent;
    const d = rnd();
    disposition = d < 0.62 ? 'answered' : d < 0.9 ? 'missed' : d < 0.97 ? 'busy' : 'failed';
    ring = Math.round(3 + 25 * rnd());
    if (direction === 'internal') rang = [AGENTS[Math.floor(rnd() * AGENTS.length)]!];
    if (disposition === 'answered') {
      answeredBy = direction === 'internal' ? rang[0]! : agent;
      talk = Math.round(10 + 400 * rnd() * rnd());
    }
  }
  const startedAt = new Date(startMs).toISOString();
  const answeredAt = disposition === 'answered' ? new Date(startMs + ring * 1000).toISOString() : null;
  const endedAt = new Date(startMs + (ring + talk) * 1000 + 500).toISOString();
  const linkedid = `${Math.floor(startMs / 1000)}.${seq}`;
  const record: CallRecord = {
    id: `bench:${linkedid}`,
    pbx: 'bench',
    linkedid,
    status: 'ended',
    direction,
    externalNumber: direction === 'internal' ? null : number,
    normalizedNumber: direction === 'internal' ? null : number,
    externalName: rnd() < 0.5 ? 'Customer Name' : null,
    did,
    queue,
    callerExtension,
    rang,
    answeredBy,
    unreachable: [],
    transfers: [],
    startedAt,
    answeredAt,
    endedAt,
    ringSeconds: ring,
    talkSeconds: talk,
    disposition,
    hangupBy: disposition === 'answered' ? (rnd() < 0.5 ? 'caller' : 'agent') : 'caller',
    hangupParty: disposition === 'answered' ? 'caller' : 'pbx',
    hangupExtension: null,
    hangupCause: 16,
    hangupCauseText: 'Normal Clearing',
    recording: disposition === 'answered' ? `${linkedid}.wav` : null,
    recordingFile: `${linkedid}.wav`,
    clickToCallId: null,
    originate: null,
    recovered: false,
    endedWhileDisconnected: false,
    endReason: null,
    fromCdr: null,
  };
  return { record, calledBackAt };
}
