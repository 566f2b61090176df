/**
 * The PBX page's own PBXs (issue 14), for administrators: add, change and remove PBXs beside those
 * of the configuration (AMI_* and the CRM_TELEPHONY_CONFIG file, which the page shows but cannot
 * change). An AMI secret goes in once and never comes back out: it is sealed with
 * CRM_TELEPHONY_SECRET_KEY before it is stored, and a change that leaves it out keeps the one kept.
 * Saved PBXs are followed from the service's next start (every instance's, in a cluster).
 *
 *   GET    /api/admin/pbx/connections       what is configured where, and whether a restart is due
 *   PUT    /api/admin/pbx/connections/:id   { name, ami: { host, port, username, auth, tls }, secret?, settings? }
 *   DELETE /api/admin/pbx/connections/:id
 */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';
import { DEFAULT_PBX_ID, parsePbxEntry, type PbxEntry } from '../../service/pbx-config.ts';
import { encryptSecret, isUsableSecretKey } from '../../service/secret-box.ts';
import type { PbxConnections, SavedPbx } from '../../store/pbx-connections.ts';

export interface PbxConnectionsRoutesOptions {
  connections: PbxConnections;
  /** CRM_TELEPHONY_SECRET_KEY: without it no secret can be sealed, so nothing can be saved. */
  secretKey: string | undefined;
  /** The PBXs the configuration gives (AMI_* and the file): shown, not editable here. */
  configured: readonly { id: string; name: string }[];
  /** The PBXs this instance follows now, and since when it runs (a saved change after it needs a restart). */
  running: () => readonly string[];
  startedAt: number;
}

export async function pbxConnectionsRoutes(app: FastifyInstance, options: PbxConnectionsRoutesOptions): Promise<void> {
  const { connections } = options;
  const canSave = isUsableSecretKey(options.secretKey);
  const configuredIds = new Set(options.configured.map((c) => c.id));

  app.get('/api/admin/pbx/connections', { preHandler: requireAdmin }, async (request) => {
    const saved = await connections.list();
    const running = new Set(options.running());
    const changed = saved.some((s) => !running.has(s.entry.id) || Date.parse(s.updatedAt) > options.startedAt);
    const removed = [...running].some((id) => !configuredIds.has(id) && !saved.some((s) => s.entry.id === id));
    return {
      configured: options.configured,
      saved: saved.map((s) => ({ ...s, running: running.has(s.entry.id) })),
      canSave,
      restartNeeded: changed || removed,
      ...(canSave ? {} : { why: t(request).t('server.pbx.needSecretKey') }),
    };
  });

  app.put<{ Params: { id: string } }>('/api/admin/pbx/connections/:id', { preHandler: requireAdmin }, async (request, reply) => {
    const id = request.params.id;
    if (id === DEFAULT_PBX_ID || configuredIds.has(id)) {
      return sendError(reply, 'CONFLICT', t(request).t('server.pbx.fromConfig', { id }));
    }
    if (!canSave) {
      return sendError(reply, 'CONFLICT', t(request).t('server.pbx.cannotSave'));
    }
    const body = (request.body ?? {}) as { secret?: unknown; ami?: unknown };
    const secret = typeof body.secret === 'string' && body.secret !== '' ? body.secret : null;
    const kept = secret === null ? await connections.sealedSecret(id) : null;
    if (secret === null && kept === null) return sendError(reply, 'BAD_REQUEST', t(request).t('server.pbx.needSecret'));
    if (secret !== null && (secret.length > 200 || /[\r\n]/.test(secret))) return sendError(reply, 'BAD_REQUEST', t(request).t('server.pbx.secretShape'));
    // The same rules as the file's; a placeholder stands for the secret, which is checked above.
    const rest = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'secret'));
    const ami = typeof body.ami === 'object' && body.ami !== null ? { ...(body.ami as Record<string, unknown>), secret: 'kept' } : body.ami;
    const parsed = parsePbxEntry({ ...rest, id, ami });
    if (!parsed.ok) return sendError(reply, 'BAD_REQUEST', t(request).t('server.pbx.invalid', { problems: parsed.problems.join('; ') }));
    if (parsed.entry.ami === undefined) return sendError(reply, 'BAD_REQUEST', t(request).t('server.pbx.needAmi'));
    // Stored without any secret field: the sealed secret has its own column.
    const { host, port, username, auth, tls } = parsed.entry.ami;
    const entry: SavedPbx['entry'] = { ...(parsed.entry as Omit<PbxEntry, 'ami'>), ami: { host, ...(port !== undefined ? { port } : {}), username, auth, tls } };
    const created = await connections.save(entry, secret === null ? kept! : encryptSecret(secret, options.secretKey), request.principal?.user?.login ?? null);
    reply.code(created ? 201 : 200);
    return { saved: entry, restartNeeded: true, message: t(request).t('server.pbx.saved', { name: entry.name ?? id }) };
  });

  app.delete<{ Params: { id: string } }>('/api/admin/pbx/connections/:id', { preHandler: requireAdmin }, async (request, reply) => {
    if (!(await connections.remove(request.params.id))) return sendError(reply, 'NOT_FOUND', t(request).t('server.pbx.notSaved', { id: request.params.id }));
    return { removed: request.params.id, restartNeeded: true, message: t(request).t('server.pbx.removed') };
  });
}
