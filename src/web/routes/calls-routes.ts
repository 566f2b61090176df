/**
 * Calls: history for a number or a CRM record (the "Phone calls" panel), missed calls, notes,
 * and click-to-call. Every route needs a signed-in person.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CallLog } from '../../store/call-log.ts';
import { requireUser } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';
import { normalizePhone } from '../../phone/normalize.ts';
import type { CountryCode } from '../../phone/types.ts';
import type { ErrorCode } from '../../errors.ts';
import type { RecordType } from '../../directory/record-types.ts';

/** A click-to-call asked for by a signed-in person (carried out by `service/click-to-call.ts`). */
export interface ClickToCallRequest {
  user: { id: string; login: string; name: string; primaryExtension: string | null };
  number: string;
  entity?: { type: RecordType; id: string; name?: string };
}

export type ClickToCallOutcome =
  | { ok: true; clickToCallId: string; extension: string; dialled: string }
  | { ok: false; status: 400 | 409 | 503 | 502; code: ErrorCode; message: string };

export interface CallsRoutesOptions {
  callLog: CallLog;
  defaultRegion: CountryCode;
  /** Places a click-to-call; absent when no PBX is configured. */
  placeCall?: (request: ClickToCallRequest) => Promise<ClickToCallOutcome>;
}

const entityParam = z
  .string()
  .regex(/^(contact|account|lead):[A-Za-z0-9_.:-]{1,100}$/)
  .transform((s) => {
    const i = s.indexOf(':');
    return { type: s.slice(0, i) as 'contact' | 'account' | 'lead', id: s.slice(i + 1) };
  });

const listQuery = z.object({
  number: z.string().max(100).optional(),
  entity: entityParam.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().datetime().optional(),
});

const placeBody = z.object({
  number: z.string().min(1).max(100),
  entity: z.object({ type: z.enum(['contact', 'account', 'lead']), id: z.string().min(1).max(100), name: z.string().max(200).optional() }).optional(),
});

const noteBody = z.object({ text: z.string().trim().min(1).max(5000) });

export async function callsRoutes(app: FastifyInstance, options: CallsRoutesOptions): Promise<void> {
  const { callLog } = options;

  app.get('/api/calls', { preHandler: requireUser }, async (request, reply) => {
    const q = listQuery.safeParse(request.query);
    if (!q.success) return sendError(reply, 'BAD_REQUEST', 'Use ?number=<phone> or ?entity=<contact|account|lead>:<id>, with optional limit (1-500) and before (ISO time).');
    const paging = { limit: q.data.limit, ...(q.data.before ? { before: q.data.before } : {}) };
    if (q.data.entity) return { calls: await callLog.forRecord(q.data.entity.type, q.data.entity.id, paging) };
    if (q.data.number) {
      const n = normalizePhone(q.data.number, { defaultRegion: options.defaultRegion });
      if (n.kind !== 'number' || !n.e164) return { calls: [] };
      return { calls: await callLog.forNumber(n.e164, paging) };
    }
    const user = request.principal!.user!;
    return { calls: await callLog.forExtensions(user.extensions, paging) };
  });

  app.get('/api/calls/missed', { preHandler: requireUser }, async (request) => {
    const q = request.query as { all?: string; unhandled?: string };
    const user = request.principal!.user!;
    const unhandledOnly = q.unhandled !== '0';
    const calls =
      q.all === '1' && user.role === 'admin'
        ? await callLog.missed({ unhandledOnly, limit: 200 })
        : await callLog.forExtensions(user.extensions, { missedOnly: true, unhandledOnly, limit: 200 });
    return { calls };
  });

  app.post<{ Params: { id: string } }>('/api/calls/:id/handled', { preHandler: requireUser }, async (request, reply) => {
    const ok = await callLog.markHandled(request.params.id, request.principal!.user!.id);
    if (!ok) return sendError(reply, 'NOT_FOUND', 'No such call.');
    return { ok: true };
  });

  app.get<{ Params: { id: string } }>('/api/calls/:id/notes', { preHandler: requireUser }, async (request) => ({ notes: await callLog.notes(request.params.id) }));

  app.post<{ Params: { id: string } }>('/api/calls/:id/notes', { preHandler: requireUser }, async (request, reply) => {
    const body = noteBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', 'Send JSON with a non-empty "text" (up to 5000 characters).');
    if (!(await callLog.get(request.params.id))) return sendError(reply, 'NOT_FOUND', 'No such call (it may not have reached the log yet: try again in a moment).');
    return callLog.addNote(request.params.id, request.principal!.user!.id, body.data.text);
  });

  app.post('/api/calls', { preHandler: requireUser }, async (request, reply) => {
    const body = placeBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', 'Send JSON with "number" (and optionally "entity": {type, id, name}).');
    if (!options.placeCall) return sendError(reply, 'C2C_PBX_DOWN', 'No phone system is configured, so calls cannot be placed.');
    const user = request.principal!.user!;
    const outcome = await options.placeCall({ user, number: body.data.number, ...(body.data.entity ? { entity: body.data.entity } : {}) });
    if (!outcome.ok) return sendError(reply, outcome.code, outcome.message);
    reply.code(202);
    return { clickToCallId: outcome.clickToCallId, extension: outcome.extension, dialled: outcome.dialled, message: `Ringing your phone (${outcome.extension}); pick up to call ${outcome.dialled}.` };
  });
}
