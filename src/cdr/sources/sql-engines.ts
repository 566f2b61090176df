/**
 * What differs between the CDR databases, in one place: how to connect (Kysely over mysql2 or
 * node-postgres), where a table's columns are listed, how each kind of time column is selected and
 * compared, and what the drivers' errors mean in words. `sql-source.ts` holds everything else.
 *
 * Time columns come in four kinds, told by their SQL type:
 * - `wall`: a wall-clock time without a zone (MySQL/MariaDB DATETIME, PostgreSQL `timestamp`), as
 *   Asterisk writes it (`usegmtime = no`): read as text and brought to UTC with the PBX's zone.
 * - `utc`: an instant (PostgreSQL `timestamptz`; MySQL TIMESTAMP, read in a session set to UTC).
 * - `epoch`: seconds since 1970 in a number column (cdr_pgsql and cdr_adaptive_odbc write that into
 *   integer columns).
 * - `text`: a `YYYY-MM-DD HH:MM:SS` string in a character column, compared as text.
 */
import { CompiledQuery, Kysely, MysqlDialect, PostgresDialect, sql, type RawBuilder } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { CrmTelephonyError, ErrorCodes } from '../../errors.ts';

export type TimeKind = 'wall' | 'utc' | 'epoch' | 'text';

export interface CdrTableName {
  /** Null: the connection's own database (MySQL) or current schema (PostgreSQL). */
  schema: string | null;
  table: string;
}

export interface SqlEngine {
  readonly kind: 'mysql' | 'postgres';
  // The CDR table's columns are only known at run time: rows are plain records.
  readonly db: Kysely<Record<string, Record<string, unknown>>>;
  /** `{ name, type }` of each of the table's columns; none when there is no such table. */
  columns(name: CdrTableName): Promise<{ name: string; type: string }[]>;
  /** The kind of a time column of this SQL type, or null when it cannot hold a time. */
  timeKind(type: string): TimeKind | null;
  /** A select expression giving the column as text (`wall`, `utc`, `text`) or a number (`epoch`). */
  selectTime(column: string, kind: TimeKind): RawBuilder<unknown>;
  /** The right-hand side of a comparison with a time column, for a value already in its kind's form. */
  timeValue(value: string | number, kind: TimeKind): RawBuilder<unknown>;
  /** A driver error in words that say what to fix. */
  explain(err: unknown, where: string): CrmTelephonyError;
}

export interface EngineOptions {
  url: string;
  connectTimeoutMs: number;
}

const NUMBER_TYPES = /^(tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|double|double precision|float|real)\b/;
const TEXT_TYPES = /^(char|varchar|character|character varying|text|tinytext|mediumtext|longtext)\b/;

/** The right engine for a `mysql://`, `mariadb://` or `postgres://` URL. */
export function openEngine(options: EngineOptions): SqlEngine {
  const protocol = new URL(options.url).protocol;
  if (protocol === 'mysql:' || protocol === 'mariadb:') return mysqlEngine(options);
  if (protocol === 'postgres:' || protocol === 'postgresql:') return postgresEngine(options);
  throw new CrmTelephonyError(ErrorCodes.CDR_ERR_INVALID, `CDR_DATABASE_URL must start with mysql:// (MySQL or MariaDB, FreePBX) or postgres:// (cdr_pgsql), not ${protocol}//.`);
}

function mysqlEngine(options: EngineOptions): SqlEngine {
  const url = new URL(options.url);
  if (url.protocol === 'mariadb:') url.protocol = 'mysql:';
  const pool = createPool({
    uri: url.toString(),
    connectionLimit: 2,
    connectTimeout: options.connectTimeoutMs,
    // Names in utf8mb4 (Cyrillic, emoji); numbers as numbers; times are formatted in SQL, never parsed by the driver.
    charset: 'UTF8MB4_GENERAL_CI',
    supportBigNumbers: true,
  });
  const db = new Kysely<Record<string, Record<string, unknown>>>({
    dialect: new MysqlDialect({
      pool,
      // TIMESTAMP columns are instants shown in the session's zone: UTC makes them exact.
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw("SET time_zone = '+00:00'"));
      },
    }),
  });
  return {
    kind: 'mysql',
    db,
    async columns(name) {
      const rows = await sql<{ name: string; type: string }>`
        SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = COALESCE(${name.schema}, DATABASE()) AND TABLE_NAME = ${name.table}`.execute(db);
      return rows.rows.map((r) => ({ name: String(r.name), type: String(r.type).toLowerCase() }));
    },
    timeKind(type) {
      if (type === 'datetime') return 'wall';
      if (type === 'timestamp') return 'utc';
      if (NUMBER_TYPES.test(type)) return 'epoch';
      if (TEXT_TYPES.test(type)) return 'text';
      return null;
    },
    selectTime(column, kind) {
      return kind === 'wall' || kind === 'utc' ? sql`DATE_FORMAT(${sql.ref(column)}, ${'%Y-%m-%d %H:%i:%s'})` : sql.ref(column);
    },
    timeValue(value) {
      return sql`${value}`;
    },
    explain: (err, where) => explainMysql(err, where),
  };
}

