/**
 * SuiteCRM's JSON:API (v8): requests with the shared OAuth2 token (renewed once on a 401, then a
 * loud failure), answers read leniently (first JSON value, text after it logged), and failures in
 * words with a code that says whether to retry. Lists always send `page[size]` and `page[number]`:
 * without them SuiteCRM answers at most 20 rows and no paging (recordings 34, 35).
 */
import { type CrmError, CrmErrorCodes, CrmTelephonyError } from '../crm-errors.ts';
import type { Log } from '../../logger.ts';
import { parseFirstJson } from './json-body.ts';
import { decodeHtml } from './html-entities.ts';
import type { SuiteCrmApiRoot } from './api-locator.ts';
import type { TokenSource } from './oauth-token.ts';
import { encodeQuery, type QueryParams } from './query-string.ts';
import { describeUrl, type HttpAnswer, type Transport } from './transport.ts';

export type FilterOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like';

export interface Filter {
  field: string;
  op: FilterOp;
  value: string;
}

export interface V8Record {
  /** The singular bean name (`Contact`), not the module. */
  type: string;
  id: string;
  attributes: Record<string, unknown>;
}

export interface ListOptions {
  filters?: readonly Filter[];
  /** One operator joins every filter (SuiteCRM has no nesting). Default and. */
  operator?: 'and' | 'or';
  fields?: readonly string[];
  /** A field, `-field` for descending. One only. */
  sort?: string;
  pageSize: number;
  pageNumber: number;
  signal?: AbortSignal;
}

export interface ListPage {
  records: V8Record[];
  /** `meta.total-pages`; null on an empty answer. */
  totalPages: number | null;
  /** SuiteCRM's clock when it answered (its `Date` header), or null. */
  serverTime: number | null;
}

export interface V8ApiOptions {
  /** The token, and (`tokens.locator`) where the API is. */
  tokens: TokenSource;
  transport: Transport;
  timeoutMs: number;
  log: Log;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What a GET sends so that no HTTP cache on the way (a proxy, a caching agent) answers for SuiteCRM. */
export const NO_CACHE: Readonly<Record<string, string>> = { 'Cache-Control': 'no-cache', Pragma: 'no-cache' };

export class V8Api {
  readonly #o: V8ApiOptions;
  /** Requests sent (tests, benchmarks). */
  requests = 0;

  constructor(options: V8ApiOptions) {
    this.#o = options;
  }

  async list(module: string, options: ListOptions): Promise<ListPage> {
    const params: [string, string][] = [];
    if (options.operator === 'or') params.push(['filter[operator]', 'or']);
    for (const f of options.filters ?? []) params.push([`filter[${f.field}][${f.op}]`, f.value]);
    if (options.sort) params.push(['sort', options.sort]);
    if (options.fields && options.fields.length > 0) params.push([`fields[${module}]`, options.fields.join(',')]);
    params.push(['page[size]', String(options.pageSize)], ['page[number]', String(options.pageNumber)]);
    const answered: { date?: number | null } = {};
    const body = await this.call('GET', `/Api/V8/module/${module}`, { query: params, answered, ...(options.signal ? { signal: options.signal } : {}) });
    const data = (body as { data?: unknown }).data;
    if (!Array.isArray(data)) throw badShape(`the list of ${module}`);
    const meta = (body as { meta?: Record<string, unknown> }).meta;
    const totalPages = typeof meta?.['total-pages'] === 'number' ? meta['total-pages'] : null;
    return { records: data.map((r) => asRecord(r, module)), totalPages, serverTime: answered.date ?? null };
  }

  /**
   * Every record matching `filters`, page by page, in id order. Paging is by key (`id` greater
   * than the last one seen), not by page number: records created or deleted meanwhile cannot
   * shift a page and hide a record from the listing, which a full reconcile would then remove.
   * One page is fetched ahead, while the caller handles the current one.
   */
  async *listAll(module: string, options: Omit<ListOptions, 'pageNumber' | 'sort' | 'operator'>): AsyncGenerator<ListPage> {
    const fetchAfter = (after: string | null): Promise<ListPage> => {
      const filters: Filter[] = [...(options.filters ?? []), ...(after === null ? [] : [{ field: 'id', op: 'gt' as const, value: after }])];
      return this.list(module, { ...options, filters, sort: 'id', pageNumber: 1 });
    };
    let after: string | null = null;
    let next: Promise<ListPage> | null = fetchAfter(null);
    try {
      while (next !== null) {
        const page: ListPage = await next;
        next = null;
        if (page.records.length === options.pageSize) {
          const last = page.records[page.records.length - 1]!.id;
          if (last === after) throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, `SuiteCRM returned the same page of ${module} twice: it ignored filter[id][gt]. Paging stopped.`, { module });
          after = last;
          // The next page's key is known now: fetch it while the caller writes this one.
          next = fetchAfter(after);
        }
        yield page;
      }
    } finally {
      // The caller stopped early (an error, a stop): the page fetched ahead is not wanted.
      next?.catch(() => undefined);
    }
  }

