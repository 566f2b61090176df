/**
 * The service's store for one configuration, fresh each time, and reading its call log back.
 *
 * SQLite: a file in a temporary folder, as in production. PostgreSQL: a database of its own,
 * created for the run and dropped after it. (The service opens `DATABASE_URL` with no schema of
 * its own, so a fresh schema inside a shared database would need the URL to set `search_path`; a
 * database of its own isolates the run with nothing the service has to honour.)
 */
import { join } from 'node:path';
import pg from 'pg';
import type { CallRecord } from '../../src/calls/index.ts';
import { GapLog, type Gap } from '../../src/store/gap-log.ts';
import { openStore, type Store } from '../../src/store/store.ts';

export type StoreKind = 'sqlite' | 'postgres';

export interface BenchStore {
  kind: StoreKind;
  /** The service's DATABASE_URL. */
  url: string;
  /** What the report says about it (never a password). */
  description: string;
  dispose(): Promise<void>;
}

export async function createStore(kind: StoreKind, dir: string, postgresUrl: string, tag: string): Promise<BenchStore> {
  if (kind === 'sqlite') {
    const path = join(dir, `${tag}.sqlite`);
    return { kind, url: path, description: 'SQLite file', dispose: async () => undefined };
  }
  const name = `crm_outage_${tag.replace(/[^a-z0-9_]/g, '_')}_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    description: `PostgreSQL, database ${name} (created for the run, dropped after it)`,
    dispose: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * How far behind the PBX the service's call log is, read while the service runs: `now` minus the
 * newest call time (start or end) written. At 100 calls/s a call starts every 10 ms, so a log that
 * keeps up is a few hundred ms behind; more is a backlog of records not yet written, which a crash
 * loses. Also the rows and the last write, to tell when writing has stopped.
 */
export async function callLogProgress(store: Store, pbxId: string, now = Date.now()): Promise<{ behindMs: number; rows: number; lastWrite: string | null }> {
  const row = await store.db
    .selectFrom('calls')
    .select((eb) => [eb.fn.max('started_at').as('started'), eb.fn.max('ended_at').as('ended'), eb.fn.max('updated_at').as('written'), eb.fn.countAll<number | string>().as('rows')])
    .where('pbx', '=', pbxId)
    .executeTakeFirst();
  const newest = Math.max(Date.parse(row?.started ?? ''), Date.parse(row?.ended ?? ''));
  return { behindMs: Number.isFinite(newest) ? now - newest : Number.NaN, rows: Number(row?.rows ?? 0), lastWrite: row?.written ?? null };
}

/** What the service left in its store: every call record it logged for the PBX (`record_json`) and every gap it recorded. */
export async function readServiceStore(url: string, pbxId: string): Promise<{ calls: CallRecord[]; gaps: Gap[] }> {
  const store = await openStore({ url });
  try {
    const rows = await store.db.selectFrom('calls').select(['record_json']).where('pbx', '=', pbxId).execute();
    const gaps = await new GapLog(store).recent(pbxId, 100_000);
    return { calls: rows.map((r) => JSON.parse(r.record_json) as CallRecord), gaps };
  } finally {
    await store.close();
  }
}
