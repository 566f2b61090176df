/**
 * Runs a store test suite once per engine: the embedded SQLite and the real PostgreSQL server
 * (TEST_DATABASE_URL, default the local `test` database). Each store lives in a fresh schema (or
 * in-memory database) that is dropped afterwards, so suites never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Engine, type Store } from '../../src/store/store.ts';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

export interface TestStore {
  store: Store;
  dispose(): Promise<void>;
}

export async function openTestStore(engine: Engine): Promise<TestStore> {
  if (engine === 'sqlite') {
    const store = await openStore({ url: ':memory:' });
    return { store, dispose: () => store.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let store: Store | undefined;
  try {
    store = await openStore({ url: TEST_DATABASE_URL, schema });
  } catch (err) {
    throw new Error(
      `PostgreSQL at ${TEST_DATABASE_URL} is not usable for the store tests (${(err as Error).message}). Start it (bash .ci/run does) or set TEST_DATABASE_URL.`,
      { cause: err },
    );
  }
  const opened = store;
  return {
    store: opened,
    dispose: async () => {
      await opened.close();
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

/**
 * A PostgreSQL database of its own (for services opened by URL, with no schema option): its URL,
 * and `drop()` for afterwards (it ends the connections still open on it).
 */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async (statement: string): Promise<void> => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return { url: TEST_DATABASE_URL.replace(/\/[^/]*$/, `/${name}`), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
