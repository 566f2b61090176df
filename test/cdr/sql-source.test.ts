/**
 * The SQL CDR source against the real local MariaDB (FreePBX's `asteriskcdrdb.cdr` shape) and the
 * real PostgreSQL (cdr_pgsql's default `cdr` table, and one with start/answer/end and linkedid), each
 * in a table or schema of its own that is dropped afterwards. Rows are real Master.csv lines as
 * those backends would have stored them on a PBX in another time zone.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { SqlCdrSource, describeDatabaseUrl, parseTableName, type SqlSourceOptions } from '../../src/cdr/sources/sql-source.ts';
import { parseMasterCsv } from '../../src/cdr/master-csv.ts';
import { epochToWallTime } from '../../src/cdr/local-time.ts';
import { isCrmTelephonyError } from '../../src/errors.ts';
import type { PbxCdr } from '../../src/cdr/pbx-cdr.ts';

const MYSQL_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
const PG_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const MASTER = readFileSync(new URL('../fixtures/ami-transcripts/cdr/Master.csv', import.meta.url));
const FIELDS = parse(MASTER.toString('utf8'), { relax_column_count: true }) as string[][];
const ROWS = parseMasterCsv(MASTER, 'UTC').rows;
const utc = (iso: string): number => Date.parse(iso);

/** Master.csv lines used: the first call, a Cyrillic name, a NO ANSWER call (two legs), Bob, DROP TABLE. */
const PICK = [0, 5, 10, 11, 646, 648];
const ALL_DAY = { from: utc('2026-12-06T00:00:00Z'), to: utc('2026-12-07T00:00:00Z') };

async function rejectsWithCode(work: Promise<unknown>, code: string): Promise<Error> {
  let caught: unknown;
  await work.catch((err: unknown) => {
    caught = err;
  });
  assert.ok(isCrmTelephonyError(caught), `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('CDR table names and database URLs', () => {
  test('a plain or schema-qualified identifier; anything else refused in words', () => {
    assert.deepEqual(parseTableName('cdr', 'mysql'), { schema: null, table: 'cdr' });
    assert.deepEqual(parseTableName('asteriskcdrdb.cdr', 'mysql'), { schema: 'asteriskcdrdb', table: 'cdr' });
    assert.deepEqual(parseTableName('Asterisk.CDR', 'postgres'), { schema: 'asterisk', table: 'cdr' }, 'folded as PostgreSQL folds unquoted names');
    for (const bad of ['', 'cdr; DROP TABLE x', 'a.b.c', 'cdr`', '"cdr"', '1cdr', 'cdr ', 'my-cdr']) {
      assert.throws(() => parseTableName(bad === 'cdr ' ? 'c dr' : bad, 'mysql'), (err: unknown) => isCrmTelephonyError(err, 'CDR_ERR_INVALID'), bad);
    }
  });

  test('the description never holds the password or the query string', () => {
    assert.equal(describeDatabaseUrl('mysql://freepbx:s3cr%40t@db.example.com:3306/asteriskcdrdb?ssl=true&password=x'), 'mysql://freepbx@db.example.com:3306/asteriskcdrdb');
    assert.equal(describeDatabaseUrl('postgres://asterisk:pw@10.0.0.5/asterisk'), 'postgres://asterisk@10.0.0.5/asterisk');
    assert.equal(new SqlCdrSource({ url: 'mysql://u:hunter2@127.0.0.1:1/db', timeZone: 'UTC' }).description, 'mysql://u@127.0.0.1:1/db (table cdr)');
  });

  test('a URL of another database is refused in words', () => {
    assert.throws(() => new SqlCdrSource({ url: 'sqlite:///tmp/cdr.db', timeZone: 'UTC' }), (err: unknown) => isCrmTelephonyError(err, 'CDR_ERR_INVALID') && /mysql:\/\//.test(err.message));
  });
});

