/**
 * The only place that touches the network for SuiteCRM: one HTTP exchange with a deadline, every
 * failure turned into a CrmError that says what happened in words. Node's own fetch (undici) keeps
 * connections alive between requests.
 */
import { CrmErrorCodes, CrmTelephonyError } from '../crm-errors.ts';

export interface HttpExchange {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Deadline of the whole exchange, body included. */
  timeoutMs: number;
  /** Stops the exchange early (the sync or the outbox is stopping). */
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
  /** The server's clock from the `Date` header (ms, second precision), when it sent one. */
  date?: number | null;
}

/** What sends an exchange; tests and benchmarks may pass their own. */
export type Transport = (exchange: HttpExchange) => Promise<HttpAnswer>;

export const fetchTransport: Transport = async (x) => {
  const deadline = AbortSignal.timeout(x.timeoutMs);
  const signal = x.signal ? AbortSignal.any([deadline, x.signal]) : deadline;
  const where = describeUrl(x.url);
  try {
    // `no-store`: SuiteCRM marks its v8 answers cacheable for a month (`Cache-Control: max-age=2592000`,
    // its .htaccess); a list must always come from SuiteCRM itself, whatever dispatcher fetch is given.
    const res = await fetch(x.url, { method: x.method, headers: x.headers, ...(x.body !== undefined ? { body: x.body } : {}), signal, redirect: 'manual', cache: 'no-store' });
    const text = await res.text();
    const date = Date.parse(res.headers.get('date') ?? '');
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, date: Number.isFinite(date) ? date : null };
  } catch (err) {
    if (x.signal?.aborted) throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_STOPPED, `The request to SuiteCRM (${where}) was stopped.`, { url: where }, { cause: err });
    if (deadline.aborted) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_TIMEOUT, `SuiteCRM did not answer ${x.method} ${where} within ${formatMs(x.timeoutMs)}; it is slow or stuck. Will try again.`, { url: where, timeoutMs: x.timeoutMs }, { cause: err });
    }
    throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_UNREACHABLE, `Could not reach SuiteCRM at ${where}: ${networkReason(err)}.`, { url: where, cause: causeCode(err) }, { cause: err });
  }
};

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function networkReason(err: unknown): string {
  switch (causeCode(err)) {
    case 'ECONNREFUSED':
      return 'the connection was refused (is SuiteCRM up, and is SUITECRM_URL right?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name does not resolve (check SUITECRM_URL)';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'the server closed the connection before answering';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'its TLS certificate is not trusted';
    default:
      return 'the network request failed';
  }
}

/** The URL without its query (filters may hold phone numbers; never credentials, but keep logs lean). */
export function describeUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
