/**
 * The baseline the reports are measured against: the same figures, grouped once per table (four
 * GROUPING SETS on PostgreSQL, four UNION ALL arms on SQLite, as the first version of the reports
 * did), computed the way they had to be before migration 0014: every call's fields parsed out of
 * `record_json`, its start parsed from text, its local day by PostgreSQL's own `AT TIME ZONE`
 * (SQLite has no zones: the same offset segments as ours). No covering index serves it (it needs
 * the record), so the range's rows are read from the table.
 */
import { sql } from 'kysely';
import type { Store } from '../../src/store/store.ts';
import type { ReportWindow } from '../../src/reports/periods.ts';

/** Runs the baseline; returns its rows' total of calls (each call counted once per table: 4 × calls). */
export async function baselineReport(store: Store, window: ReportWindow, zone: string): Promise<number> {
  const aggregates = sql`count(*) as calls,
      sum(case when direction = 'inbound' then 1 else 0 end) as inbound,
      sum(case when direction = 'inbound' and disposition = 'answered' then 1 else 0 end) as answered,
      sum(case when direction = 'inbound' and disposition = 'abandoned' then 1 else 0 end) as abandoned,
      sum(case when direction = 'inbound' and disposition <> 'answered' and disposition <> 'abandoned' then 1 else 0 end) as missed,
      sum(case when disposition = 'answered' then coalesce(talk_seconds, 0) else 0 end) as talk,
      sum(case when cb - started_epoch <= 900 then 1 else 0 end) as cb15,
      sum(case when cb - started_epoch <= 3600 then 1 else 0 end) as cb60,
      sum(case when cbd = d then 1 else 0 end) as cbday`;
  if (store.engine === 'postgres') {
    const rows = await sql<{ calls: string }>`select grouping(d, did, queue, agent) as g, d, did, queue, agent, tta, ${aggregates}
      from (select
          cast(cast(started_at as timestamptz) at time zone ${zone} as date) as d,
          did, j ->> 'queue' as queue, coalesce(answered_by, j ->> 'callerExtension') as agent,
          case when direction = 'inbound' and disposition = 'answered' then (j ->> 'ringSeconds')::integer end as tta,
          direction, disposition, (j ->> 'talkSeconds')::integer as talk_seconds,
          extract(epoch from cast(started_at as timestamptz)) as started_epoch,
          case when direction = 'inbound' and disposition <> 'answered' and called_back_at is not null then extract(epoch from cast(called_back_at as timestamptz)) end as cb,
          case when direction = 'inbound' and disposition <> 'answered' and called_back_at is not null then cast(cast(called_back_at as timestamptz) at time zone ${zone} as date) end as cbd
        from (select *, cast(record_json as jsonb) as j from calls where started_at >= ${window.fromIso} and started_at < ${window.toIso} and status = 'ended') as raw) as c
      group by grouping sets ((d, tta), (did, tta), (queue, tta), (agent, tta))`.execute(store.db);
    return rows.rows.reduce((s, r) => s + Number(r.calls), 0);
  }
  const later = window.segments.slice(1).reverse();
  const offsetOf = (epoch: string): string => (later.length === 0 ? `${window.segments[0]!.offsetSec}` : `case ${later.map((s) => `when ${epoch} >= ${s.startSec} then ${s.offsetSec}`).join(' ')} else ${window.segments[0]!.offsetSec} end`);
  // Whole numbers this benchmark computed, not input: spliced into the baseline's text.
  const offset = (epoch: string) => sql.raw(`(${epoch} + ${offsetOf(epoch)}) / 86400`);
  const rows = await sql<{ calls: number }>`with c as not materialized (select *, ${offset('started_epoch')} as d, ${offset('cb')} as cbd from (select
        did, json_extract(record_json, '$.queue') as queue, coalesce(answered_by, json_extract(record_json, '$.callerExtension')) as agent,
        case when direction = 'inbound' and disposition = 'answered' then json_extract(record_json, '$.ringSeconds') end as tta,
        direction, disposition, json_extract(record_json, '$.talkSeconds') as talk_seconds,
        unixepoch(json_extract(record_json, '$.startedAt')) as started_epoch,
        case when direction = 'inbound' and disposition <> 'answered' and called_back_at is not null then unixepoch(called_back_at) end as cb
      from calls where started_at >= ${window.fromIso} and started_at < ${window.toIso} and status = 'ended'))
    select d, tta, ${aggregates} from c group by d, tta
    union all select did, tta, ${aggregates} from c group by did, tta
    union all select queue, tta, ${aggregates} from c group by queue, tta
    union all select agent, tta, ${aggregates} from c group by agent, tta`.execute(store.db);
  return rows.rows.reduce((s, r) => s + Number(r.calls), 0);
}
