/** Search and read CRM records; create a Lead or Contact from an unknown caller. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import { recordCard, searchRecords } from '../../directory/search.ts';
import { requireUser } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';
import { formatPhoneForPeople } from '../../phone/format.ts';
import { normalizePhone } from '../../phone/normalize.ts';

const createBody = z.object({
  firstName: z.string().trim().max(100).default(''),
  lastName: z.string().trim().min(1).max(100),
  company: z.string().trim().max(200).optional(),
  phone: z.string().trim().min(1).max(100),
});

export async function recordsRoutes(app: FastifyInstance, options: { directory: Directory }): Promise<void> {
  const { directory } = options;
  const region = directory.defaultRegion;
  /** Each phone as people read it too (national at home, international otherwise), as pops show it. */
  const readable = <C extends { phones: { number: string }[] }>(card: C): C => ({
    ...card,
    phones: card.phones.map((p) => ({ ...p, formatted: formatPhoneForPeople(normalizePhone(p.number, { defaultRegion: region }), region) })),
  });

  app.get('/api/records', { preHandler: requireUser }, async (request) => {
    const q = String((request.query as { q?: string }).q ?? '');
    return { records: (await searchRecords(directory, q)).map(readable) };
  });

  app.get<{ Params: { type: string; id: string } }>('/api/records/:type/:id', { preHandler: requireUser }, async (request, reply) => {
    const type = request.params.type;
    if (type !== 'contact' && type !== 'account' && type !== 'lead') return sendError(reply, 'NOT_FOUND', t(request).t('server.records.types'));
    const card = await recordCard(directory, type, request.params.id);
    if (!card) return sendError(reply, 'NOT_FOUND', t(request).t('server.records.notFound'));
    return { record: readable(card) };
  });

  app.post<{ Params: { type: string } }>('/api/records/:type', { preHandler: requireUser }, async (request, reply) => {
    const type = request.params.type;
    if (type !== 'contact' && type !== 'lead') return sendError(reply, 'BAD_REQUEST', t(request).t('server.records.createTypes'));
    const body = createBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.records.createBody'));
    const owner = request.principal!.user!.id;
    const phones = [{ kind: 'work' as const, number: body.data.phone }];
    const res =
      type === 'lead'
        ? await directory.upsertLead({ firstName: body.data.firstName, lastName: body.data.lastName, accountName: body.data.company ?? null, assignedUserId: owner, phones })
        : await directory.upsertContact({ firstName: body.data.firstName, lastName: body.data.lastName, assignedUserId: owner, phones });
    reply.code(201);
    const created = await recordCard(directory, type, res.id);
    return { record: created && readable(created) };
  });
}
