/**
 * Which CDRs belong to one call. A CDR names its first channel's Uniqueid and both channels, but
 * `cdr_csv` keeps no Linkedid: rows of one call are tied together by a shared Uniqueid (a caller
 * transferred from one phone to another is party A of both rows), a shared channel (the phone
 * that answered and then consulted), or the two halves of a Local channel (`;1` and `;2`).
 * Channel names repeat after a PBX restart (the counter starts again at 00000000), so a name only
 * ties rows whose times meet. With a Linkedid (FreePBX, cdr_pgsql), that alone decides.
 */
import type { PbxCdr } from '../cdr/pbx-cdr.ts';
import { compareUniqueids } from './recover.ts';

export interface CdrGroup {
  /** The call's Linkedid: the store's, else the oldest Uniqueid of the group (the call's first channel). */
  key: string;
  /** By start time, then Uniqueid. */
  rows: PbxCdr[];
  start: number;
  end: number;
}

/** A channel name ties two rows only when one began before the other ended (plus this slack). */
const NAME_SLACK_MS = 5_000;

export function groupCdrs(rows: readonly PbxCdr[]): CdrGroup[] {
  const sorted = [...rows].sort((a, b) => a.start - b.start || compareUniqueids(a.uniqueid, b.uniqueid));
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const byLinkedid = new Map<string, number>();
  const byUniqueid = new Map<string, number>();
  const byName = new Map<string, { row: number; until: number }>();
  sorted.forEach((row, i) => {
    if (row.linkedid !== null && row.linkedid !== '') {
      const seen = byLinkedid.get(row.linkedid);
      if (seen === undefined) byLinkedid.set(row.linkedid, i);
      else union(seen, i);
      return;
    }
    if (row.uniqueid !== '') {
      const seen = byUniqueid.get(row.uniqueid);
      if (seen === undefined) byUniqueid.set(row.uniqueid, i);
      else union(seen, i);
    }
    for (const name of [row.channel, row.dstchannel]) {
      const key = channelKey(name);
      if (key === null) continue;
      const seen = byName.get(key);
      if (seen !== undefined && row.start <= seen.until + NAME_SLACK_MS) union(seen.row, i);
      byName.set(key, { row: seen !== undefined && row.start <= seen.until + NAME_SLACK_MS ? seen.row : i, until: Math.max(row.end, seen?.until ?? -Infinity) });
    }
  });
  const groups = new Map<number, PbxCdr[]>();
  sorted.forEach((row, i) => {
    const root = find(i);
    const list = groups.get(root);
    if (list === undefined) groups.set(root, [row]);
    else list.push(row);
  });
  return [...groups.values()].map((list) => ({
    key: groupKey(list),
    rows: list,
    start: Math.min(...list.map((r) => r.start)),
    end: Math.max(...list.map((r) => r.end)),
  }));
}

/** A channel's identity for tying rows: Local halves share their base (`Local/101@ctx-00000000`). */
function channelKey(name: string): string | null {
  if (name === '') return null;
  if (name.startsWith('Local/')) {
    const semi = name.lastIndexOf(';');
    return semi > 0 ? name.slice(0, semi) : name;
  }
  return name;
}

function groupKey(rows: readonly PbxCdr[]): string {
  for (const r of rows) if (r.linkedid !== null && r.linkedid !== '') return r.linkedid;
  let oldest = '';
  for (const r of rows) if (r.uniqueid !== '' && (oldest === '' || compareUniqueids(r.uniqueid, oldest) < 0)) oldest = r.uniqueid;
  return oldest;
}
