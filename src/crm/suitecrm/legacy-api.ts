/**
 * SuiteCRM's legacy REST v4_1 (`/service/v4_1/rest.php`), used for one thing API v8 cannot do:
 * list deleted records. v8 forgets a record the moment it is deleted (GET is 400, lists skip it,
 * `filter[deleted]` fails: recordings 95-98); v4_1 `get_entry_list` with `deleted: 1` lists them
 * with their deletion time (recording 113).
 *
 * Every v4_1 answer is HTTP 200; an error is `{name, number, description}` (10 Invalid Login,
 * 11 Invalid Session ID, 40 Access Denied). The session is kept and renewed once when refused.
 */
import { createHash } from 'node:crypto';
import { type CrmError, CrmErrorCodes, CrmTelephonyError } from '../crm-errors.ts';
import { ApiLocator } from './api-locator.ts';
import { parseFirstJson } from './json-body.ts';
import type { Transport } from './transport.ts';

export interface LegacyApiOptions {
  /** SUITECRM_URL; where v4_1 is (`/service/v4_1/rest.php`, under `/legacy` on SuiteCRM 8) is found out. */
  url: string;
  /** Shares where the API was found with API v8's client (its `tokens.locator`); default one of its own. */
  locator?: ApiLocator;
  username: string;
  password: string;
  transport: Transport;
  timeoutMs: number;
}

export interface LegacyEntry {
  id: string;
  /** name -> value, as sent (HTML-encoded text, database dates with seconds). */
  values: Record<string, unknown>;
}

export interface LegacyPage {
  entries: LegacyEntry[];
  nextOffset: number;
  /** SuiteCRM sends this as a string, or the number 0 (recordings 102, 103). */
  total: number;
}

export class LegacyApi {
  readonly #o: LegacyApiOptions;
  readonly #locator: ApiLocator;
  #session: string | null = null;

  constructor(options: LegacyApiOptions) {
    this.#o = options;
    this.#locator = options.locator ?? new ApiLocator({ url: options.url, transport: options.transport, timeoutMs: options.timeoutMs });
  }

  /**
   * Deleted records of `module` (its table, e.g. `contacts`) modified at or after `since`
   * (`YYYY-MM-DD HH:MM:SS`, UTC), oldest first.
   */
  async deletedSince(module: string, table: string, since: string, offset: number, max: number, signal?: AbortSignal): Promise<LegacyPage> {
    // Both values are ours: a table name from a fixed list and a formatted date (digits, - : and a space).
    if (!/^[a-z_]+$/.test(table) || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(since)) throw new RangeError('bad legacy query input');
    const result = await this.call(
      'get_entry_list',
      (session) => ({
        session,
        module_name: module,
        query: `${table}.date_modified >= '${since}'`,
        order_by: `${table}.date_modified ASC`,
        offset,
        select_fields: ['id', 'date_modified', 'deleted'],
        link_name_to_fields_array: [],
        max_results: max,
        deleted: 1,
        favorites: false,
      }),
      signal,
    );
    const list = (result as { entry_list?: unknown }).entry_list;
    if (!Array.isArray(list)) throw bad('get_entry_list');
    const entries: LegacyEntry[] = [];
    for (const e of list as { id?: unknown; name_value_list?: Record<string, { value?: unknown }> }[]) {
      if (typeof e.id !== 'string') continue;
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(e.name_value_list ?? {})) values[k] = v?.value;
      entries.push({ id: e.id, values });
    }
    const r = result as { next_offset?: unknown; total_count?: unknown };
    return { entries, nextOffset: Number(r.next_offset ?? offset + entries.length), total: Number(r.total_count ?? 0) };
  }

  async logout(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (session !== null) await this.#post('logout', { session }).catch(() => undefined);
  }

  /** A method that needs a session: logs in first, and once more if the session was refused. */
  async call(method: string, restData: (session: string) => Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const session = this.#session ?? (await this.#login(signal));
      const result = await this.#post(method, restData(session), signal);
      const error = legacyError(result);
      if (error === null) return result as Record<string, unknown>;
      if (error.number === 11 && attempt === 0) {
        this.#session = null;
        continue;
      }
      if (error.number === 40) {
        throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `SuiteCRM's legacy API refused ${method} (Access Denied): give SUITECRM_USERNAME access to the module, or use an administrator.`, { number: 40 });
      }
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `SuiteCRM's legacy API refused ${method} (${error.name}, ${error.number}).`, { number: error.number });
    }
  }

  async #login(signal?: AbortSignal): Promise<string> {
    const o = this.#o;
    const result = await this.#post(
      'login',
      {
        user_auth: { user_name: o.username, password: createHash('md5').update(o.password).digest('hex') },
        application_name: 'crm-telephony',
        name_value_list: [],
      },
      signal,
    );
    const error = legacyError(result);
    if (error !== null) {
      throw new CrmTelephonyError(
        CrmErrorCodes.CRM_ERR_AUTH,
        `SuiteCRM's legacy API refused SUITECRM_USERNAME and SUITECRM_PASSWORD (${error.name}). Check them (the user must be active and allowed to log in with a password), or unset both: deletions are then found by the periodic full sync.`,
        { number: error.number },
      );
    }
    const id = (result as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') throw bad('login');
    this.#session = id;
    return id;
  }

  async #post(method: string, restData: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const o = this.#o;
    const body = new URLSearchParams({ method, input_type: 'JSON', response_type: 'JSON', rest_data: JSON.stringify(restData) }).toString();
    const send = async (root: string) =>
      o.transport({
        method: 'POST',
        url: `${root}/service/v4_1/rest.php`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
        timeoutMs: o.timeoutMs,
        ...(signal ? { signal } : {}),
      });
    let root = await this.#locator.locate(signal);
    let answer = await send(root.root);
    if (answer.status === 404) {
      const moved = await this.#locator.relocate(root, signal);
      if (moved !== null) {
        // Sent again where it is now; a session of the old place is refused there (11), and `call` logs in anew.
        root = moved;
        answer = await send(root.root);
      }
    }
    if (answer.status === 500 && /^\s*Database failure\b/.test(answer.text)) throw databaseFailure(method, restData, root.version);
    if (answer.status >= 500 || answer.status === 429) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_UNAVAILABLE, `SuiteCRM's legacy API failed (HTTP ${answer.status}). Will try again.`, { status: answer.status });
    }
    if (answer.status === 404) {
      // As API v8's 404: mid-upgrade the API is briefly nowhere; tried again.
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, `SuiteCRM's legacy API is not at ${root.root}/service/v4_1/rest.php (HTTP 404) nor elsewhere under SUITECRM_URL: set SUITECRM_URL to the SuiteCRM site root; will try again.`, { status: 404 });
    }
    if (answer.status !== 200) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `SuiteCRM's legacy API answered HTTP ${answer.status} to ${method}: is ${root.root}/service/v4_1/rest.php reachable?`, { status: answer.status });
    }
    return parseFirstJson(answer.text).value;
  }
}