  /**
   * Removes a link made by `link` (`DELETE .../relationships/{link}/{relatedId}`, answered 200). A pair
   * that is not linked is answered 400 "Module with <id> id is not related to <Bean>": CRM_ERR_NOT_FOUND.
   */
  async unlink(module: string, id: string, linkName: string, relatedId: string, signal?: AbortSignal): Promise<void> {
    await this.call('DELETE', `/Api/V8/module/${module}/${encodeURIComponent(id)}/relationships/${encodeURIComponent(linkName)}/${encodeURIComponent(relatedId)}`, signal ? { signal } : {});
  }

  async get(module: string, id: string, fields?: readonly string[], signal?: AbortSignal): Promise<V8Record> {
    const query: QueryParams = fields && fields.length > 0 ? [[`fields[${module}]`, fields.join(',')]] : [];
    const body = await this.call('GET', `/Api/V8/module/${module}/${encodeURIComponent(id)}`, { query, ...(signal ? { signal } : {}) });
    return asRecord((body as { data?: unknown }).data, module);
  }

  /** Creates a record; SuiteCRM answers 201 with it. */
  async create(module: string, attributes: Record<string, unknown>, signal?: AbortSignal): Promise<V8Record> {
    const body = await this.call('POST', '/Api/V8/module', { body: { data: { type: module, attributes } }, ...(signal ? { signal } : {}) });
    return asRecord((body as { data?: unknown }).data, module);
  }

  /** Changes a record; SuiteCRM answers 201 (not 200) with it. */
  async update(module: string, id: string, attributes: Record<string, unknown>, signal?: AbortSignal): Promise<V8Record> {
    const body = await this.call('PATCH', '/Api/V8/module', { body: { data: { type: module, id, attributes } }, ...(signal ? { signal } : {}) });
    return asRecord((body as { data?: unknown }).data, module);
  }

  /**
   * Relates two records through a named link (`contacts`, `leads`, `users` of Calls). The generic
   * route without a link name picks the wrong relationship for Users and writes nothing (recording
   * 91), so the link is always named. Linking twice is harmless (recording 78).
   */
  async link(module: string, id: string, linkName: string, relatedModule: string, relatedId: string, signal?: AbortSignal): Promise<void> {
    await this.call('POST', `/Api/V8/module/${module}/${encodeURIComponent(id)}/relationships/${encodeURIComponent(linkName)}`, {
      body: { data: { type: relatedModule, id: relatedId } },
      ...(signal ? { signal } : {}),
    });
  }

