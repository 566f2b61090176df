/**
 * The callback workflow's API (src/missed/README.md): a person's missed-call items (everyone's for
 * admins), their counts for the navigation, and what a person does with one: snooze, reassign,
 * close with a note. Calling back is the ordinary click-to-call (`POST /api/calls`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';
import type { MissedItems, MissedItemRow } from '../../store/missed-items.ts';
import type { MissedWorkflow } from '../../missed/workflow.ts';
import { missedItemView } from '../../missed/view.ts';
import type { CountryCode } from '../../phone/types.ts';
import type { User } from '../../directory/directory.ts';

export interface MissedItemsRoutesOptions {
  items: MissedItems;
  workflow: MissedWorkflow;
  users: { userById(id: string): Promise<User | undefined>; listUsers(): Promise<User[]> };
  defaultRegion: CountryCode;
}

const listQuery = z.object({
  scope: z.enum(['mine', 'all']).default('mine'),
  status: z.enum(['open', 'closed']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const snoozeBody = z.object({ minutes: z.number().int().min(1).max(4320) });
const reassignBody = z.object({ userId: z.string().min(1).max(200) });
const closeBody = z.object({ note: z.string().trim().max(500).optional() });

export async function missedItemsRoutes(app: FastifyInstance, options: MissedItemsRoutesOptions): Promise<void> {
  const { items, workflow } = options;
  const view = (row: Parameters<typeof missedItemView>[0]) => missedItemView(row, options.defaultRegion);

  app.get('/api/missed-items', { preHandler: requireUser }, async (request, reply) => {
    const q = listQuery.safeParse(request.query);
    if (!q.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.missed.listQuery'));
    const user = request.principal!.user!;
    if (q.data.scope === 'all' && user.role !== 'admin') return sendError(reply, 'AUTH_FORBIDDEN', t(request).t('server.missed.allForAdmins'));
    const rows = await items.list({ ownerId: q.data.scope === 'all' ? null : user.id, status: q.data.status, limit: q.data.limit });
    return { items: rows.map(view) };
  });

  app.get('/api/missed-items/count', { preHandler: requireUser }, async (request) => {
    const user = request.principal!.user!;
    const counts = await items.openCounts(user.id);
    return { mine: counts.mine, all: user.role === 'admin' ? counts.all : null };
  });

  app.get('/api/missed-items/assignees', { preHandler: requireUser }, async () => ({
    users: (await options.users.listUsers()).filter((u) => u.active).map((u) => ({ id: u.id, name: u.name, extensions: u.extensions })),
  }));

  /** The item, when this person may act on it (its owner or an admin); otherwise the reply is sent. */
  const actionable = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<MissedItemRow | null> => {
    const item = await items.byId(request.params.id);
    if (item === undefined) {
      await sendError(reply, 'NOT_FOUND', t(request).t('server.missed.notFound'));
      return null;
    }
    const user = request.principal!.user!;
    if (item.owner_id !== user.id && user.role !== 'admin') {
      await sendError(reply, 'AUTH_FORBIDDEN', t(request).t('server.missed.notYours'));
      return null;
    }
    if (item.status !== 'open') {
      await sendError(reply, 'CONFLICT', t(request).t('server.missed.alreadyClosed'));
      return null;
    }
    return item;
  };
  const changedMeanwhile = (request: FastifyRequest, reply: FastifyReply): FastifyReply => sendError(reply, 'CONFLICT', t(request).t('server.missed.changedMeanwhile'));

  app.post<{ Params: { id: string } }>('/api/missed-items/:id/snooze', { preHandler: requireUser }, async (request, reply) => {
    const body = snoozeBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.missed.snoozeBody'));
    const item = await actionable(request, reply);
    if (item === null) return reply;
    const changed = await workflow.snooze(item, body.data.minutes);
    return changed ? { item: view(changed) } : changedMeanwhile(request, reply);
  });

  app.post<{ Params: { id: string } }>('/api/missed-items/:id/reassign', { preHandler: requireUser }, async (request, reply) => {
    const body = reassignBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.missed.reassignBody'));
    const item = await actionable(request, reply);
    if (item === null) return reply;
    const to = await options.users.userById(body.data.userId);
    if (to === undefined || !to.active) return sendError(reply, 'BAD_REQUEST', t(request).t('server.missed.noSuchUser'));
    const changed = await workflow.reassign(item, to);
    return changed ? { item: view(changed) } : changedMeanwhile(request, reply);
  });

  app.post<{ Params: { id: string } }>('/api/missed-items/:id/close', { preHandler: requireUser }, async (request, reply) => {
    const body = closeBody.safeParse(request.body ?? {});
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.missed.closeBody'));
    const item = await actionable(request, reply);
    if (item === null) return reply;
    const by = await options.users.userById(request.principal!.user!.id);
    if (by === undefined) return sendError(reply, 'AUTH_FORBIDDEN', t(request).t('server.missed.notYours'));
    const note = body.data.note === undefined || body.data.note === '' ? null : body.data.note;
    const changed = await workflow.dismiss(item, by, note);
    return changed ? { item: view(changed) } : changedMeanwhile(request, reply);
  });
}
