/**
 * When the link is cut and when the service is killed (pure, seeded: every configuration of a run
 * gets the same outages at the same moments of the same load).
 *
 * Cuts fall anywhere in the load (uniformly, from 2 s in to 1 s before the last call starts). Kills
 * are spread: the middle 80% of the load is split into one slot per kill and each kill falls at a
 * random moment of its slot, so two kills never pile up and each restart meets calls that began and
 * ended while the service was down. The service is started again 1-3 s after each kill.
 */
import { seededRandom } from '../../src/simulator/scenarios/ids.ts';

export type Outage = { kind: 'cut'; atMs: number } | { kind: 'kill'; atMs: number; restartAfterMs: number };

export interface ChaosPlanOptions {
  /** How long the load starts calls, ms. */
  durationMs: number;
  cuts: number;
  kills: number;
  seed: number;
}

export function planChaos(o: ChaosPlanOptions): Outage[] {
  const rand = seededRandom(o.seed ^ 0x5eed);
  const out: Outage[] = [];
  const first = Math.min(2000, o.durationMs / 10);
  const last = Math.max(first, o.durationMs - 1000);
  for (let i = 0; i < o.cuts; i++) out.push({ kind: 'cut', atMs: Math.round(first + rand() * (last - first)) });
  const from = o.durationMs * 0.1;
  const slot = o.kills > 0 ? (o.durationMs * 0.8) / o.kills : 0;
  for (let i = 0; i < o.kills; i++) {
    out.push({ kind: 'kill', atMs: Math.round(from + slot * (i + rand())), restartAfterMs: Math.round(1000 + rand() * 2000) });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** The figures (100 cuts and 10 kills in 10 minutes) scaled to a run's length, at least one of each. */
export function scaledOutages(durationMs: number): { cuts: number; kills: number } {
  const share = durationMs / 600_000;
  return { cuts: Math.max(1, Math.round(100 * share)), kills: Math.max(1, Math.round(10 * share)) };
}
