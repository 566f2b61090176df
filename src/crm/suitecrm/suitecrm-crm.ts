/**
 * The SuiteCRM adapter of the CRM port: directory sync into our index, record links into SuiteCRM's
 * own pages, leads and contacts created there, and calls written into its Calls module and linked
 * (through the link-name routes) so that each record's History shows them.
 */
import type { Directory } from '../../directory/directory.ts';
import type { SuiteCrmSettings } from '../config.ts';
import type { CallbackState, CallLinkTarget, CallLogEntry, CreatedRecord, CrmPort, CrmRecordRef, LogCallOptions, LoggedCall, NewRecordInput, SyncReport, SyncRunOptions } from '../crm-port.ts';
import { CrmErrorCodes, CrmTelephonyError, isCrmError } from '../crm-errors.ts';
import { SyncStateStore } from '../sync-state.ts';
import { callAttributes, callUpdateAttributes, MARKER_PREFIX, markerLine } from './call-attributes.ts';
import { callbackAttributes, CALLBACK_MARKER_PREFIX, callbackMarkerLine } from './callback-attributes.ts';
import { DEFAULT_LOCALE } from '../../i18n/locales.ts';
import { silentLog, type Log } from '../../logger.ts';
import { toSuiteDateTime } from './datetime.ts';
import { decodeHtml } from './html-entities.ts';
import { LegacyApi } from './legacy-api.ts';
import { TokenSource } from './oauth-token.ts';
import { MODULE_OF_TYPE, ourId, SOURCE } from './records.ts';
import { SyncEngine } from './sync-engine.ts';
import { fetchTransport, type Transport } from './transport.ts';
import { V8Api } from './v8-api.ts';

export interface SuiteCrmDeps {
  directory: Directory;
  log?: Log;
  /** Default: Node's fetch. */
  transport?: Transport;
  /** Clock for the token's expiry. */
  now?: () => number;
}

const LINK_OF_KIND: Readonly<Record<CallLinkTarget['kind'], { link: string; module: string }>> = {
  contact: { link: 'contacts', module: 'Contacts' },
  lead: { link: 'leads', module: 'Leads' },
  user: { link: 'users', module: 'Users' },
};

export class SuiteCrm implements CrmPort {
  readonly name = 'suitecrm';
  readonly source = SOURCE;
  readonly logsCalls: boolean;
  /** Missed-call items can be planned Calls here (the runtime runs the mirror with MISSED_CRM_CALLS and SUITECRM_LOG_CALLS). */
  readonly plansCallbacks = true;
  readonly settings: SuiteCrmSettings;
  readonly api: V8Api;
  readonly legacy: LegacyApi | null;
  readonly tokens: TokenSource;
  readonly engine: SyncEngine;
  readonly #directory: Directory;
  /** The OAuth2 client's own user (its id), asked once: planned calls of owners SuiteCRM does not know go to it. */
  #apiUser: Promise<string> | null = null;

  constructor(settings: SuiteCrmSettings, deps: SuiteCrmDeps) {
    this.settings = settings;
    this.logsCalls = settings.logCalls;
    this.#directory = deps.directory;
    const transport = deps.transport ?? fetchTransport;
    const log = deps.log ?? silentLog;
    this.tokens = new TokenSource({ url: settings.url, clientId: settings.clientId, clientSecret: settings.clientSecret, transport, timeoutMs: settings.timeoutMs, ...(deps.now ? { now: deps.now } : {}) });
    this.api = new V8Api({ tokens: this.tokens, transport, timeoutMs: settings.timeoutMs, log });
    this.legacy = settings.legacy ? new LegacyApi({ url: settings.url, locator: this.tokens.locator, ...settings.legacy, transport, timeoutMs: settings.timeoutMs }) : null;
    this.engine = new SyncEngine({ api: this.api, legacy: this.legacy, directory: deps.directory, state: new SyncStateStore(deps.directory.store, SOURCE), settings, log });
  }

  syncFull(options?: SyncRunOptions): Promise<SyncReport> {
    return this.engine.full(options);
  }

  syncIncremental(options?: SyncRunOptions): Promise<SyncReport> {
    return this.engine.incremental(options);
  }

  lastFullSyncAt(): Promise<number | null> {
    return this.engine.lastFullSyncAt();
  }

  counts(): Promise<{ users: number; accounts: number; contacts: number; leads: number }> {
    return this.engine.writer.counts();
  }

