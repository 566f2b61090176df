/**
 * Demo mode only (no AMI_HOST): "simulate an incoming call" rings a chosen extension on the built-in
 * PBX simulator, so a newcomer sees a pop within a minute of cloning.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';

export interface DemoRoutesOptions {
  /** Starts a scripted inbound call from `from` to `extension`; resolves when it began ringing. */
  simulateInbound: (input: { extension: string; from?: string; answer?: 'here' | 'elsewhere' | 'none' }) => Promise<{ callId: string }>;
}

const body = z.object({
  extension: z.string().regex(/^\d{2,6}$/).optional(),
  from: z.string().max(40).optional(),
  answer: z.enum(['here', 'elsewhere', 'none']).default('none'),
});

export async function demoRoutes(app: FastifyInstance, options: DemoRoutesOptions): Promise<void> {
  app.post('/api/demo/call', { preHandler: requireUser }, async (request, reply) => {
    const parsed = body.safeParse(request.body ?? {});
    if (!parsed.success) return sendError(reply, 'BAD_REQUEST', 'Send {"extension": "101"} (optional "from" number and "answer": here|elsewhere|none).');
    const extension = parsed.data.extension ?? request.principal!.user!.primaryExtension;
    if (!extension) return sendError(reply, 'C2C_NO_EXTENSION', 'You have no extension to ring; pick one.');
    const res = await options.simulateInbound({ extension, answer: parsed.data.answer, ...(parsed.data.from ? { from: parsed.data.from } : {}) });
    reply.code(202);
    return { callId: res.callId, extension };
  });
}
