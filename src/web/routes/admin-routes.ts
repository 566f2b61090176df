/** Administrators: users and their extensions; the PBX connections' state. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import { requireAdmin } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';
import { isCrmTelephonyError } from '../../errors.ts';
import type { PbxHealth } from './health-routes.ts';
import { publicUser } from './session-routes.ts';

const userBody = z.object({
  login: z.string().trim().regex(/^[A-Za-z0-9._@-]{1,64}$/),
  name: z.string().trim().min(1).max(200),
  role: z.enum(['admin', 'agent']).default('agent'),
  password: z.string().min(8).max(200).optional(),
  extensions: z.array(z.string().trim().min(1).max(48)).max(20).default([]),
  active: z.boolean().default(true),
});

export async function adminRoutes(app: FastifyInstance, options: { directory: Directory; pbxs: () => PbxHealth[] }): Promise<void> {
  app.get('/api/admin/users', { preHandler: requireAdmin }, async () => ({
    users: (await options.directory.listUsers()).map((u) => ({ ...publicUser(u), active: u.active })),
  }));

  app.post('/api/admin/users', { preHandler: requireAdmin }, async (request, reply) => {
    const body = userBody.safeParse(request.body);
    if (!body.success) {
      return sendError(reply, 'BAD_REQUEST', t(request).t('server.admin.userBody'));
    }
    try {
      const res = await options.directory.upsertUser(body.data);
      reply.code(res.created ? 201 : 200);
      const user = await options.directory.userById(res.id);
      return { user: { ...publicUser(user!), active: user!.active } };
    } catch (err) {
      if (isCrmTelephonyError(err)) return sendError(reply, err.code, err.message);
      throw err;
    }
  });

  app.get('/api/admin/pbx', { preHandler: requireAdmin }, async () => ({ pbxs: options.pbxs() }));
}
