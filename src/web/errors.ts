/**
 * One error shape for every route: `{ error: { code, message } }`, the message saying what to do,
 * in the request's language (`request-locale.ts`). The status comes from the code's entry in the
 * one catalogue (`src/errors.ts`), so a code always answers with the same status; without a
 * message of the route's own, the code's summary (`server.error.<CODE>`) is said.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorSpec, type ErrorCode } from '../errors.ts';
import type { MessageKey } from '../i18n/messages/index.ts';
import type { MessageValues } from '../i18n/translator.ts';
import { t } from './request-locale.ts';

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  const text = message ?? t(reply.request).t(`server.error.${code}`);
  return reply.code(errorSpec(code).status).type('application/json; charset=utf-8').send({ error: { code, message: text } });
}

/**
 * A failure worded away from the request (click-to-call, the widget's sign-in, a recording's file):
 * its `message` is English, for logs and for callers that know no language; `messageKey` (with
 * `messageValues`), when given, says the same in the person's language.
 */
export interface WordedFailure {
  code: ErrorCode;
  message: string;
  messageKey?: MessageKey;
  messageValues?: MessageValues;
}

/** The failure's words for this request: its message key in the person's language, else its message as it is. */
export function failureText(request: FastifyRequest, failure: Omit<WordedFailure, 'code'>): string {
  return failure.messageKey === undefined ? failure.message : t(request).t(failure.messageKey, failure.messageValues);
}

/** Answers with a failure from outside the web layer, in the person's language when it has a key. */
export function sendFailure(reply: FastifyReply, failure: WordedFailure): FastifyReply {
  return sendError(reply, failure.code, failureText(reply.request, failure));
}
