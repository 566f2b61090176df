/**
 * Scenario parameters with their defaults filled in, checked once, so that the builders never
 * meet a missing or impossible value.
 */
import { CrmTelephonyError, ErrorCodes } from '../../errors.ts';
import { SCENARIO_KINDS, type HangupSide, type ScenarioKind, type ScenarioParams } from './types.ts';
import { UNKNOWN } from './pbx-model.ts';

export interface ResolvedParty {
  number: string;
  /** `<unknown>` when there is none, as Asterisk shows it. */
  name: string;
}

export interface Resolved {
  kind: ScenarioKind;
  startEpochMs: number;
  caller: ResolvedParty;
  customer: ResolvedParty;
  did: string;
  extensions: string[];
  answeredBy: string;
  agentNames: Readonly<Record<string, string>>;
  ringMs: number;
  talkMs: number;
  hangupBy: HangupSide;
  recording: boolean;
  timestampEvents: boolean;
  cel: boolean;
  deviceStates: boolean;
  utcOffsetMinutes: number;
  trunk: string;
  queue: string;
  agi: 'SUCCESS' | 'FAILURE' | null;
  transferTo: string;
  transferRingMs: number;
  talkAfterMs: number;
  consultMs: number;
  actionId: string;
  callId: string;
  account: string | null;
  agentRingMs: number;
  agentAnswers: boolean;
  /** click-to-call: the Originate's variables, in order. */
  originateVariables: readonly (readonly [string, string])[];
  /** click-to-call: the Originate's context. */
  originateContext: string;
  outboundCallerId: ResolvedParty;
}

export const DEFAULT_AGENT_NAMES: Readonly<Record<string, string>> = {
  '101': 'Alice Agent',
  '102': 'Bob Agent',
  '103': 'Carol Agent',
  '104': 'Dave Agent',
};

const DEFAULT_DID: Partial<Record<ScenarioKind, string>> = {
  'ringgroup-answered': '5550200',
  'ringgroup-noanswer': '5550200',
  'queue-answered': '5550300',
  'queue-abandoned': '5550300',
};

const DEFAULT_RING_MS: Partial<Record<ScenarioKind, number>> = {
  'inbound-noanswer': 15_000,
  'ringgroup-noanswer': 20_000,
  'queue-abandoned': 6_000,
  'inbound-busy': 0,
  'inbound-unavailable': 0,
};

/** Longest duration a generated call may have: a script is a bounded list, never an endless call. */
const MAX_MS = 24 * 3600_000;

/** The name of a party as Asterisk shows it, refusing line breaks (they would forge AMI lines). */
function party(value: { number: string; name?: string | null } | undefined, fallback: { number: string; name: string | null }, what: string): ResolvedParty {
  const number = value?.number ?? fallback.number;
  const name = value === undefined ? fallback.name : (value.name ?? null);
  text(number, `${what}.number`, false);
  if (name !== null) text(name, `${what}.name`, true);
  return { number, name: name === null || name === '' ? UNKNOWN : name };
}

function text(value: string, what: string, allowEmpty: boolean): void {
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '') || /[\r\n]/.test(value)) {
    throw invalid(`Scenario parameter ${what} must be ${allowEmpty ? 'a' : 'a non-empty'} string without line breaks, got ${JSON.stringify(value)}.`, what);
  }
}

function duration(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > MAX_MS) {
    throw invalid(`Scenario parameter ${what} must be between 0 and ${MAX_MS} ms, got ${String(value)}.`, what);
  }
  return Math.round(v);
}

function invalid(message: string, what: string): CrmTelephonyError {
  return new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message, { parameter: what });
}

