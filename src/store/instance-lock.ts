/**
 * One service per SQLite file. SQLite is the single-instance default: two services on one file
 * would both follow the PBX, both write every call and fight over the file's write lock. The second
 * one to start is refused, in words that point to PostgreSQL (issue 14).
 *
 * The lock is SQLite's own, on a small file beside the database (`<file>.instance`): the holder
 * keeps a write transaction open on it for as long as it runs. SQLite's locks are the operating
 * system's file locks, so a holder that dies (even killed) leaves no stale lock behind, and the
 * file works the same on every platform better-sqlite3 runs on. The holder also writes who it is
 * (process id, host, start time) before taking the lock, which the refused process reads back for
 * its message (a pending write lock still lets others read).
 */
import { hostname } from 'node:os';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

export interface InstanceLock {
  /** The lock file's path. */
  readonly path: string;
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  started_at: string;
}

/** The lock file of a SQLite database file; null for an in-memory database (nothing to share). */
export function instanceLockPath(sqlitePath: string): string | null {
  return sqlitePath === ':memory:' || sqlitePath === '' ? null : `${sqlitePath}.instance`;
}

/**
 * Takes the lock for the SQLite database at `sqlitePath` or throws `STORE_ERR_IN_USE` naming the
 * holder. Returns null for an in-memory database.
 */
export function acquireInstanceLock(sqlitePath: string, now: () => Date = () => new Date()): InstanceLock | null {
  const path = instanceLockPath(sqlitePath);
  if (path === null) return null;
  // A first start (`npm start` in a fresh checkout): the database's folder is not there yet.
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // Not WAL: in rollback-journal mode a pending write transaction keeps other writers out and
    // still lets them read the holder's row.
    db.pragma('journal_mode = DELETE');
    db.pragma('busy_timeout = 0');
    db.exec('create table if not exists holder (pid integer not null, host text not null, started_at text not null)');
    try {
      db.exec('begin immediate');
    } catch (err) {
      if (!isBusy(err)) throw err;
      const holder = db.prepare('select pid, host, started_at from holder limit 1').get() as Holder | undefined;
      throw refused(sqlitePath, holder);
    }
    db.exec('delete from holder');
    db.prepare('insert into holder (pid, host, started_at) values (?, ?, ?)').run(process.pid, hostname(), now().toISOString());
    // The row must be readable by a refused process: commit it, then hold the lock from here on.
    db.exec('commit');
    try {
      db.exec('begin immediate');
    } catch (err) {
      // Another process took it in the instant between: it is the holder now.
      if (!isBusy(err)) throw err;
      throw refused(sqlitePath, db.prepare('select pid, host, started_at from holder limit 1').get() as Holder | undefined);
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    path,
    release: () => {
      if (!db.open) return;
      db.exec('rollback');
      db.close();
    },
  };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function refused(sqlitePath: string, holder: Holder | undefined): CrmTelephonyError {
  const who = holder ? `process ${holder.pid} on ${holder.host}, running since ${holder.started_at}` : 'another process';
  return new CrmTelephonyError(
    ErrorCodes.STORE_ERR_IN_USE,
    `Another crm-telephony service (${who}) is using the SQLite file ${sqlitePath}. ` +
      'SQLite serves one instance: stop the other service first, or give this one its own DATABASE_URL. ' +
      'To run several instances side by side, put them all on one PostgreSQL database ' +
      '(DATABASE_URL=postgres://user@host:5432/db; README, "Running several instances").',
  );
}