function postgresEngine(options: EngineOptions): SqlEngine {
  const pool = new pg.Pool({ connectionString: options.url, max: 2, connectionTimeoutMillis: options.connectTimeoutMs });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    async columns(name) {
      const rows = await sql<{ name: string; type: string }>`
        SELECT column_name AS name, data_type AS type FROM information_schema.columns
        WHERE table_schema = COALESCE(${name.schema}::text, current_schema()) AND table_name = ${name.table}`.execute(db);
      return rows.rows.map((r) => ({ name: String(r.name), type: String(r.type).toLowerCase() }));
    },
    timeKind(type) {
      if (type === 'timestamp without time zone') return 'wall';
      if (type === 'timestamp with time zone') return 'utc';
      if (NUMBER_TYPES.test(type)) return 'epoch';
      if (TEXT_TYPES.test(type)) return 'text';
      return null;
    },
    selectTime(column, kind) {
      if (kind === 'wall') return sql`to_char(${sql.ref(column)}, 'YYYY-MM-DD HH24:MI:SS')`;
      if (kind === 'utc') return sql`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')`;
      return sql.ref(column);
    },
    timeValue(value, kind) {
      if (kind === 'wall') return sql`CAST(${value} AS timestamp)`;
      if (kind === 'utc') return sql`CAST(${`${String(value)}+00`} AS timestamptz)`;
      return sql`${value}`;
    },
    explain: (err, where) => explainPostgres(err, where),
  };
}

/** The errno-style code of a connection failure (Node wraps several tries in an AggregateError). */
function socketCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  const first = Array.isArray(e.errors) ? (e.errors[0] as { code?: unknown } | undefined) : undefined;
  return typeof first?.code === 'string' ? first.code : undefined;
}

function unreachable(err: unknown, where: string): CrmTelephonyError | null {
  const code = socketCode(err);
  const message = (err as Error).message ?? String(err);
  if (code || /timeout|timed out/i.test(message)) {
    return new CrmTelephonyError(
      ErrorCodes.CDR_ERR_UNREACHABLE,
      `Cannot reach the CDR database ${where} (${code ?? 'timed out'}): check the host and port in CDR_DATABASE_URL, that the database server runs, and that it accepts connections from this machine.`,
      { where, errno: code },
      { cause: err },
    );
  }
  return null;
}

function explainMysql(err: unknown, where: string): CrmTelephonyError {
  const e = err as { errno?: number; code?: string; message?: string };
  switch (e.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `The CDR database ${where} refused the login (${e.code}): check the user and password in CDR_DATABASE_URL and grant that user SELECT on the CDR table.`, { where, code: e.code }, { cause: err });
    case 'ER_BAD_DB_ERROR':
      return new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `The database named in CDR_DATABASE_URL does not exist on ${where}: FreePBX keeps its CDRs in asteriskcdrdb.`, { where, code: e.code }, { cause: err });
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
      return new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `The CDR database ${where} does not let this user read the CDR table: GRANT SELECT on it to the user in CDR_DATABASE_URL.`, { where, code: e.code }, { cause: err });
    case 'ER_NO_SUCH_TABLE':
      return new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `The CDR table is not in the database ${where}: set CDR_TABLE to the table the PBX writes its CDRs to.`, { where, code: e.code }, { cause: err });
    default:
      return unreachable(err, where) ?? new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `Reading the CDR database ${where} failed (${e.code ?? e.message}): check CDR_DATABASE_URL and CDR_TABLE.`, { where, code: e.code }, { cause: err });
  }
}

function explainPostgres(err: unknown, where: string): CrmTelephonyError {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case '28P01':
    case '28000':
      return new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `The CDR database ${where} refused the login: check the user and password in CDR_DATABASE_URL (and pg_hba.conf on the server) and grant that user SELECT on the CDR table.`, { where, code: e.code }, { cause: err });
    case '3D000':
      return new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `The database named in CDR_DATABASE_URL does not exist on ${where}: use the database cdr_pgsql writes to (dbname in cdr_pgsql.conf).`, { where, code: e.code }, { cause: err });
    case '42501':
      return new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `The CDR database ${where} does not let this user read the CDR table: GRANT SELECT on it (and USAGE on its schema) to the user in CDR_DATABASE_URL.`, { where, code: e.code }, { cause: err });
    case '42P01':
    case '3F000':
      return new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `The CDR table is not in the database ${where}: set CDR_TABLE (schema.table when it is not in the user's search_path) to the table in cdr_pgsql.conf.`, { where, code: e.code }, { cause: err });
    default:
      return unreachable(err, where) ?? new CrmTelephonyError(ErrorCodes.CDR_ERR_UNREACHABLE, `Reading the CDR database ${where} failed (${e.code ?? e.message}): check CDR_DATABASE_URL and CDR_TABLE.`, { where, code: e.code }, { cause: err });
  }
}