/** Fills the defaults of `params` for `kind` and checks every value; throws CONFIG_ERR_INVALID. */
export function resolveParams(kind: ScenarioKind, params: ScenarioParams, token: () => string): Resolved {
  if (!(SCENARIO_KINDS as readonly string[]).includes(kind)) {
    throw invalid(`Unknown scenario kind ${JSON.stringify(kind)}; use one of ${SCENARIO_KINDS.join(', ')}.`, 'kind');
  }
  if (!Number.isFinite(params.startEpochMs) || params.startEpochMs <= 0) {
    throw invalid(`Scenario parameter startEpochMs must be an epoch time in ms, got ${String(params.startEpochMs)}.`, 'startEpochMs');
  }
  const groupKind = kind.startsWith('ringgroup') || kind.startsWith('queue');
  const extensions = [...(params.extensions ?? (groupKind ? ['101', '102'] : kind === 'internal' ? ['101', '102'] : ['101']))];
  if (extensions.length === 0) throw invalid('Scenario parameter extensions must name at least one extension.', 'extensions');
  for (const ext of extensions) {
    text(ext, 'extensions[]', false);
    if (!/^[0-9A-Za-z_.+-]+$/.test(ext)) throw invalid(`Extension ${JSON.stringify(ext)} is not a PJSIP endpoint name.`, 'extensions[]');
  }
  if (new Set(extensions).size !== extensions.length) throw invalid('Scenario parameter extensions must not repeat an extension.', 'extensions');
  if (kind === 'internal' && extensions.length !== 2) throw invalid('An internal call needs extensions [calling, called].', 'extensions');
  const answeredBy = params.answeredBy ?? extensions[0]!;
  if (!extensions.includes(answeredBy)) throw invalid(`answeredBy ${answeredBy} is not one of extensions ${extensions.join(', ')}.`, 'answeredBy');
  const transferTo = params.transferTo ?? '102';
  text(transferTo, 'transferTo', false);
  if ((kind.endsWith('transfer') || kind === 'redirect') && transferTo === extensions[0]) {
    throw invalid('transferTo must differ from the agent who answers.', 'transferTo');
  }
  if (params.hangupBy !== undefined && params.hangupBy !== 'caller' && params.hangupBy !== 'agent') {
    throw invalid(`hangupBy must be 'caller' or 'agent', got ${JSON.stringify(params.hangupBy)}.`, 'hangupBy');
  }
  const did = params.did ?? DEFAULT_DID[kind] ?? '5550100';
  text(did, 'did', false);
  const trunk = params.trunk ?? 'carrier';
  text(trunk, 'trunk', false);
  const queue = params.queue ?? 'support';
  text(queue, 'queue', false);
  const c2c = params.clickToCall ?? {};
  // Only a click-to-call draws a token: other kinds leave the allocator's generator where it was.
  const actionId = c2c.actionId ?? (kind === 'click-to-call' ? `c2c-${token()}` : 'c2c-none');
  const callId = c2c.callId ?? `crm-${actionId}`;
  const account = c2c.account === undefined ? callId : c2c.account;
  text(actionId, 'clickToCall.actionId', false);
  text(callId, 'clickToCall.callId', false);
  if (account !== null) text(account, 'clickToCall.account', false);
  const originateVariables = (c2c.variables ?? [['__CRM_CALL_ID', callId]]).map(([name, value]) => {
    text(name, 'clickToCall.variables[].name', false);
    if (!/^[A-Za-z0-9_()]+$/.test(name)) throw invalid(`Variable name ${JSON.stringify(name)} is not one Asterisk would set.`, 'clickToCall.variables[].name');
    text(value, 'clickToCall.variables[].value', true);
    return [name, value] as const;
  });
  const originateContext = c2c.context ?? 'click-to-call';
  text(originateContext, 'clickToCall.context', false);
  const offset = params.utcOffsetMinutes ?? 0;
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60) throw invalid('utcOffsetMinutes must be a whole number of minutes within ±14 h.', 'utcOffsetMinutes');
  const customer = party(params.customer, { number: '15559876543', name: null }, 'customer');
  const names = { ...DEFAULT_AGENT_NAMES, ...params.agentNames };
  for (const [ext, name] of Object.entries(names)) text(name, `agentNames.${ext}`, true);
  return {
    kind,
    startEpochMs: params.startEpochMs,
    caller: party(params.caller, { number: '+15551230001', name: 'John Customer' }, 'caller'),
    customer:
      kind === 'click-to-call' && params.customer?.name === undefined
        ? { number: customer.number, name: `Customer ${customer.number}` }
        : customer,
    did,
    extensions,
    answeredBy,
    agentNames: names,
    ringMs: duration(params.ringMs, DEFAULT_RING_MS[kind] ?? 2000, 'ringMs'),
    talkMs: duration(params.talkMs, 3000, 'talkMs'),
    hangupBy: params.hangupBy ?? 'caller',
    recording: params.recording ?? true,
    timestampEvents: params.timestampEvents ?? false,
    cel: params.cel ?? true,
    deviceStates: params.deviceStates ?? true,
    utcOffsetMinutes: offset,
    trunk,
    queue,
    agi: params.agi ?? null,
    transferTo,
    transferRingMs: duration(params.transferRingMs, 2000, 'transferRingMs'),
    talkAfterMs: duration(params.talkAfterMs, 10_000, 'talkAfterMs'),
    consultMs: duration(params.consultMs, 7000, 'consultMs'),
    actionId,
    callId,
    account,
    agentRingMs: duration(c2c.agentRingMs, 2000, 'clickToCall.agentRingMs'),
    agentAnswers: c2c.agentAnswers ?? true,
    originateVariables,
    originateContext,
    outboundCallerId: party(params.outboundCallerId, { number: '5550100', name: 'ACME Sales' }, 'outboundCallerId'),
  };
}
