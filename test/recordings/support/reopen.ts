/**
 * A store that can be closed and opened again on the same data, as across a service restart:
 * a SQLite file in a temporary folder, or a fresh PostgreSQL schema (dropped at the end).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Engine, type Store } from '../../../src/store/store.ts';
import { TEST_DATABASE_URL } from '../../support/engines.ts';

export interface ReopenableStore {
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

export function reopenableStore(engine: Engine): ReopenableStore {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'crmt-store-'));
    const url = join(dir, 'store.sqlite');
    return { open: () => openStore({ url }), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    open: () => openStore({ url: TEST_DATABASE_URL, schema }),
    dispose: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
