/**
 * What the simulated PBX answers to actions that need no channel knowledge, shaped field for field
 * like Asterisk 20's main/manager.c (and the captures in test/fixtures/ami-transcripts/). Pure:
 * each function takes the action (and the clock) and returns the lines to send.
 */
import type { AmiField, AmiMessage } from '../ami/message.ts';

/** The Asterisk release the fixtures were captured from; `core show version` reports it. */
export const ASTERISK_VERSION = '20.20.1';

/**
 * `Response: <kind>`, then `ActionID` when the action had a non-empty one, then the rest: the order
 * astman_send_response_full writes, which clients that read positionally depend on.
 */
export function response(action: AmiMessage, kind: string, fields: readonly AmiField[] = []): AmiField[] {
  const out: AmiField[] = [['Response', kind]];
  const id = action.actionId;
  if (id !== undefined && id !== '') out.push(['ActionID', id]);
  out.push(...fields);
  return out;
}

export function ack(action: AmiMessage, message: string): AmiField[] {
  return response(action, 'Success', [['Message', message]]);
}

export function error(action: AmiMessage, message: string): AmiField[] {
  return response(action, 'Error', [['Message', message]]);
}

/** `ActionID` as a line inside list events, or nothing when the action had none. */
export function actionIdLine(action: AmiMessage): AmiField[] {
  const id = action.actionId;
  return id === undefined || id === '' ? [] : [['ActionID', id]];
}

/** Epoch seconds with microseconds, as Ping's reply and `timestampevents=yes` print them. */
export function epochSeconds(nowMs: number): string {
  return (nowMs / 1000).toFixed(6);
}

export function pingReply(action: AmiMessage, nowMs: number): AmiField[] {
  return response(action, 'Success', [
    ['Ping', 'Pong'],
    ['Timestamp', epochSeconds(nowMs)],
  ]);
}

/** Sent right after a successful Login, in the same write, when the session wants `system` events. */
export function fullyBootedEvent(uptimeSeconds: number): AmiField[] {
  return [
    ['Event', 'FullyBooted'],
    ['Privilege', 'system,all'],
    ['Uptime', String(uptimeSeconds)],
    ['LastReload', String(uptimeSeconds)],
    ['Status', 'Fully Booted'],
  ];
}

/** ast_true: the words Asterisk reads as yes (`Async: true`, `Events: on`). */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(on|yes|true|y|t|1)$/i.test(value.trim());
}

/**
 * Command. Asterisk 20 answers `Success` when the CLI command ran and `Error` when it failed (an
 * unknown command is a failure), both with `Message: Command output follows` and the output as
 * `Output:` lines.
 */
export function commandReply(action: AmiMessage): AmiField[] {
  const command = (action.get('Command') ?? '').trim().replace(/\s+/g, ' ');
  if (command === '') return error(action, 'No command provided');
  const known = command.toLowerCase() === 'core show version';
  const output = known
    ? `Asterisk ${ASTERISK_VERSION} built by simulator`
    : `No such command '${command}' (type 'core show help ${command}' for help)`;
  return response(action, known ? 'Success' : 'Error', [
    ['Message', 'Command output follows'],
    ['Output', output],
  ]);
}

export interface OriginatePlan {
  reply: AmiField[];
  /** For `Async: true`: the OriginateResponse event to broadcast once the "call" is answered. */
  event?: AmiField[];
}

/**
 * Originate, with the checks Asterisk makes before queueing the call. `seq` numbers the simulated
 * channel (`PJSIP/101-0000000d`, Uniqueid `<boot>.<seq>`), as Asterisk numbers its channels.
 */
export function planOriginate(action: AmiMessage, seq: number, bootEpoch: number): OriginatePlan {
  const channel = action.get('Channel') ?? '';
  if (channel === '') return { reply: error(action, 'Channel not specified') };
  if (!channel.includes('/')) return { reply: error(action, 'Invalid channel') };
  const timeout = action.get('Timeout');
  if (timeout !== undefined && timeout !== '' && !/^\s*-?\d+/.test(timeout)) {
    return { reply: error(action, 'Invalid timeout') };
  }
  const application = action.get('Application') ?? '';
  const async = isTrue(action.get('Async'));
  if (!async && application === '' && !/^\s*\d+/.test(action.get('Priority') ?? '')) {
    return { reply: error(action, "Originate with 'Exten' requires 'Context' and 'Priority'") };
  }
  const reply = ack(action, 'Originate successfully queued');
  if (!async) return { reply };
  const { name, num } = parseCallerId(action.get('CallerID') ?? '');
  const target: AmiField[] =
    application === ''
      ? [
          ['Context', action.get('Context') ?? ''],
          ['Exten', action.get('Exten') ?? ''],
        ]
      : [
          ['Application', application],
          ['Data', action.get('Data') ?? ''],
        ];
  const event: AmiField[] = [
    ['Event', 'OriginateResponse'],
    ['Privilege', 'call,all'],
    ...actionIdLine(action),
    ['Response', 'Success'],
    ['Channel', `${channel}-${seq.toString(16).padStart(8, '0')}`],
    ...target,
    ['Reason', '4'],
    ['Uniqueid', action.get('ChannelId') || `${bootEpoch}.${seq}`],
    ['CallerIDNum', num || '<unknown>'],
    ['CallerIDName', name || '<unknown>'],
  ];
  return { reply, event };
}

/**
 * Splits `"Name" <number>` the way ast_callerid_parse does: a bare value is a number when it looks
 * like one, a name otherwise; the number loses its punctuation (ast_shrink_phone_number).
 */
export function parseCallerId(text: string): { name: string; num: string } {
  const trimmed = text.trim();
  const angle = /^(.*?)\s*<([^>]*)>\s*$/.exec(trimmed);
  let name: string;
  let num: string;
  if (angle) {
    name = angle[1]!.trim().replace(/^"(.*)"$/, '$1');
    num = angle[2]!;
  } else if (/^[+\d\s().*#-]+$/.test(trimmed)) {
    name = '';
    num = trimmed;
  } else {
    name = trimmed.replace(/^"(.*)"$/, '$1');
    num = '';
  }
  return { name, num: num.replace(/[\s().-]/g, '') };
}
