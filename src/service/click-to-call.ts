/**
 * Click-to-call: rings the user's own phone first (AMI Originate, Async), and when they pick up
 * the dialplan calls the customer. The call is tagged (a channel variable and the AccountCode) so
 * the engine ties it to the person and the CRM record it was started from.
 */
import { randomUUID } from 'node:crypto';
import type { AmiClient } from '../ami/client.ts';
import { AmiMessage } from '../ami/message.ts';
import { normalizePhone, normalizePhoneField } from '../phone/normalize.ts';
import type { CountryCode, NormalizedPhone } from '../phone/types.ts';
import type { MessageKey } from '../i18n/messages/index.ts';
import type { MessageValues } from '../i18n/translator.ts';
import { said } from '../i18n/said.ts';
import type { RecordType } from '../directory/record-types.ts';
import type { ClickToCallOutcome, ClickToCallRequest } from '../web/routes/calls-routes.ts';

export interface ClickToCallConfig {
  /** The channel that rings the agent's phone; `{ext}` is replaced. Default `PJSIP/{ext}`. */
  channelTemplate: string;
  /** Dialplan context the customer's number is dialled in. Default `from-internal`. */
  context: string;
  /** Seconds the agent's phone rings before giving up. Default 30. */
  ringSeconds: number;
  /** How the number is handed to the dialplan: `e164` (+15551234567), `e164-digits` (15551234567) or `national`. Default `e164`. */
  numberFormat: 'e164' | 'e164-digits' | 'national';
  /** Digits put before the number (an outside-line prefix such as 9). Default none. */
  dialPrefix: string;
  defaultRegion: CountryCode;
}

export interface ClickToCallDeps {
  client: AmiClient;
  /** Tells the engine about our action so that its outcome is tied to our tag. */
  noteAction: (action: AmiMessage) => void;
  /** Remembers where the call came from (the CRM record), for the call log. */
  rememberOrigin: (clickToCallId: string, origin: { userId: string; entity?: { type: RecordType; id: string } }) => void;
}

export async function placeCall(config: ClickToCallConfig, deps: ClickToCallDeps, request: ClickToCallRequest): Promise<ClickToCallOutcome> {
  const extension = request.user.primaryExtension;
  if (!extension) {
    return { ok: false, status: 409, code: 'C2C_NO_EXTENSION', ...said('server.c2c.noExtension') };
  }
  const n = normalizePhone(request.number, { defaultRegion: config.defaultRegion });
  let dialled: string;
  if (n.kind === 'number' && n.e164) {
    dialled = config.numberFormat === 'e164' ? n.e164 : config.numberFormat === 'e164-digits' ? n.e164.slice(1) : n.national;
  } else if (n.kind === 'internal') {
    dialled = n.extension;
  } else {
    const why = whyNotCallable(request.number, n, config.defaultRegion);
    return { ok: false, status: 400, code: 'C2C_BAD_NUMBER', ...said(why.key, why.values) };
  }
  dialled = config.dialPrefix + dialled;
  if (deps.client.state !== 'ready') {
    return { ok: false, status: 503, code: 'C2C_PBX_DOWN', ...said('server.c2c.pbxDown') };
  }
  const clickToCallId = `crm-${randomUUID()}`;
  const name = request.entity?.name ? request.entity.name.replace(/[\r\n"<>]/g, ' ').slice(0, 40) : dialled;
  const fields = {
    Channel: config.channelTemplate.replaceAll('{ext}', extension),
    Context: config.context,
    Exten: dialled,
    Priority: 1,
    // What the agent's phone shows while it rings: who they are about to call.
    CallerID: `"${name}" <${dialled}>`,
    Timeout: config.ringSeconds * 1000,
    Async: 'true',
    Account: clickToCallId,
    Variable: [`__CRM_CALL_ID=${clickToCallId}`, `__CRM_C2C_EXTENSION=${extension}`],
  };
  deps.rememberOrigin(clickToCallId, { userId: request.user.id, ...(request.entity ? { entity: { type: request.entity.type, id: request.entity.id } } : {}) });
  try {
    await deps.client.action('Originate', fields, {
      timeoutMs: 10_000,
      onActionId: (actionId) =>
        deps.noteAction(
          new AmiMessage([
            ['Action', 'Originate'],
            ['ActionID', actionId],
            ...Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)] as [string, string]) : [[k, String(v)] as [string, string]])),
          ]),
        ),
    });
  } catch (err) {
    return { ok: false, status: 502, code: 'C2C_ORIGINATE_FAILED', ...said('server.c2c.refused', { detail: (err as Error).message }) };
  }
  return { ok: true, clickToCallId, extension, dialled };
}

/**
 * Why a number cannot be called, as a message of the server's catalogue (the person's language):
 * one per phone/'s InvalidPhoneCode, with the digits or numbers it counted.
 */
function whyNotCallable(number: string, n: NormalizedPhone, region: CountryCode): { key: MessageKey; values: MessageValues } {
  if (n.kind !== 'invalid') return { key: 'server.c2c.noNumber', values: { number } };
  const code = n.code === 'NOT_A_NUMBER' && n.digits.length === 0 ? 'NO_DIGITS' : n.code;
  const count = n.code === 'SEVERAL_NUMBERS' ? normalizePhoneField(number, { defaultRegion: region }).length : number.length;
  return { key: `server.c2c.badNumber.${code}`, values: { number, digits: n.digits.length, count } };
}

