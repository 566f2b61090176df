/**
 * CDRs from a table in the PBX's CDR database: FreePBX's `asteriskcdrdb.cdr` in MySQL/MariaDB
 * (written by cdr_adaptive_odbc), or cdr_pgsql's `cdr` table in PostgreSQL.
 *
 * Both have `calldate` (the CDR's start, in the PBX's local time) and `duration`/`billsec` but no
 * answer or end time: end = start + duration, answer = end - billsec when the leg was answered
 * (billsec > 0 or ANSWERED). Setups whose table also has `start`/`answer`/`end` columns get those
 * used. Which optional columns exist (`linkedid`, `did`, `recordingfile`, `cnum`, `cnam`,
 * `sequence`, ...) is looked up in information_schema once, on first use.
 *
 * A window is asked for by start time, `[from - slack, to]` (calldate is usually indexed), and the
 * rows are then kept when [start, end] overlaps the window: a call longer than the slack that began
 * before `from - slack` is not found. Every value goes in as a parameter; the table's name is checked
 * to be a plain identifier (optionally `schema.table`) and quoted by Kysely.
 */
import { sql, type RawBuilder } from 'kysely';
import { CrmTelephonyError, ErrorCodes, isCrmTelephonyError } from '../../errors.ts';
import { parseClid } from '../clid.ts';
import { epochToWallTime, wallTimeToEpoch } from '../local-time.ts';
import type { CdrSource, CdrWindow, PbxCdr } from '../pbx-cdr.ts';
import { openEngine, type CdrTableName, type SqlEngine, type TimeKind } from './sql-engines.ts';

export interface SqlSourceOptions {
  /** `mysql://user:password@host:3306/asteriskcdrdb` or `postgres://user:password@host:5432/asterisk`. Never logged. */
  url: string;
  /** The CDR table: `cdr`, or `schema.cdr` (for MySQL the schema is the database). Default `cdr`. */
  table?: string;
  /** The PBX's IANA time zone, in which Asterisk wrote local times. */
  timeZone: string;
  /** How far before `window.from` calls are looked for by their start. Default 2 hours. */
  slackMs?: number;
  /** A read that would return more CDRs than this fails instead (ask for a shorter window). Default 200,000. */
  maxRows?: number;
  /** Deadline for connecting, in ms. Default 5000. */
  connectTimeoutMs?: number;
}

/** The columns read when the table has them; the rest are left out. */
const TEXT_COLUMNS = ['clid', 'src', 'dst', 'dcontext', 'channel', 'dstchannel', 'lastapp', 'lastdata', 'disposition', 'uniqueid', 'userfield', 'linkedid', 'did', 'recordingfile', 'cnum', 'cnam'] as const;
const NUMBER_COLUMNS = ['duration', 'billsec', 'sequence'] as const;
const TIME_COLUMNS = ['calldate', 'start', 'answer', 'end'] as const;
const REQUIRED = ['duration', 'billsec', 'disposition'] as const;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;
const DEFAULT_SLACK_MS = 2 * 3_600_000;
/**
 * A wall clock runs back by up to 2 hours when summer time ends (Antarctica/Troll; 1 hour almost
 * everywhere): the upper bound of a local-time query is moved that far on, and rows are then kept
 * by their true instants.
 */
const WALL_CLOCK_MARGIN_MS = 2 * 3_600_000;

type TimeColumn = (typeof TIME_COLUMNS)[number];

interface Shape {
  /** The present optional and required columns. */
  has: Set<string>;
  /** The kind of each present time column. */
  times: Partial<Record<TimeColumn, TimeKind>>;
  /** The column the window is asked on: calldate, or start without one. */
  key: 'calldate' | 'start';
}

/** `cdr` or `schema.table`, each part a plain identifier; otherwise a CDR_ERR_INVALID in words. */
export function parseTableName(text: string, engine: 'mysql' | 'postgres'): CdrTableName {
  const parts = text.trim().split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new CrmTelephonyError(ErrorCodes.CDR_ERR_INVALID, `CDR_TABLE "${text}" is not a table name: use letters, digits and _ (e.g. cdr, or asteriskcdrdb.cdr).`, { table: text });
  }
  // PostgreSQL folds unquoted names to lower case, as cdr_pgsql's own statements do.
  const fold = (s: string): string => (engine === 'postgres' ? s.toLowerCase() : s);
  return parts.length === 2 ? { schema: fold(parts[0]!), table: fold(parts[1]!) } : { schema: null, table: fold(parts[0]!) };
}

