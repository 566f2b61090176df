/**
 * Words for a failure worded away from any request: English in `message` (logs, another instance
 * that forwards the outcome), the key and values for the language of the person it reaches (the
 * route words it: `web/errors.ts` `sendFailure`).
 */
import { DEFAULT_LOCALE } from './locales.ts';
import type { MessageKey } from './messages/index.ts';
import { translator, type MessageValues } from './translator.ts';

export interface Said {
  message: string;
  messageKey: MessageKey;
  messageValues?: MessageValues;
}

export function said(messageKey: MessageKey, messageValues?: MessageValues): Said {
  return { message: translator(DEFAULT_LOCALE).t(messageKey, messageValues), messageKey, ...(messageValues !== undefined ? { messageValues } : {}) };
}
