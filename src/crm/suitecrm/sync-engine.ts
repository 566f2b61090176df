/**
 * The directory sync from SuiteCRM. A full sync lists every module (Users first, so that records can
 * name their owners; Accounts before Contacts, so that contacts can name their account) and removes
 * what SuiteCRM no longer has. An incremental sync asks for records with `date_modified` at or after
 * the last one seen minus an overlap: SuiteCRM drops the seconds of every date it returns
 * (recording 59), rows of one minute come back in no defined order, and a transaction may commit
 * after a later one. Re-listed rows that did not change are not written again (compared with what the directory holds). Deletions, which API
 * v8 cannot show, come from the legacy API (`deleted: 1`) when it is configured, and from the full
 * sync's reconcile in any case.
 */
import type { Directory } from '../../directory/directory.ts';
import type { RecordModule, SuiteCrmModule, SuiteCrmSettings } from '../config.ts';
import { emptyCounts, type ModuleSyncCounts, type SyncReport, type SyncRunOptions } from '../crm-port.ts';
import { CrmErrorCodes, isCrmError, CrmTelephonyError } from '../crm-errors.ts';
import type { SyncStateStore } from '../sync-state.ts';
import type { Log } from '../../logger.ts';
import { parseSuiteDateTime, toSuiteDateTime } from './datetime.ts';
import { DirectoryWriter } from './directory-writer.ts';
import type { LegacyApi } from './legacy-api.ts';
import { fieldsFor, TABLE_OF_MODULE, toSyncedRecord, toSyncedUser, TYPE_OF_MODULE } from './records.ts';
import type { Filter, ListPage, V8Api, V8Record } from './v8-api.ts';

export interface SyncEngineOptions {
  api: V8Api;
  legacy: LegacyApi | null;
  directory: Directory;
  state: SyncStateStore;
  settings: Pick<SuiteCrmSettings, 'modules' | 'phoneFields' | 'extensionField' | 'pageSize' | 'overlapMs'>;
  log: Log;
}

const ANALYZE_AFTER_ROWS = 1000;
const LEGACY_PAGE = 200;