  /** Which SuiteCRM answered (after the first request; before it, what SUITECRM_URL suggests). */
  get version(): '7' | '8' {
    return this.tokens.locator.likelyVersion;
  }

  /**
   * SuiteCRM 7: `index.php?module=Contacts&action=DetailView&record=<id>`; 8: `#/contacts/record/<id>`
   * (lower-case module: test/fixtures/suitecrm8-api/README.md). SUITECRM_UI `auto` follows the SuiteCRM
   * found; a SuiteCRM 7 link still opens the record on SuiteCRM 8 (it redirects), so the guess made
   * before the first request is harmless.
   */
  recordUrl(ref: CrmRecordRef): string | null {
    if (ref.source !== SOURCE || !ref.externalId) return null;
    const module = MODULE_OF_TYPE[ref.type];
    const id = encodeURIComponent(ref.externalId);
    const ui = this.settings.ui === 'auto' ? this.version : this.settings.ui;
    const site = this.tokens.locator.site;
    return ui === '8' ? `${site}/#/${module.toLowerCase()}/record/${id}` : `${site}/index.php?module=${module}&action=DetailView&record=${id}`;
  }

  /** Creates the lead or contact in SuiteCRM, then at once in our directory (the next sync confirms it). */
  async createRecord(input: NewRecordInput): Promise<CreatedRecord> {
    const assigned = input.assignedUserId ? await this.#directory.externalUserId(input.assignedUserId, SOURCE) : null;
    const attributes: Record<string, string> = { first_name: input.firstName, last_name: input.lastName, phone_work: input.phone };
    if (assigned) attributes['assigned_user_id'] = assigned;
    if (input.type === 'lead') {
      attributes['status'] = 'New';
      attributes['lead_source'] = 'Cold Call';
      if (input.company) attributes['account_name'] = input.company;
    }
    const created = await this.api.create(MODULE_OF_TYPE[input.type], attributes);
    const id = ourId(created.id);
    const common = { id, source: SOURCE, externalId: created.id, assignedUserId: assigned ? ourId(assigned) : null, phones: [{ kind: 'work' as const, number: input.phone }], lastActivityAt: new Date().toISOString() };
    if (input.type === 'lead') await this.#directory.upsertLead({ ...common, firstName: input.firstName, lastName: input.lastName, accountName: input.company ?? null, status: 'New' });
    else await this.#directory.upsertContact({ ...common, firstName: input.firstName, lastName: input.lastName });
    return { type: input.type, id, externalId: created.id, url: this.recordUrl({ type: input.type, id, source: SOURCE, externalId: created.id }) };
  }

  /**
   * Creates the Call. With `mayExist` (an earlier create may have worked though its answer was lost)
   * it first looks for a Call whose description holds our call id, within the minute of its start.
   */
  async logCall(entry: CallLogEntry, options: LogCallOptions): Promise<LoggedCall> {
    const attributes = callAttributes(entry, this.settings.region, this.settings.language ?? DEFAULT_LOCALE);
    if (options.mayExist) {
      const found = await this.findLoggedCall(entry.callId, entry.startedAt, options.signal);
      if (found !== null) return { crmCallId: found, found: true };
    }
    const created = await this.api.create('Calls', attributes, options.signal);
    return { crmCallId: created.id, found: false };
  }

  /** Rewrites the Call with the corrected entry: the same API as the create, `PATCH` with its id (recording 73). */
  async updateCall(crmCallId: string, entry: CallLogEntry, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.api.update('Calls', crmCallId, callUpdateAttributes(entry, this.settings.region, this.settings.language ?? DEFAULT_LOCALE), options.signal);
  }

  /** The SuiteCRM id of the Call we wrote for `callId`, or null. */
  async findLoggedCall(callId: string, startedAt: string, signal?: AbortSignal): Promise<string | null> {
    const minute = Math.floor(Date.parse(startedAt) / 60_000) * 60_000;
    // `%` and `_` are LIKE wildcards; `_` (any one character) stands in for them, the exact line is checked below.
    const pattern = `%${MARKER_PREFIX}${callId.replace(/[%_\\]/g, '_')}%`;
    const page = await this.api.list('Calls', {
      filters: [
        { field: 'date_start', op: 'gte', value: toSuiteDateTime(minute) },
        { field: 'date_start', op: 'lte', value: toSuiteDateTime(minute + 59_000) },
        { field: 'description', op: 'like', value: pattern },
      ],
      fields: ['description', 'date_start'],
      pageSize: 20,
      pageNumber: 1,
      ...(signal ? { signal } : {}),
    });
    const line = markerLine(callId);
    const hit = page.records.find((r) => typeof r.attributes['description'] === 'string' && decodeHtml(r.attributes['description']).split('\n').includes(line));
    return hit?.id ?? null;
  }

