/**
 * One error shape for every route: `{ error: { code, message } }`, the message saying what to do.
 * The status comes from the code's entry in the one catalogue (`src/errors.ts`), so a code always
 * answers with the same status.
 */
import type { FastifyReply } from 'fastify';
import { errorSpec, type ErrorCode } from '../errors.ts';

export function sendError(reply: FastifyReply, code: ErrorCode, message: string = errorSpec(code).summary): FastifyReply {
  return reply.code(errorSpec(code).status).type('application/json; charset=utf-8').send({ error: { code, message } });
}
