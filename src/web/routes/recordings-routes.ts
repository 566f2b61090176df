/**
 * Call recordings over HTTP:
 *
 *   POST /api/recordings/report          the PBX says a file is complete (routing token: bearer or ?token=;
 *                                        JSON or form body: linkedid/uniqueid, path, size)
 *   GET  /api/calls/:callId/recording    the player's facts about a call's recording
 *   GET  /api/recordings/:id/info        the same for one recording
 *   GET  /api/recordings/:id             the audio, with Range (206/416), ETag, private caching;
 *                                        ?download=1 as an attachment; 204 when there is no audio
 *   GET  /api/admin/recordings/audit     who listened to what (admins)
 *   GET  /api/admin/recordings/copies    the copy queue's pending and failed jobs (admins)
 *
 * The id in a URL is the recordings table's random id: never a uniqueid, never a path. Nothing a
 * request says reaches a file-system path; the id must look like one of ours before it reaches a query.
 */
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Access } from '../auth/access.ts';
import { requireAdmin, requireUser } from '../auth/auth-plugin.ts';
import { sendError, sendFailure } from '../errors.ts';
import { t } from '../request-locale.ts';
import type { Recordings, Requester } from '../../recordings/recordings.ts';
import { isRecordingId } from '../../recordings/ids.ts';
import { decideRange, ifRangeMatches, noneMatch } from '../../recordings/http-range.ts';
import { inLanguage } from '../../recordings/recording-info.ts';

export interface RecordingsRoutesOptions {
  recordings: Recordings;
  access: Access;
}

const CALL_ID = /^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_.-]{1,64}$/;

const reportBody = z.object({
  pbx: z.string().max(64).optional(),
  linkedid: z.string().max(64).optional(),
  uniqueid: z.string().max(64).optional(),
  path: z.string().min(1).max(1024),
  size: z.union([z.number(), z.string().regex(/^\d{1,15}$/).transform(Number)]).optional(),
});

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().datetime().optional(),
  recording: z.string().max(64).optional(),
  user: z.string().max(64).optional(),
  call: z.string().max(200).optional(),
});

function requester(request: FastifyRequest): Requester {
  const p = request.principal!;
  return { user: p.user!, via: p.via, ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '') };
}

