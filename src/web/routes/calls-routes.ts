/**
 * Calls: history for a number or a CRM record (the "Phone calls" panel), missed calls, notes,
 * and click-to-call. Every route needs a signed-in person; every answer is in their language.
 *
 *   GET  /api/calls?number=|entity=type:id&limit=&cursor=   { calls: ListedCall[], next }
 *   GET  /api/calls/missed?all=1&unhandled=0&limit=&cursor=  { calls: ListedCall[], next }
 *
 * A list is newest first; `next` is an opaque cursor for the page after it (give it back as
 * `cursor`), null when the page was not full. `before` (an ISO time) still pages by time.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { decodeCallCursor, type CallLog, type CallPage, type CallQuery, type LoggedCall } from '../../store/call-log.ts';
import { requireUser } from '../auth/auth-plugin.ts';
import { sendError, sendFailure } from '../errors.ts';
import { t } from '../request-locale.ts';
import { normalizePhone } from '../../phone/normalize.ts';
import { formatPhoneForPeople } from '../../phone/format.ts';
import type { MessageKey } from '../../i18n/messages/index.ts';
import type { MessageValues } from '../../i18n/translator.ts';
import type { CountryCode } from '../../phone/types.ts';
import type { ErrorCode } from '../../errors.ts';
import type { RecordType } from '../../directory/record-types.ts';

/** A click-to-call asked for by a signed-in person (carried out by `service/click-to-call.ts`). */
export interface ClickToCallRequest {
  user: { id: string; login: string; name: string; primaryExtension: string | null };
  number: string;
  entity?: { type: RecordType; id: string; name?: string };
}

/**
 * A failure's `message` is English (logs, other instances); `messageKey` and `messageValues`, when
 * given, say it in the language of the person who asked (see `WordedFailure`).
 */
export type ClickToCallOutcome =
  | { ok: true; clickToCallId: string; extension: string; dialled: string }
  | { ok: false; status: 400 | 409 | 503 | 502; code: ErrorCode; message: string; messageKey?: MessageKey; messageValues?: MessageValues };

export interface CallsRoutesOptions {
  callLog: CallLog;
  defaultRegion: CountryCode;
  /** Places a click-to-call; absent when no PBX is configured. */
  placeCall?: (request: ClickToCallRequest) => Promise<ClickToCallOutcome>;
}

const ENTITY = /^(contact|account|lead):[A-Za-z0-9_.:-]{1,100}$/;
const MAX_LIMIT = 500;
const MAX_NUMBER_LENGTH = 100;
const isUtcTime = z.iso.datetime();

/** A list's query, read: the filter (none: the person's own calls), and where the page starts. */
interface ListQuery {
  number?: string;
  entity?: { type: RecordType; id: string };
  limit: number;
  before?: string;
  cursor?: string;
}

/** What is wrong with a request, as a message of the server's catalogue and its values. */
interface Problem {
  key: MessageKey;
  values?: MessageValues;
}

/**
 * Reads a list's query parameters one at a time, so that a wrong one is answered with its name,
 * what it takes and what came (`limit=abc` is about limit, not about the filters).
 */
function readListQuery(query: unknown, names: readonly (keyof ListQuery)[], defaultLimit: number): { ok: true; query: ListQuery } | { ok: false; problem: Problem } {
  const given = (query ?? {}) as Record<string, unknown>;
  const out: ListQuery = { limit: defaultLimit };
  for (const name of names) {
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { ok: false, problem: { key: 'server.calls.repeated', values: { name } } };
    const got = value.length > 40 ? `${value.slice(0, 39)}…` : value;
    switch (name) {
      case 'limit': {
        const n = /^[0-9]{1,4}$/.test(value) ? Number(value) : NaN;
        if (!(n >= 1 && n <= MAX_LIMIT)) return { ok: false, problem: { key: 'server.calls.badLimit', values: { max: MAX_LIMIT, got } } };
        out.limit = n;
        break;
      }
      case 'before':
        if (!isUtcTime.safeParse(value).success) return { ok: false, problem: { key: 'server.calls.badBefore', values: { got } } };
        out.before = value;
        break;
      case 'cursor':
        if (decodeCallCursor(value) === null) return { ok: false, problem: { key: 'server.calls.badCursor', values: { got } } };
        out.cursor = value;
        break;
      case 'entity': {
        if (!ENTITY.test(value)) return { ok: false, problem: { key: 'server.calls.badEntity', values: { got } } };
        const i = value.indexOf(':');
        out.entity = { type: value.slice(0, i) as RecordType, id: value.slice(i + 1) };
        break;
      }
      case 'number':
        if (value.length > MAX_NUMBER_LENGTH) return { ok: false, problem: { key: 'server.calls.badNumber', values: { max: MAX_NUMBER_LENGTH, length: value.length } } };
        out.number = value;
        break;
    }
  }
  return { ok: true, query: out };
}

/** The store's paging from a read query: `cursor` is the store's `after`. */
function paging(q: ListQuery): CallQuery {
  return { limit: q.limit, ...(q.before !== undefined ? { before: q.before } : {}), ...(q.cursor !== undefined ? { after: q.cursor } : {}) };
}

