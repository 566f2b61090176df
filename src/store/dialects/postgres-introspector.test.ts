import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { TEST_DATABASE_URL } from '../../../test/support/engines.ts';
import { openPostgres } from './postgres.ts';

/** Another application on the same database creating and dropping its schemas, as fast as it can. */
function churnOtherSchemas(): { stop(): Promise<void> } {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  let running = true;
  const done = (async () => {
    await client.connect();
    const name = `churn_${randomBytes(4).toString('hex')}`;
    try {
      while (running) {
        await client.query(`create schema ${name}`);
        await client.query(`create table ${name}.things (id serial primary key, a text, b text, c text, d text)`);
        await client.query(`drop schema ${name} cascade`);
      }
    } finally {
      await client.query(`drop schema if exists ${name} cascade`);
      await client.end();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function withSchema<T>(run: (schema: string) => Promise<T>): Promise<T> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
    await admin.query(`create table ${schema}.ours (id serial primary key, name text not null)`);
    return await run(schema);
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

test('introspection sees only the schema we live in, never another application\'s tables', async () => {
  const other = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${other}`);
    await admin.query(`create table ${other}.theirs (id int)`);
    await withSchema(async (schema) => {
      const { dialect } = openPostgres(TEST_DATABASE_URL, schema);
      const db = new Kysely<unknown>({ dialect });
      try {
        const tables = await db.introspection.getTables();
        assert.deepEqual(
          tables.map((t) => `${t.schema}.${t.name}`),
          [`${schema}.ours`],
        );
        const ours = tables[0]!;
        assert.deepEqual(
          ours.columns.map((c) => [c.name, c.dataType, c.isNullable, c.isAutoIncrementing]),
          [
            ['id', 'int4', false, true],
            ['name', 'text', false, false],
          ],
        );
      } finally {
        await db.destroy();
      }
    });
  } finally {
    await admin.query(`drop schema if exists ${other} cascade`);
    await admin.end();
  }
});

/** How many of `rounds` introspections fail while another schema is created and dropped beside them. */
async function failuresUnderChurn(makeDialect: (schema: string) => PostgresDialect, rounds: number): Promise<string[]> {
  return withSchema(async (schema) => {
    const db = new Kysely<unknown>({ dialect: makeDialect(schema) });
    const churn = churnOtherSchemas();
    const failures: string[] = [];
    try {
      for (let i = 0; i < rounds; i++) {
        await db.introspection.getTables({ withInternalKyselyTables: true }).catch((err: Error) => failures.push(err.message));
      }
    } finally {
      await churn.stop();
      await db.destroy();
    }
    return failures;
  });
}

test('another application dropping its schemas meanwhile does not fail our introspection (Kysely\'s own one does)', async () => {
  const ours = await failuresUnderChurn((schema) => openPostgres(TEST_DATABASE_URL, schema).dialect, 300);
  assert.deepEqual(ours, []);
  // The control: Kysely's introspector reads every schema and trips over the dropped one. Without it
  // failing sometimes, the first half would prove nothing.
  const kyselys = await failuresUnderChurn((schema) => new PostgresDialect({ pool: openPostgres(TEST_DATABASE_URL, schema).pool }), 300);
  assert.ok(kyselys.length > 0, 'the churn never disturbed Kysely\'s introspector: the test cannot tell the difference');
  assert.match(kyselys[0]!, /does not exist/);
});
