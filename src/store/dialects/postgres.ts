/**
 * The production engine: PostgreSQL through node-postgres. An optional schema isolates a
 * deployment (or a test run) inside a shared database, through each connection's search_path.
 */
import pg from 'pg';
import { PostgresDialect, type DatabaseIntrospector, type Kysely } from 'kysely';
import { SearchPathIntrospector } from './postgres-introspector.ts';

export interface PostgresEngine {
  dialect: PostgresDialect;
  pool: pg.Pool;
}

export function openPostgres(url: string, schema?: string): PostgresEngine {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    // search_path via the startup packet: no extra round trip per connection, no SQL built from input.
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return { dialect: new SearchPathPostgresDialect({ pool }), pool };
}

/** PostgreSQL whose introspection (Kysely's Migrator uses it) sees only the schemas we live in. */
class SearchPathPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SearchPathIntrospector(db);
  }
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid PostgreSQL schema name "${name}": use lowercase letters, digits and _.`);
  return name;
}