/**
 * v4_1 SQL that names a column the database lacks is an HTML "Database failure. Please refer to
 * suitecrm.log for details." with HTTP 500 (SuiteCRM 8.7.1, recording 104: `users_cstm.asterisk_ext_c`
 * on a site where no Users custom field was ever added, so there is no `users_cstm` join). Retrying
 * cannot help: it is refused, naming the fields the query used, custom ones (`_cstm.`) first.
 */
function databaseFailure(method: string, restData: Record<string, unknown>, version: string): CrmError {
  const query = typeof restData['query'] === 'string' ? restData['query'] : '';
  const module = typeof restData['module_name'] === 'string' ? restData['module_name'] : 'a module';
  const custom = [...new Set([...query.matchAll(/\b\w+_cstm\.(\w+)/g)].map((m) => m[1]!))];
  const named = custom.length > 0 ? custom : [...new Set([...query.matchAll(/\b[a-z_]+\.(\w+)/g)].map((m) => m[1]!))];
  const fields = named.length > 0 ? named.join(', ') : 'none';
  const advice =
    custom.length > 0
      ? `${module} has no custom field ${custom.join(', ')} in SuiteCRM ${version}'s database: install the crm-telephony package (npx crm-telephony suitecrm package${version === '8' ? ' --suitecrm 8' : ''}, then ${version === '8' ? 'Administration -> Module Loader' : 'Admin -> Module Loader'}), which adds the extension field, or add the field in ${version === '8' ? 'Administration -> Studio' : 'Admin -> Studio'}, or set SUITECRM_EXTENSION_FIELD to the field your extensions are in.`
      : `a field it names (${fields}) is not a column of ${module} in SuiteCRM's database; suitecrm.log says which.`;
  return new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `SuiteCRM's legacy API could not run ${method} on ${module} (HTTP 500 "Database failure"): ${advice}`, {
    status: 500,
    databaseFailure: true,
    fields: named,
  });
}

/**
 * SuiteCRM's own version (`7.14.6`, `8.7.1`), from v4_1's `get_server_info`, which needs no login
 * (`suitecrm_version`; `version` is SugarCRM's 6.5.25 on both); null when it does not say.
 */
export async function suiteCrmRelease(root: string, transport: Transport, timeoutMs: number, signal?: AbortSignal): Promise<string | null> {
  const answer = await transport({
    method: 'POST',
    url: `${root}/service/v4_1/rest.php`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ method: 'get_server_info', input_type: 'JSON', response_type: 'JSON', rest_data: '[]' }).toString(),
    timeoutMs,
    ...(signal ? { signal } : {}),
  });
  if (answer.status !== 200) return null;
  try {
    const release = (parseFirstJson(answer.text).value as { suitecrm_version?: unknown } | null)?.suitecrm_version;
    return typeof release === 'string' && /^\d+(\.\d+){1,3}$/.test(release) ? release : null;
  } catch {
    return null;
  }
}

function legacyError(result: unknown): { name: string; number: number } | null {
  const r = result as { name?: unknown; number?: unknown; description?: unknown } | null;
  if (r === null || typeof r !== 'object' || typeof r.number !== 'number' || typeof r.name !== 'string' || !('description' in r)) return null;
  return { name: r.name.slice(0, 60), number: r.number };
}

function bad(method: string): CrmError {
  return new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, `SuiteCRM's legacy API answered ${method} in a shape it does not have (is service/v4_1/rest.php a SuiteCRM?).`);
}