  async linkCall(crmCallId: string, target: CallLinkTarget, options: { signal?: AbortSignal } = {}): Promise<void> {
    const how = LINK_OF_KIND[target.kind];
    if (how === undefined) throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `A call cannot be linked to a ${String(target.kind)}.`);
    await this.api.link('Calls', crmCallId, how.link, how.module, target.externalId, options.signal);
  }

  async unlinkCall(crmCallId: string, target: CallLinkTarget, options: { signal?: AbortSignal } = {}): Promise<void> {
    const how = LINK_OF_KIND[target.kind];
    if (how === undefined) throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `A call cannot be unlinked from a ${String(target.kind)}.`);
    try {
      await this.api.unlink('Calls', crmCallId, how.link, target.externalId, options.signal);
    } catch (err) {
      // Not linked (any more): what we wanted.
      if (!isCrmError(err, CrmErrorCodes.CRM_ERR_NOT_FOUND)) throw err;
    }
  }

  /** Creates the planned Call of a missed-call item (`callback-attributes.ts` says why a Call, and how it reads). */
  async planCallback(state: CallbackState, options: { signal?: AbortSignal } = {}): Promise<string> {
    const created = await this.api.create('Calls', callbackAttributes(state, await this.#callbackOptions(state, false, options.signal)), options.signal);
    return created.id;
  }

  async updateCallback(crmCallId: string, state: CallbackState, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.api.update('Calls', crmCallId, callbackAttributes(state, await this.#callbackOptions(state, true, options.signal)), options.signal);
  }

  /**
   * The planned Call an earlier create wrote for the item: its marker line in the description, among
   * Calls starting at or after the item's first miss (every planned call starts at its newest miss),
   * so that the search does not read every call's description.
   */
  async findCallback(state: CallbackState, options: { signal?: AbortSignal } = {}): Promise<string | null> {
    const minute = Math.floor(Date.parse(state.firstMissedAt) / 60_000) * 60_000;
    const pattern = `%${CALLBACK_MARKER_PREFIX}${state.itemId.replace(/[%_\\]/g, '_')}%`;
    const page = await this.api.list('Calls', {
      filters: [
        { field: 'date_start', op: 'gte', value: toSuiteDateTime(minute) },
        { field: 'description', op: 'like', value: pattern },
      ],
      fields: ['description', 'date_start'],
      pageSize: 20,
      pageNumber: 1,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const line = callbackMarkerLine(state.itemId);
    const hit = page.records.find((r) => typeof r.attributes['description'] === 'string' && decodeHtml(r.attributes['description']).split('\n').includes(line));
    return hit?.id ?? null;
  }

  async #callbackOptions(state: CallbackState, update: boolean, signal?: AbortSignal): Promise<Parameters<typeof callbackAttributes>[1]> {
    const owner = state.owner?.source === SOURCE && state.owner.externalId ? state.owner.externalId : null;
    return { region: this.settings.region, locale: this.settings.language ?? DEFAULT_LOCALE, assignedUserId: owner ?? (await this.#apiUserId(signal)), update };
  }

  /**
   * The user the integration acts as (`GET /Api/V8/current-user`): a planned call whose owner has no
   * SuiteCRM id is assigned to it rather than to nobody (an unassigned call is in nobody's lists).
   */
  #apiUserId(signal?: AbortSignal): Promise<string> {
    if (this.#apiUser !== null) return this.#apiUser;
    const asked = this.api.call('GET', '/Api/V8/current-user', signal ? { signal } : {}).then((body) => {
      const id = (body['data'] as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string' || id === '') throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, "SuiteCRM's /Api/V8/current-user named no user.");
      return id;
    });
    // A failure is not kept: the next planned call asks again.
    asked.catch(() => {
      if (this.#apiUser === asked) this.#apiUser = null;
    });
    this.#apiUser = asked;
    return asked;
  }

  async close(): Promise<void> {
    await this.legacy?.logout();
  }
}

export function createSuiteCrm(settings: SuiteCrmSettings, deps: SuiteCrmDeps): SuiteCrm {
  return new SuiteCrm(settings, deps);
}