describe('MariaDB: FreePBX asteriskcdrdb.cdr', () => {
  const zone = 'America/New_York';
  const table = `cdr_${randomBytes(6).toString('hex')}`;
  let admin: mysql.Connection;
  const sources: SqlCdrSource[] = [];
  const source = (over: Partial<SqlSourceOptions> = {}): SqlCdrSource => {
    const s = new SqlCdrSource({ url: MYSQL_URL, table, timeZone: zone, ...over });
    sources.push(s);
    return s;
  };
  /** What FreePBX stores for Master.csv line `i`: calldate in the PBX's zone, did, recordingfile, linkedid. */
  const freepbxRow = (i: number, over: Record<string, unknown> = {}): Record<string, unknown> => {
    const f = FIELDS[i]!;
    const r = ROWS[i]!;
    return {
      calldate: epochToWallTime(r.start, zone),
      clid: f[4],
      src: f[1],
      dst: f[2],
      dcontext: f[3],
      channel: f[5],
      dstchannel: f[6],
      lastapp: f[7],
      lastdata: f[8],
      duration: Number(f[12]),
      billsec: Number(f[13]),
      disposition: f[14],
      amaflags: 3,
      accountcode: '',
      uniqueid: f[16],
      userfield: '',
      did: f[2],
      recordingfile: f[17],
      cnum: r.callerNumber ?? '',
      cnam: '',
      linkedid: f[16],
      sequence: i,
      ...over,
    };
  };
  const insert = async (row: Record<string, unknown>): Promise<void> => {
    const cols = Object.keys(row);
    await admin.query(`INSERT INTO \`${table}\` (${cols.map((c) => `\`${c}\``).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, cols.map((c) => row[c]));
  };
  /** The PbxCdr expected for Master.csv line `i` stored by FreePBX. */
  const expected = (i: number): PbxCdr => ({ ...ROWS[i]!, linkedid: ROWS[i]!.uniqueid, userfield: '', did: FIELDS[i]![2]!, recordingfile: FIELDS[i]![17]!, sequence: i });

  before(async () => {
    try {
      admin = await mysql.createConnection({ uri: MYSQL_URL, charset: 'UTF8MB4_GENERAL_CI' });
    } catch (err) {
      throw new Error(`MariaDB at ${MYSQL_URL} is not usable for the CDR tests (${(err as Error).message}). Start it (bash scripts/ensure-services.sh does) or set TEST_MYSQL_URL.`, { cause: err });
    }
    // FreePBX's own definition of the table (its installer's CREATE TABLE), calldate without the zero-date default.
    await admin.query(`CREATE TABLE \`${table}\` (
      calldate datetime NOT NULL, clid varchar(80) NOT NULL DEFAULT '', src varchar(80) NOT NULL DEFAULT '',
      dst varchar(80) NOT NULL DEFAULT '', dcontext varchar(80) NOT NULL DEFAULT '', channel varchar(80) NOT NULL DEFAULT '',
      dstchannel varchar(80) NOT NULL DEFAULT '', lastapp varchar(80) NOT NULL DEFAULT '', lastdata varchar(80) NOT NULL DEFAULT '',
      duration int(11) NOT NULL DEFAULT 0, billsec int(11) NOT NULL DEFAULT 0, disposition varchar(45) NOT NULL DEFAULT '',
      amaflags int(11) NOT NULL DEFAULT 0, accountcode varchar(20) NOT NULL DEFAULT '', uniqueid varchar(32) NOT NULL DEFAULT '',
      userfield varchar(255) NOT NULL DEFAULT '', did varchar(50) NOT NULL DEFAULT '', recordingfile varchar(255) NOT NULL DEFAULT '',
      cnum varchar(80) NOT NULL DEFAULT '', cnam varchar(80) NOT NULL DEFAULT '', outbound_cnum varchar(80) NOT NULL DEFAULT '',
      outbound_cnam varchar(80) NOT NULL DEFAULT '', dst_cnam varchar(80) NOT NULL DEFAULT '', linkedid varchar(32) NOT NULL DEFAULT '',
      peeraccount varchar(80) NOT NULL DEFAULT '', sequence int(11) NOT NULL DEFAULT 0,
      KEY calldate (calldate), KEY dst (dst), KEY accountcode (accountcode), KEY uniqueid (uniqueid)
    ) DEFAULT CHARSET=utf8mb4`);
    for (const i of PICK) await insert(freepbxRow(i));
  });
  after(async () => {
    for (const s of sources) await s.close();
    await admin?.query(`DROP TABLE IF EXISTS \`${table}\``);
    await admin?.end();
  });

  test('the stored lines come back as the PbxCdr of the Master.csv line, times in UTC, linkedid/did/recordingfile/sequence taken', async () => {
    const s = source();
    await s.check();
    const got = await s.read(ALL_DAY);
    assert.equal(got.skipped, 0);
    assert.deepEqual(got.rows, PICK.map(expected));
    assert.equal(got.rows[0]!.start, utc('2026-12-06T12:18:29Z'), 'calldate 07:18:29 in New York');
    assert.equal(got.rows[0]!.answer, utc('2026-12-06T12:18:31Z'), 'end - billsec');
    assert.equal(got.rows[0]!.end, utc('2026-12-06T12:18:34Z'), 'start + duration');
    assert.equal(got.rows[2]!.answer, null, 'NO ANSWER');
    assert.equal(got.rows[4]!.callerName, String.raw`Bob \"The Boss\" O'Neil`);
    assert.equal(got.rows[5]!.callerName, "'; DROP TABLE calls;--");
    assert.equal(got.rows[1]!.callerName, 'Проверка Связи');
    assert.equal(s.kind, 'mysql');
    assert.equal(s.description, `${describeDatabaseUrl(MYSQL_URL)} (table ${table})`);
  });

  test('a window keeps the calls overlapping it', async () => {
    const got = await source().read({ from: utc('2026-12-06T12:40:45Z'), to: utc('2026-12-06T12:41:06Z') });
    assert.deepEqual(got.rows.map((r) => r.callerName), [String.raw`Bob \"The Boss\" O'Neil`, "'; DROP TABLE calls;--"]);
    const edge = await source().read({ from: utc('2026-12-06T12:18:34Z'), to: utc('2026-12-06T12:18:34Z') });
    assert.deepEqual(edge.rows.map((r) => r.uniqueid), ['1796559509.0'], 'a call ending at the window start overlaps it');
    assert.deepEqual((await source().read({ from: utc('2026-12-05T00:00:00Z'), to: utc('2026-12-05T23:59:59Z') })).rows, []);
  });

  test('a call longer than the slack is found only with a longer slack; the doubled hour of 1 November is its first occurrence', async () => {
    // A three-hour call that began at 09:00 New York time and a call in the doubled hour.
    await insert(freepbxRow(0, { calldate: '2026-12-06 04:00:00', duration: 3 * 3600 + 60, billsec: 3 * 3600, uniqueid: 'long.1', linkedid: 'long.1' }));
    await insert(freepbxRow(0, { calldate: '2026-11-01 01:30:00', uniqueid: 'dst.1', linkedid: '' }));
    const window = { from: utc('2026-12-06T12:00:00Z'), to: utc('2026-12-06T12:10:00Z') };
    assert.deepEqual((await source().read(window)).rows.map((r) => r.uniqueid), []);
    const long = (await source({ slackMs: 4 * 3_600_000 }).read(window)).rows;
    assert.deepEqual(long.map((r) => r.uniqueid), ['long.1']);
    assert.equal(long[0]!.start, utc('2026-12-06T09:00:00Z'));
    const dst = (await source().read({ from: utc('2026-11-01T05:00:00Z'), to: utc('2026-11-01T06:00:00Z') })).rows;
    assert.deepEqual(dst.map((r) => [r.uniqueid, r.start, r.linkedid]), [['dst.1', utc('2026-11-01T05:30:00Z'), null]], 'an empty linkedid is null');
  });

  test('a row that is not a CDR is skipped and counted; cnam fills in a missing name', async () => {
    await insert(freepbxRow(0, { calldate: '2026-12-04 10:00:00', disposition: '', uniqueid: 'bad.1' }));
    await insert(freepbxRow(0, { calldate: '2026-12-04 11:00:00', clid: '', cnam: 'From Cnam', cnum: '+15550001111', uniqueid: 'cnam.1' }));
    const got = await source().read({ from: utc('2026-12-04T00:00:00Z'), to: utc('2026-12-05T00:00:00Z') });
    assert.equal(got.skipped, 1);
    assert.deepEqual(got.rows.map((r) => [r.uniqueid, r.callerName, r.callerNumber]), [['cnam.1', 'From Cnam', '+15550001111']]);
  });

  test('a missing table, a table that is not a CDR table, a refused login, nothing listening: said in words', async () => {
    const missing = await rejectsWithCode(source({ table: `${table}_none` }).read(ALL_DAY), 'CDR_ERR_UNREACHABLE');
    assert.match(missing.message, /CDR_TABLE/);
    await admin.query(`CREATE TABLE \`${table}_x\` (calldate datetime, note varchar(10))`);
    try {
      const notCdr = await rejectsWithCode(source({ table: `${table}_x` }).check(), 'CDR_ERR_INVALID');
      assert.match(notCdr.message, /duration, billsec, disposition/);
    } finally {
      await admin.query(`DROP TABLE \`${table}_x\``);
    }
    const u = new URL(MYSQL_URL);
    u.username = 'no_such_user_cdr';
    u.password = 'wrong';
    const refused = await rejectsWithCode(source({ url: u.toString() }).check(), 'CDR_ERR_UNREACHABLE');
    assert.match(refused.message, /user and password in CDR_DATABASE_URL/);
    assert.ok(!refused.message.includes('wrong'), 'no password in the message');
    const closed = await rejectsWithCode(source({ url: 'mysql://root@127.0.0.1:1/test', connectTimeoutMs: 1000 }).check(), 'CDR_ERR_UNREACHABLE');
    assert.match(closed.message, /host and port/);
  });
});