/** The part of the engine's call record a list needs here. */
interface ListedRecord {
  externalNumber?: string | null;
}

/**
 * A logged call as the lists send it: the log's entry, and the other party's number as people read
 * it (`formatPhoneForPeople`: national for the home region, international otherwise; pops say the
 * same), null when the number was withheld.
 */
export type ListedCall = LoggedCall & { externalNumberFormatted: string | null };

function listed(page: CallPage<ListedRecord>, region: CountryCode): { calls: ListedCall[]; next: string | null } {
  return {
    calls: page.calls.map((c) => {
      const number = c.record.externalNumber;
      return { ...c, externalNumberFormatted: number ? formatPhoneForPeople(normalizePhone(number, { defaultRegion: region }), region) : null };
    }),
    next: page.next,
  };
}

const placeBody = z.object({
  number: z.string().min(1).max(100),
  entity: z.object({ type: z.enum(['contact', 'account', 'lead']), id: z.string().min(1).max(100), name: z.string().max(200).optional() }).optional(),
});

const noteBody = z.object({ text: z.string().trim().min(1).max(5000) });

export async function callsRoutes(app: FastifyInstance, options: CallsRoutesOptions): Promise<void> {
  const { callLog } = options;
  const region = options.defaultRegion;

  /**
   * `?number=` or `?entity=type:id` (else the person's own calls), `limit` (1-500, default 50) and
   * `cursor` (the `next` of the page before). `before` (an ISO time) still pages by time.
   */
  app.get('/api/calls', { preHandler: requireUser }, async (request, reply) => {
    const read = readListQuery(request.query, ['number', 'entity', 'limit', 'before', 'cursor'], 50);
    if (!read.ok) return sendError(reply, 'BAD_REQUEST', t(request).t(read.problem.key, read.problem.values));
    const q = read.query;
    if (q.entity) return listed(await callLog.forRecord<ListedRecord>(q.entity.type, q.entity.id, paging(q)), region);
    if (q.number) {
      const n = normalizePhone(q.number, { defaultRegion: region });
      if (n.kind !== 'number' || !n.e164) return { calls: [], next: null };
      return listed(await callLog.forNumber<ListedRecord>(n.e164, paging(q)), region);
    }
    const user = request.principal!.user!;
    return listed(await callLog.forExtensions<ListedRecord>(user.extensions, paging(q)), region);
  });

  /** The person's missed calls (`?all=1`: everyone's, for admins; `?unhandled=0`: handled ones too), paged as /api/calls (`limit` default 200). */
  app.get('/api/calls/missed', { preHandler: requireUser }, async (request, reply) => {
    const read = readListQuery(request.query, ['limit', 'cursor'], 200);
    if (!read.ok) return sendError(reply, 'BAD_REQUEST', t(request).t(read.problem.key, read.problem.values));
    const q = request.query as { all?: string; unhandled?: string };
    const user = request.principal!.user!;
    const unhandledOnly = q.unhandled !== '0';
    const page =
      q.all === '1' && user.role === 'admin'
        ? await callLog.missed<ListedRecord>({ unhandledOnly, ...paging(read.query) })
        : await callLog.forExtensions<ListedRecord>(user.extensions, { missedOnly: true, unhandledOnly, ...paging(read.query) });
    return listed(page, region);
  });

  app.post<{ Params: { id: string } }>('/api/calls/:id/handled', { preHandler: requireUser }, async (request, reply) => {
    const ok = await callLog.markHandled(request.params.id, request.principal!.user!.id);
    if (!ok) return sendError(reply, 'NOT_FOUND', t(request).t('server.calls.noSuchCall'));
    return { ok: true };
  });

  app.get<{ Params: { id: string } }>('/api/calls/:id/notes', { preHandler: requireUser }, async (request) => ({ notes: await callLog.notes(request.params.id) }));

  app.post<{ Params: { id: string } }>('/api/calls/:id/notes', { preHandler: requireUser }, async (request, reply) => {
    const body = noteBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.calls.noteBody'));
    if (!(await callLog.get(request.params.id))) return sendError(reply, 'NOT_FOUND', t(request).t('server.calls.notYetLogged'));
    return callLog.addNote(request.params.id, request.principal!.user!.id, body.data.text);
  });

  app.post('/api/calls', { preHandler: requireUser }, async (request, reply) => {
    const body = placeBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.calls.placeBody'));
    if (!options.placeCall) return sendError(reply, 'C2C_PBX_DOWN', t(request).t('server.c2c.noPbx'));
    const user = request.principal!.user!;
    const outcome = await options.placeCall({ user, number: body.data.number, ...(body.data.entity ? { entity: body.data.entity } : {}) });
    if (!outcome.ok) return sendFailure(reply, outcome);
    reply.code(202);
    return {
      clickToCallId: outcome.clickToCallId,
      extension: outcome.extension,
      dialled: outcome.dialled,
      message: t(request).t('server.c2c.ringing', { extension: outcome.extension, number: outcome.dialled }),
    };
  });
}
