/**
 * Answers that read the channel table: CoreShowChannels, Status, Getvar and the VarSet event a
 * Setvar on a channel causes. Field order follows Asterisk 20 (main/manager.c) and the captures
 * 12, 13 and a2 in test/fixtures/ami-transcripts/.
 */
import { escapeC, unescapeC } from '../ami/escaping.ts';
import type { AmiField, AmiMessage } from '../ami/message.ts';
import { snapshotFields, stripInheritance, type ChannelRecord, type ChannelTable } from './channel-table.ts';
import { actionIdLine, error, isTrue, response } from './replies.ts';

/** `EventList: start` comes before `Message` in list acknowledgements (astman_send_listack). */
function listAck(action: AmiMessage, message: string): AmiField[] {
  return response(action, 'Success', [
    ['EventList', 'start'],
    ['Message', message],
  ]);
}

function elapsedSeconds(chan: ChannelRecord, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - chan.createdAt) / 1000));
}

function hms(total: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

export function coreShowChannelsReply(action: AmiMessage, table: ChannelTable, nowMs: number): AmiField[][] {
  const channels = table.list();
  const items = channels.map((chan): AmiField[] => [
    ['Event', 'CoreShowChannel'],
    ...actionIdLine(action),
    ...snapshotFields(chan),
    ['Application', chan.application],
    ['ApplicationData', chan.applicationData],
    ['Duration', hms(elapsedSeconds(chan, nowMs))],
    ['BridgeId', chan.bridgeId],
  ]);
  return [
    listAck(action, 'Channels will follow'),
    ...items,
    [
      ['Event', 'CoreShowChannelsComplete'],
      ...actionIdLine(action),
      ['EventList', 'Complete'],
      ['ListItems', String(items.length)],
    ],
  ];
}

/**
 * Status, for every channel or for `Channel:`. `Variables: A,B` adds `Variable: A=value` lines.
 * A variable the channel does not have prints as `A=(null)`: Asterisk formats the missing value
 * with printf, and capture 13 shows `Variable: DIALSTATUS=(null)`; clients must cope with it.
 * Asterisk also repeats `ActionID` as the last line of each Status event.
 */
export function statusReply(
  action: AmiMessage,
  table: ChannelTable,
  globals: ReadonlyMap<string, string>,
  nowMs: number,
): AmiField[][] {
  const wanted = action.get('Channel') ?? '';
  let channels: ChannelRecord[];
  if (wanted === '') {
    channels = table.list();
  } else {
    const chan = table.find(wanted);
    if (!chan) return [error(action, 'No such channel')];
    channels = [chan];
  }
  const names = (action.get('Variables') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const all = isTrue(action.get('AllVariables'));
  const items = channels.map((chan): AmiField[] => {
    const variables: AmiField[] = names.map((n) => ['Variable', `${n}=${readVariable(chan, n, globals) ?? '(null)'}`]);
    if (all) for (const [k, v] of chan.variables) variables.push(['Variable', `${k}=${v}`]);
    const s = chan.snapshot;
    return [
      ['Event', 'Status'],
      ['Privilege', 'Call'],
      ...snapshotFields(chan),
      ['Type', s.Channel.split('/')[0] ?? ''],
      ['DNID', chan.dnid],
      ['EffectiveConnectedLineNum', s.ConnectedLineNum || '<unknown>'],
      // Asterisk prints this one from the channel, not the snapshot: not escaped.
      ['EffectiveConnectedLineName', unescapeC(s.ConnectedLineName) || '<unknown>'],
      ['TimeToHangup', '0'],
      ['BridgeID', chan.bridgeId],
      ['Application', chan.application],
      ['Data', chan.applicationData],
      ['Nativeformats', '(ulaw)'],
      ['Readformat', 'ulaw'],
      ['Readtrans', ''],
      ['Writeformat', 'ulaw'],
      ['Writetrans', ''],
      ['Callgroup', '0'],
      ['Pickupgroup', '0'],
      ['Seconds', String(elapsedSeconds(chan, nowMs))],
      ...variables,
      ...actionIdLine(action),
    ];
  });
  return [
    listAck(action, 'Channel status will follow'),
    ...items,
    [
      ['Event', 'StatusComplete'],
      ...actionIdLine(action),
      ['EventList', 'Complete'],
      ['ListItems', String(items.length)],
      ['Items', String(items.length)],
    ],
  ];
}

/**
 * A variable as pbx_retrieve_variable finds it: a few built-ins, then the channel's own variables,
 * then globals; undefined when nowhere. `NAME(...)` is a dialplan function: only `GLOBAL(x)` is
 * simulated, others read as empty (a function read never yields "missing").
 */
export function readVariable(
  chan: ChannelRecord | undefined,
  name: string,
  globals: ReadonlyMap<string, string>,
): string | undefined {
  if (name.endsWith(')')) {
    const global = /^GLOBAL\((.*)\)$/i.exec(name);
    return global ? (globals.get(global[1]!) ?? '') : '';
  }
  if (chan) {
    const builtins: Record<string, string> = {
      CHANNEL: chan.snapshot.Channel,
      UNIQUEID: chan.snapshot.Uniqueid,
      CONTEXT: chan.snapshot.Context,
      EXTEN: chan.snapshot.Exten,
      PRIORITY: chan.snapshot.Priority,
    };
    const builtin = builtins[name];
    if (builtin !== undefined) return builtin;
    const own = chan.variables.get(stripInheritance(name));
    if (own !== undefined) return own;
  }
  return globals.get(name);
}

export function getvarReply(action: AmiMessage, table: ChannelTable, globals: ReadonlyMap<string, string>): AmiField[] {
  const variable = action.get('Variable') ?? '';
  if (variable === '') return error(action, 'No variable specified');
  const name = action.get('Channel') ?? '';
  const chan = name === '' ? undefined : table.find(name);
  if (name !== '' && !chan) return error(action, 'No such channel');
  return response(action, 'Success', [
    ['Variable', variable],
    ['Value', readVariable(chan, variable, globals) ?? ''],
  ]);
}

/** The VarSet event Asterisk publishes when a channel variable is set (also by Setvar); the value C-escaped. */
export function varSetEvent(chan: ChannelRecord, variable: string, value: string): AmiField[] {
  return [
    ['Event', 'VarSet'],
    ['Privilege', 'dialplan,all'],
    ...snapshotFields(chan),
    ['Variable', variable],
    ['Value', escapeC(value)],
  ];
}