describe('PostgreSQL: cdr_pgsql tables', () => {
  const zone = 'Europe/Berlin';
  const schema = `cdr_${randomBytes(6).toString('hex')}`;
  let admin: pg.Client;
  const sources: SqlCdrSource[] = [];
  const source = (over: Partial<SqlSourceOptions> = {}): SqlCdrSource => {
    const s = new SqlCdrSource({ url: PG_URL, table: `${schema}.cdr`, timeZone: zone, ...over });
    sources.push(s);
    return s;
  };
  const values = (i: number): unknown[] => {
    const f = FIELDS[i]!;
    return [epochToWallTime(ROWS[i]!.start, zone), f[4], f[1], f[2], f[3], f[5], f[6], f[7], f[8], Number(f[12]), Number(f[13]), f[14], 3, '', f[16], f[17]];
  };
  const COLUMNS = 'calldate, clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield';
  const params = (n: number, from = 1): string => Array.from({ length: n }, (_, k) => `$${k + from}`).join(', ');

  before(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(`PostgreSQL at ${PG_URL} is not usable for the CDR tests (${(err as Error).message}). Start it (bash scripts/ensure-services.sh does) or set TEST_DATABASE_URL.`, { cause: err });
    }
    await admin.query(`CREATE SCHEMA ${schema}`);
    // cdr_pgsql's documented table.
    await admin.query(`CREATE TABLE ${schema}.cdr (
      calldate timestamp NOT NULL, clid varchar(80) NOT NULL, src varchar(80) NOT NULL, dst varchar(80) NOT NULL,
      dcontext varchar(80) NOT NULL, channel varchar(80) NOT NULL, dstchannel varchar(80) NOT NULL, lastapp varchar(80) NOT NULL,
      lastdata varchar(80) NOT NULL, duration int NOT NULL, billsec int NOT NULL, disposition varchar(45) NOT NULL,
      amaflags int NOT NULL, accountcode varchar(20) NOT NULL, uniqueid varchar(150) NOT NULL, userfield varchar(255) NOT NULL)`);
    for (const i of PICK) await admin.query(`INSERT INTO ${schema}.cdr (${COLUMNS}) VALUES (${params(16)})`, values(i));
    // A setup with the newer columns: instants (timestamptz) for start, answer and end, and the linkedid.
    await admin.query(`CREATE TABLE ${schema}.cdr_full (
      calldate timestamptz NOT NULL, clid varchar(80) NOT NULL, src varchar(80) NOT NULL, dst varchar(80) NOT NULL,
      dcontext varchar(80) NOT NULL, channel varchar(80) NOT NULL, dstchannel varchar(80) NOT NULL, lastapp varchar(80) NOT NULL,
      lastdata varchar(80) NOT NULL, duration int NOT NULL, billsec int NOT NULL, disposition varchar(45) NOT NULL,
      amaflags int NOT NULL, accountcode varchar(20) NOT NULL, uniqueid varchar(150) NOT NULL, userfield varchar(255) NOT NULL,
      start timestamptz, answer timestamptz, "end" timestamptz, linkedid varchar(150), peeraccount varchar(80), sequence int)`);
    for (const i of PICK) {
      const r = ROWS[i]!;
      const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
      await admin.query(`INSERT INTO ${schema}.cdr_full (${COLUMNS}, start, answer, "end", linkedid, peeraccount, sequence) VALUES (${params(22)})`, [
        ...values(i).map((v, k) => (k === 0 ? iso(r.start) : v)),
        iso(r.start),
        iso(r.answer),
        iso(r.end),
        `${r.uniqueid}-linked`,
        '',
        i,
      ]);
    }
    // Epoch seconds in an integer column (cdr_pgsql writes them when the column is numeric).
    await admin.query(`CREATE TABLE ${schema}.cdr_epoch (calldate bigint NOT NULL, clid text, src text, duration int, billsec int, disposition text, uniqueid text)`);
    await admin.query(`INSERT INTO ${schema}.cdr_epoch VALUES ($1, $2, $3, 5, 3, 'ANSWERED', 'epoch.1')`, [ROWS[0]!.start / 1000, FIELDS[0]![4], FIELDS[0]![1]]);
  });
  after(async () => {
    for (const s of sources) await s.close();
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  test("cdr_pgsql's table: local times in the PBX's zone, linkedid/did/recordingfile/sequence null", async () => {
    const s = source();
    await s.check();
    const got = await s.read(ALL_DAY);
    assert.equal(got.skipped, 0);
    assert.deepEqual(got.rows, PICK.map((i) => ROWS[i]!));
    assert.equal(got.rows[0]!.start, utc('2026-12-06T12:18:29Z'), 'calldate 13:18:29 in Berlin');
    assert.equal(s.kind, 'postgres');
  });

  test('start/answer/end columns (timestamptz) and linkedid are used when the table has them', async () => {
    const got = await source({ table: `${schema}.cdr_full`, timeZone: 'Asia/Tokyo' }).read(ALL_DAY);
    assert.deepEqual(
      got.rows,
      PICK.map((i) => ({ ...ROWS[i]!, linkedid: `${ROWS[i]!.uniqueid}-linked`, sequence: i })),
      'instants need no zone: Asia/Tokyo changes nothing',
    );
    assert.equal(got.rows[2]!.answer, null, 'a NULL answer');
  });

  test('windows, and times in an integer column (epoch seconds)', async () => {
    const bob = await source().read({ from: utc('2026-12-06T12:40:45Z'), to: utc('2026-12-06T12:41:06Z') });
    assert.deepEqual(bob.rows.map((r) => r.callerName), [String.raw`Bob \"The Boss\" O'Neil`, "'; DROP TABLE calls;--"]);
    const epoch = await source({ table: `${schema}.cdr_epoch` }).read({ from: utc('2026-12-06T12:18:30Z'), to: utc('2026-12-06T12:18:30Z') });
    assert.deepEqual(epoch.rows.map((r) => [r.uniqueid, r.start, r.answer, r.end, r.callerName]), [['epoch.1', ROWS[0]!.start, ROWS[0]!.answer, ROWS[0]!.end, 'Test Caller']]);
  });

  test('a missing table, schema or database is said in words', async () => {
    const missing = await rejectsWithCode(source({ table: `${schema}.nope` }).read(ALL_DAY), 'CDR_ERR_UNREACHABLE');
    assert.match(missing.message, /CDR_TABLE/);
    await rejectsWithCode(source({ table: 'no_such_schema_cdr.cdr' }).check(), 'CDR_ERR_UNREACHABLE');
    const u = new URL(PG_URL);
    u.pathname = '/no_such_database_cdr';
    const noDb = await rejectsWithCode(source({ url: u.toString() }).check(), 'CDR_ERR_UNREACHABLE');
    assert.match(noDb.message, /does not exist/);
  });
});
