/** Orders lookup candidates: match quality first, then the configured type order, then recent activity. Pure. */
import type { RecordType } from './record-types.ts';

export type MatchQuality = 'exact' | 'national' | 'suffix';
const QUALITY_ORDER: Record<MatchQuality, number> = { exact: 0, national: 1, suffix: 2 };

export const DEFAULT_TYPE_ORDER: readonly RecordType[] = ['contact', 'lead', 'account'];

export interface Rankable {
  type: RecordType;
  quality: MatchQuality;
  lastActivityAt: string | null;
  name: string;
  id: string;
}

export function rankCandidates<T extends Rankable>(candidates: T[], typeOrder: readonly RecordType[] = DEFAULT_TYPE_ORDER): T[] {
  const typeRank = (t: RecordType): number => {
    const i = typeOrder.indexOf(t);
    return i < 0 ? typeOrder.length : i;
  };
  return [...candidates].sort(
    (a, b) =>
      QUALITY_ORDER[a.quality] - QUALITY_ORDER[b.quality] ||
      typeRank(a.type) - typeRank(b.type) ||
      // ISO-8601 text sorts by time; records with no activity go last.
      (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? '') ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
}