export class SyncEngine {
  readonly #o: SyncEngineOptions;
  readonly #writer: DirectoryWriter;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SyncEngineOptions) {
    this.#o = options;
    this.#writer = new DirectoryWriter(options.directory);
  }

  get writer(): DirectoryWriter {
    return this.#writer;
  }

  full(options: SyncRunOptions = {}): Promise<SyncReport> {
    return this.#serial(() => this.#run('full', options));
  }

  incremental(options: SyncRunOptions = {}): Promise<SyncReport> {
    return this.#serial(() => this.#run('incremental', options));
  }

  /** When the oldest module was last fully listed; null when one never was. */
  async lastFullSyncAt(): Promise<number | null> {
    const states = await this.#o.state.all();
    let oldest: number | null = null;
    for (const module of this.#o.settings.modules) {
      const at = states.get(module)?.last_full_at;
      if (at == null) return null;
      const ms = Date.parse(at);
      oldest = oldest === null ? ms : Math.min(oldest, ms);
    }
    return oldest;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(kind: 'full' | 'incremental', options: SyncRunOptions): Promise<SyncReport> {
    const started = Date.now();
    const report: SyncReport = { kind, startedAt: new Date(started).toISOString(), finishedAt: '', durationMs: 0, modules: {}, warnings: [] };
    let knownUsers = await this.#writer.knownUserIds();
    let written = 0;
    for (const module of this.#o.settings.modules) {
      const state = await this.#o.state.get(module);
      const mode = kind === 'full' || state.cursor === null ? 'full' : 'incremental';
      const counts = emptyCounts();
      report.modules[module] = counts;
      const since = mode === 'incremental' ? Date.parse(state.cursor!) - this.#o.settings.overlapMs : null;
      const seen = mode === 'full' ? new Set<string>() : null;
      const onPage =
        module === 'Users'
          ? (records: V8Record[]) => this.#usersPage(records, counts, report.warnings)
          : (records: V8Record[]) => this.#recordsPage(module, records, counts, knownUsers);
      const listed = await this.#list(module, since, options, async (records) => {
        for (const r of records) seen?.add(r.id);
        await onPage(records);
      });
      if (seen !== null) counts.removed += await this.#reconcile(module, seen);
      if (listed.newest > (listed.began ?? Infinity) + 60_000) {
        report.warnings.push(`SuiteCRM's records are dated up to ${new Date(listed.newest).toISOString()}, ahead of its web server's clock (${new Date(listed.began!).toISOString()}): keep SuiteCRM's database and web server clocks in step (NTP).`);
      }
      const from = Math.max(listed.newest, listed.began ?? -Infinity, state.cursor ? Date.parse(state.cursor) : -Infinity);
      const cursor = Number.isFinite(from) ? new Date(from).toISOString() : state.cursor;
      const now = new Date().toISOString();
      await this.#o.state.save(module, {
        cursor,
        last_sync_at: now,
        ...(mode === 'full' ? { last_full_at: now, deleted_cursor: cursor } : {}),
      });
      if (mode === 'incremental' && this.#o.legacy !== null) counts.removed += await this.#deletions(module, report.warnings, options.signal);
      if (module === 'Users') knownUsers = await this.#writer.knownUserIds();
      written += counts.written;
    }
    // Fresh planner statistics after a big load (see Directory.refreshStatistics): PostgreSQL plans lookups badly without them.
    if (written >= ANALYZE_AFTER_ROWS) await this.#o.directory.refreshStatistics();
    report.durationMs = Date.now() - started;
    report.finishedAt = new Date().toISOString();
    return report;
  }

  /** Lists a module page by page: the newest `date_modified` seen (ms, -Infinity if none), and SuiteCRM's clock when the listing began. */
  async #list(module: SuiteCrmModule, since: number | null, options: SyncRunOptions, onPage: (records: V8Record[]) => Promise<void>): Promise<{ newest: number; began: number | null }> {
    const { pageSize } = this.#o.settings;
    const filters: Filter[] = since === null ? [] : [{ field: 'date_modified', op: 'gte', value: toSuiteDateTime(since) }];
    let newest = -Infinity;
    let began: number | null | undefined;
    let done = 0;
    const pages = this.#o.api.listAll(module, { fields: fieldsFor(module, this.#o.settings), filters, pageSize, ...(options.signal ? { signal: options.signal } : {}) });
    for await (const page of this.#explained(module, pages)) {
      if (options.signal?.aborted) throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_STOPPED, 'The sync was stopped.');
      began ??= page.serverTime;
      for (const r of page.records) {
        const at = parseSuiteDateTime(r.attributes['date_modified']);
        if (at > newest) newest = at;
      }
      await onPage(page.records);
      done += page.records.length;
      // Keyset paging: each page's total-pages counts what is left from it on.
      const total = page.records.length < pageSize ? done : done - page.records.length + (page.totalPages ?? 1) * pageSize;
      options.onProgress?.({ module, done, total });
    }
    return { newest, began: began ?? null };
  }

  /** A Users listing refused because the extension field does not exist says how to add it. */
  async *#explained(module: SuiteCrmModule, pages: AsyncGenerator<ListPage>): AsyncGenerator<ListPage> {
    try {
      yield* pages;
    } catch (err) {
      const field = this.#o.settings.extensionField;
      if (module === 'Users' && isCrmError(err, CrmErrorCodes.CRM_ERR_REJECTED) && err.message.includes(field)) {
        throw new CrmTelephonyError(
          CrmErrorCodes.CRM_ERR_REJECTED,
          `SuiteCRM's Users module has no field "${field}" (a new SuiteCRM 8 has none). Install the crm-telephony package, which adds it (npx crm-telephony suitecrm package, then Admin -> Module Loader; on SuiteCRM 8 npx crm-telephony suitecrm package --suitecrm 8, then Administration -> Module Loader), or add it in Studio (Admin -> Studio -> Users -> Fields -> Add Field: TextField, name asterisk_ext; SuiteCRM stores it as asterisk_ext_c; on SuiteCRM 8 Administration -> Studio), or set SUITECRM_EXTENSION_FIELD to the field your users' extensions are in.`,
          { field },
          { cause: err },
        );
      }
      throw err;
    }
  }

  async #usersPage(records: V8Record[], counts: ModuleSyncCounts, warnings: string[]): Promise<void> {
    counts.listed += records.length;
    // Users are few: each listed one is written (with its extensions) as SuiteCRM has it.
    const users = records.map((r) => toSyncedUser(r, this.#o.settings.extensionField));
    for (const w of await this.#writer.writeUsers(users)) if (!warnings.includes(w)) warnings.push(w);
    counts.written += users.length;
  }

  async #recordsPage(module: RecordModule, records: V8Record[], counts: ModuleSyncCounts, knownUsers: ReadonlySet<string>): Promise<void> {
    counts.listed += records.length;
    const synced = records.map((r) => toSyncedRecord(module, r, this.#o.settings.phoneFields[module]));
    const resolved = await this.#writer.resolve(synced, knownUsers);
    const changed = resolved.filter((r) => r.changed);
    await this.#writer.writeRecords(TYPE_OF_MODULE[module], changed.map((r) => r.input));
    counts.unchanged += resolved.length - changed.length;
    counts.written += changed.length;
  }

  /** After a complete listing: what was not in it is gone from SuiteCRM. */
  async #reconcile(module: SuiteCrmModule, seen: ReadonlySet<string>): Promise<number> {
    if (module === 'Users') return this.#writer.deactivateUsers(await this.#writer.activeUsersNotIn(seen));
    const type = TYPE_OF_MODULE[module];
    return this.#writer.removeRecords(type, await this.#writer.recordsNotIn(type, seen));
  }

  /**
   * Deletions since the last ones seen, through the legacy API (API v8 cannot list them). A query
   * SuiteCRM's database cannot run (v4_1's HTTP 500 "Database failure", recording 104 of SuiteCRM 8)
   * will not run on the next sync either: it is a warning, and the reconcile finds the deletions.
   */
  async #deletions(module: SuiteCrmModule, warnings: string[], signal?: AbortSignal): Promise<number> {
    try {
      return await this.#legacyDeletions(module, signal);
    } catch (err) {
      if (!isCrmError(err, CrmErrorCodes.CRM_ERR_REJECTED) || err.details['databaseFailure'] !== true) throw err;
      const w = `Deletions of ${module} are not seen between full syncs: ${err.message} The full sync every SUITECRM_RECONCILE_INTERVAL_MS still removes them.`;
      if (!warnings.includes(w)) warnings.push(w);
      this.#o.log.warn({ module, err: err.message }, 'SuiteCRM deletions: the legacy API query failed');
      return 0;
    }
  }

  async #legacyDeletions(module: SuiteCrmModule, signal?: AbortSignal): Promise<number> {
    const legacy = this.#o.legacy!;
    const state = await this.#o.state.get(module);
    const from = state.deleted_cursor ?? state.cursor;
    if (from === null) return 0;
    let newest = Date.parse(from);
    const since = toSuiteDateTime(newest - this.#o.settings.overlapMs);
    let removed = 0;
    for (let offset = 0; ; ) {
      const page = await legacy.deletedSince(module, TABLE_OF_MODULE[module], since, offset, LEGACY_PAGE, signal);
      const ids = page.entries.filter((e) => String(e.values['deleted'] ?? '1') === '1').map((e) => e.id);
      for (const e of page.entries) newest = Math.max(newest, parseSuiteDateTime(e.values['date_modified']) || newest);
      if (ids.length > 0) {
        if (module === 'Users') removed += await this.#writer.deactivateUsers(ids);
        else removed += await this.#writer.removeRecords(TYPE_OF_MODULE[module], ids);
      }
      if (page.entries.length < LEGACY_PAGE || page.nextOffset <= offset) break;
      offset = page.nextOffset;
    }
    // Deletions before the v8 listing began were all visible to this query: start the next one from there.
    await this.#o.state.save(module, { deleted_cursor: new Date(Math.max(newest, state.cursor ? Date.parse(state.cursor) : -Infinity)).toISOString() });
    return removed;
  }
}