/** The URL for logs and admins: no password, no query string. `mysql://user@host:3306/db`. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(a CDR_DATABASE_URL that is not a URL)';
  }
}

export class SqlCdrSource implements CdrSource {
  readonly kind: 'mysql' | 'postgres';
  readonly description: string;
  readonly #engine: SqlEngine;
  readonly #table: CdrTableName;
  readonly #where: string;
  readonly #zone: string;
  readonly #slackMs: number;
  readonly #maxRows: number;
  #shape: Promise<Shape> | null = null;

  constructor(options: SqlSourceOptions) {
    this.#engine = openEngine({ url: options.url, connectTimeoutMs: options.connectTimeoutMs ?? 5000 });
    this.kind = this.#engine.kind;
    const tableText = options.table ?? 'cdr';
    this.#table = parseTableName(tableText, this.kind);
    this.#where = describeDatabaseUrl(options.url);
    this.description = `${this.#where} (table ${tableText})`;
    this.#zone = options.timeZone;
    this.#slackMs = Math.max(0, options.slackMs ?? DEFAULT_SLACK_MS);
    this.#maxRows = options.maxRows ?? 200_000;
  }

  async read(window: CdrWindow): Promise<{ rows: PbxCdr[]; skipped: number }> {
    const shape = await this.#shapeOnce();
    const keyKind = shape.times[shape.key]!;
    const lo = this.#bound(window.from - this.#slackMs, keyKind);
    const hi = this.#bound(keyKind === 'wall' || keyKind === 'text' ? window.to + WALL_CLOCK_MARGIN_MS : window.to, keyKind);
    const e = this.#engine;
    const selects: RawBuilder<unknown>[] = [];
    for (const c of TEXT_COLUMNS) if (shape.has.has(c)) selects.push(sql`${sql.ref(c)} AS ${sql.id(c)}`);
    for (const c of NUMBER_COLUMNS) if (shape.has.has(c)) selects.push(sql`${sql.ref(c)} AS ${sql.id(c)}`);
    for (const c of TIME_COLUMNS) {
      const kind = shape.times[c];
      if (kind) selects.push(sql`${e.selectTime(c, kind)} AS ${sql.id(c)}`);
    }
    const key = sql.ref(shape.key);
    const query = sql<Record<string, unknown>>`
      SELECT ${sql.join(selects)} FROM ${this.#tableRef()}
      WHERE ${key} >= ${e.timeValue(lo, keyKind)} AND ${key} <= ${e.timeValue(hi, keyKind)}
      ORDER BY ${key} LIMIT ${this.#maxRows + 1}`;
    let result: { rows: Record<string, unknown>[] };
    try {
      result = await query.execute(e.db);
    } catch (err) {
      throw e.explain(err, this.#where);
    }
    if (result.rows.length > this.#maxRows) {
      throw new CrmTelephonyError(ErrorCodes.CDR_ERR_INVALID, `More than ${this.#maxRows} CDRs start in that window (with its ${this.#slackMs / 60_000}-minute slack): read it in shorter windows.`, { maxRows: this.#maxRows });
    }
    const rows: PbxCdr[] = [];
    let skipped = 0;
    for (const raw of result.rows) {
      const cdr = this.#toCdr(raw, shape);
      if (!cdr) skipped++;
      else if (cdr.start <= window.to && cdr.end >= window.from) rows.push(cdr);
    }
    return { rows, skipped };
  }

  async check(): Promise<void> {
    const shape = await this.#shapeOnce();
    try {
      await sql`SELECT ${sql.ref(shape.key)} FROM ${this.#tableRef()} LIMIT 0`.execute(this.#engine.db);
    } catch (err) {
      throw this.#engine.explain(err, this.#where);
    }
  }

  async close(): Promise<void> {
    await this.#engine.db.destroy();
  }

  #tableRef(): RawBuilder<unknown> {
    const { schema, table } = this.#table;
    return schema ? sql.id(schema, table) : sql.id(table);
  }

  /** A window bound in the form of the key column's kind. */
  #bound(ms: number, kind: TimeKind): string | number {
    if (kind === 'epoch') return Math.floor(ms / 1000);
    return epochToWallTime(ms, kind === 'utc' ? 'UTC' : this.#zone);
  }

  /** The table's columns, looked up once; a failed lookup is tried again next time. */
  #shapeOnce(): Promise<Shape> {
    this.#shape ??= this.#lookUpShape().catch((err: unknown) => {
      this.#shape = null;
      throw err;
    });
    return this.#shape;
  }

  async #lookUpShape(): Promise<Shape> {
    let columns: { name: string; type: string }[];
    try {
      columns = await this.#engine.columns(this.#table);
    } catch (err) {
      throw isCrmTelephonyError(err) ? err : this.#engine.explain(err, this.#where);
    }
    const name = this.#table.schema ? `${this.#table.schema}.${this.#table.table}` : this.#table.table;
    if (columns.length === 0) {
      throw new CrmTelephonyError(
        ErrorCodes.CDR_ERR_UNREACHABLE,
        `There is no table ${name} in the CDR database ${this.#where}: set CDR_TABLE to the table the PBX writes CDRs to (FreePBX: cdr in asteriskcdrdb; cdr_pgsql: the table in cdr_pgsql.conf), and check that the user in CDR_DATABASE_URL may see it.`,
        { table: name },
      );
    }
    const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c.type]));
    const has = new Set<string>();
    for (const c of [...TEXT_COLUMNS, ...NUMBER_COLUMNS]) if (byName.has(c)) has.add(c);
    const times: Shape['times'] = {};
    for (const c of TIME_COLUMNS) {
      const type = byName.get(c);
      const kind = type === undefined ? null : this.#engine.timeKind(type);
      if (kind) times[c] = kind;
    }
    const missing = [...REQUIRED.filter((c) => !has.has(c)), ...(times.calldate || times.start ? [] : ['calldate'])];
    if (missing.length > 0) {
      throw new CrmTelephonyError(
        ErrorCodes.CDR_ERR_INVALID,
        `The table ${name} in ${this.#where} is not a CDR table: it lacks ${missing.join(', ')} (or has them with types that cannot hold them). Set CDR_TABLE to the table the PBX writes CDRs to.`,
        { table: name, missing },
      );
    }
    return { has, times, key: times.calldate ? 'calldate' : 'start' };
  }

  #toCdr(raw: Record<string, unknown>, shape: Shape): PbxCdr | null {
    const start = this.#time(raw['start'] ?? raw['calldate'], shape.times.start ?? shape.times.calldate!);
    const duration = toInt(raw['duration']);
    const billsec = toInt(raw['billsec']);
    const disposition = text(raw['disposition']);
    if (start === null || duration === null || billsec === null || disposition === '') return null;
    const end = shape.times.end ? this.#time(raw['end'], shape.times.end) : start + duration * 1000;
    if (end === null) return null;
    let answer: number | null;
    if (shape.times.answer) answer = this.#time(raw['answer'], shape.times.answer);
    else answer = billsec > 0 || disposition === 'ANSWERED' ? end - billsec * 1000 : null;
    const caller = parseClid(text(raw['clid']));
    const optional = (c: string): string | null => (shape.has.has(c) ? text(raw[c]) : null);
    return {
      uniqueid: text(raw['uniqueid']),
      linkedid: optional('linkedid') || null,
      src: text(raw['src']),
      dst: text(raw['dst']),
      dcontext: text(raw['dcontext']),
      callerName: caller.name ?? (optional('cnam') || null),
      callerNumber: caller.number ?? (optional('cnum') || null),
      channel: text(raw['channel']),
      dstchannel: text(raw['dstchannel']),
      lastapp: text(raw['lastapp']),
      lastdata: text(raw['lastdata']),
      start,
      answer,
      end,
      duration,
      billsec,
      disposition,
      userfield: text(raw['userfield']),
      did: optional('did'),
      recordingfile: optional('recordingfile'),
      sequence: shape.has.has('sequence') ? toInt(raw['sequence']) : null,
    };
  }

  /** Epoch ms of a selected time value; null for NULL, empty, a zero date or 0. */
  #time(value: unknown, kind: TimeKind): number | null {
    if (value === null || value === undefined) return null;
    if (kind === 'epoch') {
      const n = Number(value);
      return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : null;
    }
    // A text column may carry fractions (`.123`) or nothing: the first 19 characters are the time.
    return wallTimeToEpoch(text(value).slice(0, 19), kind === 'utc' ? 'UTC' : this.#zone);
  }
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

function toInt(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}
