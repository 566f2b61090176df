/**
 * Where SuiteCRM's APIs are under SUITECRM_URL. SuiteCRM 7 serves them at the site root
 * (`/Api/access_token`, `/Api/V8/...`, `/service/v4_1/rest.php`); SuiteCRM 8 runs the same legacy
 * code under `/legacy` and answers the SuiteCRM 7 paths with a 404 (`{"message":"Not found"}` to a
 * JSON Accept, a Slim HTML page otherwise), while `/` is its Angular app
 * (test/fixtures/suitecrm8-api/, files 04-07). So the answers decide, not the URL's look: each
 * candidate's token endpoint is asked, without credentials, and the one that answers as an OAuth2
 * server (a league/oauth2 `error`, recording 03: `unsupported_grant_type`) is the API.
 *
 * The probe sends no secret: a candidate that turns out to be some other program never sees the
 * client secret. The answer is kept for the process; a 404 from a path under the API root (the site
 * was upgraded from 7 to 8, or moved) makes the callers `forget` it, and the next request looks again.
 */
import { CrmErrorCodes, CrmTelephonyError, isCrmError } from '../crm-errors.ts';
import { parseFirstJson } from './json-body.ts';
import type { Transport } from './transport.ts';

export type SuiteCrmVersion = '7' | '8';

export interface SuiteCrmApiRoot {
  /** The folder the APIs live in: the site root on SuiteCRM 7, `<site>/legacy` on SuiteCRM 8. */
  root: string;
  /** The site root people open (record links start here). */
  site: string;
  version: SuiteCrmVersion;
}

export interface ApiLocatorOptions {
  /** SUITECRM_URL: a SuiteCRM 7 or 8 site root, or SuiteCRM 8's `<site>/legacy`. */
  url: string;
  transport: Transport;
  timeoutMs: number;
}

const LEGACY = '/legacy';

/** The places the API may be under `url`, SuiteCRM 7's first (a SuiteCRM 8 answers its path with a quick 404). */
export function candidateRoots(url: string): SuiteCrmApiRoot[] {
  const base = url.replace(/\/+$/, '');
  if (base.toLowerCase().endsWith(LEGACY)) return [{ root: base, site: base.slice(0, -LEGACY.length), version: '8' }];
  return [
    { root: base, site: base, version: '7' },
    { root: `${base}${LEGACY}`, site: base, version: '8' },
  ];
}

export class ApiLocator {
  readonly #o: ApiLocatorOptions;
  readonly #candidates: SuiteCrmApiRoot[];
  #known: SuiteCrmApiRoot | null = null;
  #pending: Promise<SuiteCrmApiRoot> | null = null;
  #lastVersion: SuiteCrmVersion | null = null;
  /** Probes sent so far (tests). */
  probes = 0;

  constructor(options: ApiLocatorOptions) {
    this.#o = options;
    this.#candidates = candidateRoots(options.url);
  }

  /** What the last look found, or null before the first (or after `forget`). */
  get known(): SuiteCrmApiRoot | null {
    return this.#known;
  }

  /** The version a record link should be built for now: what was found, else what the URL suggests. */
  get likelyVersion(): SuiteCrmVersion {
    return this.#known?.version ?? (this.#candidates.length === 1 ? '8' : '7');
  }

  get site(): string {
    return this.#candidates[0]!.site;
  }

  /** The API root, found once and kept; concurrent callers share one look. */
  locate(signal?: AbortSignal): Promise<SuiteCrmApiRoot> {
    if (this.#known !== null) return Promise.resolve(this.#known);
    this.#pending ??= this.#look(signal).finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  /**
   * `root` answered 404 where the API should be: look again before the next request. Returns the
   * new root when it moved (the caller may retry there once), else null.
   */
  async relocate(root: SuiteCrmApiRoot, signal?: AbortSignal): Promise<SuiteCrmApiRoot | null> {
    if (this.#known === root) this.#known = null;
    let found: SuiteCrmApiRoot;
    try {
      found = await this.locate(signal);
    } catch {
      return null;
    }
    return found.root === root.root ? null : found;
  }

  async #look(signal?: AbortSignal): Promise<SuiteCrmApiRoot> {
    // The place found last time first: a re-look after an upgrade costs one probe when nothing moved.
    const order = [...this.#candidates].sort((a, b) => Number(b.version === this.#lastVersion) - Number(a.version === this.#lastVersion));
    const tried: string[] = [];
    let unreachable: unknown = null;
    let failures = 0;
    for (const candidate of order) {
      const url = `${candidate.root}/Api/access_token`;
      let verdict: string;
      try {
        verdict = await this.#probe(url, signal);
      } catch (err) {
        if (isCrmError(err, CrmErrorCodes.CRM_ERR_STOPPED)) throw err;
        unreachable ??= err;
        failures++;
        tried.push(`${url} (SuiteCRM ${candidate.version}): ${(err as Error).message}`);
        continue;
      }
      if (verdict === 'oauth') {
        this.#known = candidate;
        this.#lastVersion = candidate.version;
        return candidate;
      }
      tried.push(`${url} (SuiteCRM ${candidate.version}): ${verdict}`);
    }
    // Nothing answered at all (refused, timed out): the transport's own words say it best.
    if (unreachable !== null && failures === order.length) throw unreachable;
    const advice =
      this.#candidates.length === 1
        ? 'Set SUITECRM_URL to the address you open SuiteCRM at (e.g. https://crm.example.com; for SuiteCRM 8 without /legacy, which is found by itself).'
        : 'Set SUITECRM_URL to the address you open SuiteCRM at (e.g. https://crm.example.com): the folder that holds Api/ on SuiteCRM 7, the one that holds legacy/ on SuiteCRM 8. If it is right, check that SuiteCRM’s API works: its OAuth2 keys (Api/V8/OAuth2/, on SuiteCRM 8 public/legacy/Api/V8/OAuth2/) readable by the web server, and the web server’s rewrite rules (.htaccess) in effect.';
    // Retryable: a site under maintenance answers like this for a while.
    throw new CrmTelephonyError(
      CrmErrorCodes.CRM_ERR_BAD_RESPONSE,
      `Found no SuiteCRM API under ${this.#o.url}. Tried ${tried.join('; ')}. ${advice}`,
      { url: this.#o.url, tried: order.map((c) => `${c.root}/Api/access_token`) },
    );
  }

  /** 'oauth' when an OAuth2 token endpoint answered at `url`; otherwise what answered, in words. */
  async #probe(url: string, signal?: AbortSignal): Promise<string> {
    this.probes++;
    const answer = await this.#o.transport({
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      // No grant and no credentials: SuiteCRM's token endpoint answers 400 unsupported_grant_type (recording 03).
      body: '{}',
      timeoutMs: this.#o.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    let body: unknown = null;
    try {
      body = parseFirstJson(answer.text).value;
    } catch {
      // not JSON: judged below
    }
    const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    if (typeof fields['error'] === 'string' || typeof fields['access_token'] === 'string') return 'oauth';
    const what = body !== null ? 'JSON that is not an OAuth2 answer' : /^\s*</.test(answer.text) ? 'an HTML page' : answer.text.trim() === '' ? 'an empty body' : 'text';
    return `HTTP ${answer.status}, ${what}`;
  }
}
