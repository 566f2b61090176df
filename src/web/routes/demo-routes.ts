/**
 * Demo mode only (no AMI_HOST): "simulate an incoming call" rings a chosen extension on the built-in
 * PBX simulator, so a newcomer sees a pop within a minute of cloning.
 *
 * `POST /api/demo/call` `{ extension?, from?, answer? }`: `extension` one a user of the directory
 * has (default: the caller's own), `from` a phone number (sent on as E.164; default: one of the demo
 * callers), `answer` here, elsewhere or none (default none). Refusals say what to do, in the
 * person's language. `GET /api/demo/extensions`: the extensions that may be rung, for a picker.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';
import { normalizePhone } from '../../phone/normalize.ts';
import type { CountryCode } from '../../phone/types.ts';

/** A user's extension, as the demo's picker lists it. */
export interface DemoExtension {
  extension: string;
  /** The user it rings. */
  name: string;
}

export interface DemoRoutesOptions {
  /** Starts a scripted inbound call from `from` (E.164) to `extension`; resolves when it began ringing. */
  simulateInbound: (input: { extension: string; from?: string; answer?: 'here' | 'elsewhere' | 'none' }) => Promise<{ callId: string }>;
  /**
   * The extensions of the directory's active users: only these are rung. Absent (a test rig that
   * rings a fixed capture, with no directory behind it): any extension of 2 to 6 digits.
   */
  extensions?: () => Promise<DemoExtension[]>;
  /** Region for numbers typed without a country code (DEFAULT_REGION). Default US, as DEFAULT_REGION's. */
  defaultRegion?: CountryCode;
}

const body = z.object({
  extension: z.string().trim().min(1).max(40).optional(),
  from: z.string().max(60).optional(),
  answer: z.enum(['here', 'elsewhere', 'none']).default('none'),
});

export async function demoRoutes(app: FastifyInstance, options: DemoRoutesOptions): Promise<void> {
  const extensions = options.extensions;
  app.get('/api/demo/extensions', { preHandler: requireUser }, async () => ({ extensions: extensions ? await extensions() : [] }));

  app.post('/api/demo/call', { preHandler: requireUser }, async (request, reply) => {
    const tr = t(request);
    const parsed = body.safeParse(request.body ?? {});
    if (!parsed.success) return sendError(reply, 'BAD_REQUEST', tr.t('demo.call.badRequest'));
    const known = extensions ? await extensions() : null;
    if (known?.length === 0) return sendError(reply, 'BAD_REQUEST', tr.t('demo.call.noExtensions'));
    const extension = parsed.data.extension ?? request.principal!.user!.primaryExtension;
    if (!extension) return sendError(reply, 'C2C_NO_EXTENSION', tr.t('demo.call.noExtension', { extensions: list(known ?? []) }));
    if (known ? !known.some((k) => k.extension === extension) : !/^\d{2,6}$/.test(extension)) {
      return sendError(reply, 'BAD_REQUEST', tr.t('demo.call.unknownExtension', { extension, extensions: list(known ?? []) }));
    }
    let from: string | undefined;
    const typed = parsed.data.from?.trim() ?? '';
    if (typed !== '') {
      const n = normalizePhone(typed, { defaultRegion: options.defaultRegion ?? 'US' });
      if (n.kind !== 'number' || n.e164 === null) {
        return sendError(reply, 'BAD_REQUEST', tr.t(n.kind === 'internal' ? 'demo.call.fromIsExtension' : 'demo.call.badNumber', { from: typed }));
      }
      from = n.e164;
    }
    const res = await options.simulateInbound({ extension, answer: parsed.data.answer, ...(from ? { from } : {}) });
    reply.code(202);
    return { callId: res.callId, extension, ...(from ? { from } : {}) };
  });
}

function list(known: readonly DemoExtension[]): string {
  return known.map((k) => k.extension).join(', ');
}