export async function recordingsRoutes(app: FastifyInstance, options: RecordingsRoutesOptions): Promise<void> {
  const { recordings } = options;

  // CURL(url,data) and curl --data-urlencode post forms; this plugin's scope only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_request, body, done) => {
    done(null, parseQuery(body as string));
  });

  const pbxGuard = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const query = request.query as { token?: unknown };
    if (!request.principal && typeof query.token === 'string') request.principal = await options.access.byToken(query.token);
    if (request.principal?.tokenKind !== 'routing') {
      return sendError(reply, 'AUTH_REQUIRED', t(request).t('server.recordings.pbxOnly'));
    }
  };

  app.post('/api/recordings/report', { preHandler: pbxGuard, config: { rateLimit: { max: 600, timeWindow: '1 minute' } } }, async (request, reply) => {
    const source = { ...(request.query as Record<string, unknown>), ...((request.body as Record<string, unknown> | undefined) ?? {}) };
    delete source['token'];
    const body = reportBody.safeParse(source);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.recordings.reportBody'));
    const outcome = await recordings.report({
      path: body.data.path,
      ...(body.data.pbx ? { pbx: body.data.pbx } : {}),
      ...(body.data.linkedid ? { linkedid: body.data.linkedid } : {}),
      ...(body.data.uniqueid ? { uniqueid: body.data.uniqueid } : {}),
      ...(body.data.size !== undefined ? { size: body.data.size } : {}),
    });
    if (!outcome.ok) return sendFailure(reply, outcome);
    reply.code(202);
    return { ok: true, callId: outcome.callId };
  });

  app.get<{ Params: { callId: string } }>('/api/calls/:callId/recording', { preHandler: requireUser }, async (request, reply) => {
    if (!CALL_ID.test(request.params.callId)) return sendError(reply, 'NOT_FOUND', t(request).t('server.calls.noSuchCall'));
    const outcome = await recordings.infoForCall(request.params.callId, requester(request));
    if (!outcome.ok) return sendFailure(reply, outcome);
    reply.header('cache-control', 'private, no-store');
    const tr = t(request);
    const v = outcome.value;
    return inLanguage({ ...v, recording: v.recording && inLanguage(v.recording, tr), recordings: v.recordings.map((r) => inLanguage(r, tr)) }, tr);
  });

  app.get<{ Params: { id: string } }>('/api/recordings/:id/info', { preHandler: requireUser }, async (request, reply) => {
    if (!isRecordingId(request.params.id)) return sendError(reply, 'RECORDING_NOT_FOUND', t(request).t('server.recordings.noSuchRecording'));
    const outcome = await recordings.info(request.params.id, requester(request));
    if (!outcome.ok) return sendFailure(reply, outcome);
    reply.header('cache-control', 'private, no-store');
    return { recording: inLanguage(outcome.value, t(request)) };
  });

  app.route<{ Params: { id: string }; Querystring: { download?: string } }>({
    method: ['GET', 'HEAD'],
    url: '/api/recordings/:id',
    preHandler: requireUser,
    handler: async (request, reply) => {
      if (!isRecordingId(request.params.id)) return sendError(reply, 'RECORDING_NOT_FOUND', t(request).t('server.recordings.noSuchRecording'));
      const download = request.query.download === '1' || request.query.download === 'true';
      const head = request.method === 'HEAD';
      const outcome = await recordings.openForListening(request.params.id, requester(request), { download, head });
      if (!outcome.ok) {
        if (outcome.status === 204) return reply.code(204).header('x-recording-status', 'no-audio').header('cache-control', 'private, no-store').send();
        return sendFailure(reply, outcome);
      }
      const p = outcome.value;
      // Private: the browser may keep it, a shared cache may not; no-cache: every replay comes back
      // here (a 304 when unchanged), so access is checked again and the listen is audited.
      reply.header('accept-ranges', 'bytes');
      reply.header('cache-control', 'private, no-cache');
      reply.header('etag', p.etag);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('content-disposition', `${p.download ? 'attachment' : 'inline'}; filename="${p.fileName}"`);
      if (noneMatch(request.headers['if-none-match'], p.etag)) {
        await p.opened.close();
        return reply.code(304).send();
      }
      const rangeHeader = typeof request.headers.range === 'string' ? request.headers.range : undefined;
      const ifRange = typeof request.headers['if-range'] === 'string' ? request.headers['if-range'] : undefined;
      const decision = ifRangeMatches(ifRange, p.etag, '') ? decideRange(rangeHeader, p.size) : ({ kind: 'full', why: 'no-range' } as const);
      if (decision.kind === 'unsatisfiable') {
        await p.opened.close();
        reply.header('content-range', `bytes */${p.size}`);
        return sendError(reply, 'RANGE_NOT_SATISFIABLE', t(request).t('server.recordings.pastEnd', { size: p.size }));
      }
      const [start, end] = decision.kind === 'partial' ? [decision.start, decision.end] : [0, p.size - 1];
      reply.type(p.contentType);
      if (decision.kind === 'partial') reply.code(206).header('content-range', `bytes ${start}-${end}/${p.size}`);
      reply.header('content-length', String(end - start + 1));
      if (head || p.size === 0) {
        await p.opened.close();
        return reply.send();
      }
      return reply.send(p.opened.stream(start, end));
    },
  });

  app.get('/api/admin/recordings/audit', { preHandler: requireAdmin }, async (request, reply) => {
    const q = auditQuery.safeParse(request.query);
    if (!q.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.recordings.auditQuery'));
    const entries = await recordings.audit({
      limit: q.data.limit,
      ...(q.data.before ? { before: q.data.before } : {}),
      ...(q.data.recording ? { recordingId: q.data.recording } : {}),
      ...(q.data.user ? { userId: q.data.user } : {}),
      ...(q.data.call ? { callId: q.data.call } : {}),
    });
    return { entries };
  });

  app.get('/api/admin/recordings/copies', { preHandler: requireAdmin }, async () => ({ jobs: await recordings.copyJobs() }));
}