  /**
   * One request with the token; a 401 renews the token once, a second 401 is CRM_ERR_AUTH. `path` is
   * under the API root (`/Api/V8/...`), which the locator found: the site root on SuiteCRM 7,
   * `/legacy` on SuiteCRM 8. A 404 there means the API moved (an upgrade from 7 to 8): it is looked
   * for again, and the request sent once more where it is now.
   */
  async call(method: Method, path: string, options: { query?: QueryParams; body?: unknown; signal?: AbortSignal; answered?: { date?: number | null } } = {}): Promise<Record<string, unknown>> {
    const o = this.#o;
    const locator = o.tokens.locator;
    const tail = `${path}${options.query && options.query.length > 0 ? `?${encodeQuery(options.query)}` : ''}`;
    const send = async (root: SuiteCrmApiRoot, token: string): Promise<HttpAnswer> => {
      this.requests++;
      return o.transport({
        method,
        url: `${root.root}${tail}`,
        headers: {
          Accept: 'application/vnd.api+json',
          Authorization: `Bearer ${token}`,
          ...(options.body !== undefined ? { 'Content-Type': 'application/vnd.api+json' } : {}),
          // SuiteCRM's .htaccess gives every v8 answer `Cache-Control: max-age=2592000` (mod_expires,
          // test/fixtures/suitecrm8-api/README.md): a cache between us must never answer a list for it.
          ...(method === 'GET' ? NO_CACHE : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        timeoutMs: o.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    };
    let token = await o.tokens.get(options.signal);
    let root = await locator.locate(options.signal);
    let answer = await send(root, token);
    if (answer.status === 404) {
      const moved = await locator.relocate(root, options.signal);
      if (moved !== null) {
        o.log.warn({ from: root.root, to: moved.root, version: moved.version }, 'SuiteCRM\'s API moved; using it where it is now');
        root = moved;
        o.tokens.invalidate(token);
        token = await o.tokens.get(options.signal);
        answer = await send(root, token);
      }
    }
    if (answer.status === 401) {
      o.tokens.invalidate(token);
      token = await o.tokens.get(options.signal);
      answer = await send(root, token);
      if (answer.status === 401) {
        const hint = safeText(readJson(answer)?.['hint']);
        throw new CrmTelephonyError(
          CrmErrorCodes.CRM_ERR_AUTH,
          `SuiteCRM rejected an access token it had just issued (401${hint ? `: ${hint}` : ''}). Check SuiteCRM's OAuth2 setup (the keys in ${root.version === '8' ? 'public/legacy/Api/V8/OAuth2/' : 'Api/V8/OAuth2/'}, the clock of the SuiteCRM server) and that the client's user is active.`,
          { status: 401, path: describeUrl(path) },
        );
      }
    }
    if (options.answered) options.answered.date = answer.date ?? null;
    return this.#read(method, path, answer);
  }

  #read(method: Method, path: string, answer: HttpAnswer): Record<string, unknown> {
    let parsed: { value: unknown; trailing: string } | null = null;
    try {
      parsed = parseFirstJson(answer.text);
    } catch (err) {
      if (answer.status < 400) throw err;
    }
    if (parsed !== null && parsed.trailing !== '') {
      // PHP's own text after the JSON. Logged short: it is server text, never an echo of what we sent.
      this.#o.log.warn({ method, path: describeUrl(path), status: answer.status, trailing: parsed.trailing.slice(0, 120) }, 'SuiteCRM printed text after its JSON answer');
    }
    const value = parsed?.value;
    if (answer.status >= 200 && answer.status < 300) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badShape(`${method} ${describeUrl(path)}`);
      return value as Record<string, unknown>;
    }
    const detail = safeText((value as { errors?: { detail?: unknown } } | undefined)?.errors?.detail);
    const where = `${method} ${describeUrl(path)}`;
    if (answer.status >= 500 || answer.status === 429) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_UNAVAILABLE, `SuiteCRM failed on ${where} (HTTP ${answer.status}${detail ? `: ${detail}` : ''}). Will try again.`, { status: answer.status });
    }
    if (answer.status === 400 && detail !== null && / id is not related to \w+$/.test(detail)) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_NOT_FOUND, `SuiteCRM has no such link (${detail}).`, { status: 400 });
    }
    if (answer.status === 400 && detail !== null && / is not found$/.test(detail)) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_NOT_FOUND, `SuiteCRM has no such record (${detail}): it was deleted, or never existed.`, { status: 400 });
    }
    if (answer.status === 404) {
      // Retried, as the token endpoint's 404: mid-upgrade (or while the site is down) the API is
      // briefly nowhere, and a call written then must not be dropped for good.
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, `SuiteCRM has no API at ${where} (HTTP 404), and none elsewhere under SUITECRM_URL. Set SUITECRM_URL to the SuiteCRM site root (the address you open SuiteCRM at); will try again.`, { status: 404 });
    }
    if (answer.status >= 300 && answer.status < 400) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `SuiteCRM answered ${where} with a redirect (HTTP ${answer.status}): set SUITECRM_URL to the address it redirects to (https:// rather than http://?).`, { status: answer.status });
    }
    if (answer.status === 403) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `SuiteCRM does not allow ${where} (HTTP 403): give the OAuth2 client's user access to that module.`, { status: 403 });
    }
    const dbFailure = detail !== null && detail.startsWith('Database failure');
    throw new CrmTelephonyError(
      CrmErrorCodes.CRM_ERR_REJECTED,
      dbFailure
        ? `SuiteCRM could not run ${where} ("Database failure"): a filter names a field that is not stored in the database, or a custom field is missing. Check the field names in the SUITECRM_* settings.`
        : `SuiteCRM refused ${where} (HTTP ${answer.status}${detail ? `: ${detail}` : ''}).`,
      { status: answer.status },
    );
  }
}

function readJson(answer: HttpAnswer): Record<string, unknown> | null {
  try {
    const v = parseFirstJson(answer.text).value;
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A short server-written text (an error detail, a hint) fit to repeat in a message, else null. */
function safeText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = decodeHtml(value).replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function asRecord(value: unknown, module: string): V8Record {
  const r = value as Partial<V8Record> | null;
  if (r === null || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.attributes !== 'object' || r.attributes === null) throw badShape(`a ${module} record`);
  return { type: typeof r.type === 'string' ? r.type : module, id: r.id, attributes: r.attributes };
}

function badShape(what: string): CrmError {
  return new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, `SuiteCRM's answer for ${what} is not in the shape of its v8 API. Is SUITECRM_URL the site root of a SuiteCRM 7.10+ or 8?`);
}
