/**
 * Calls an agent places: click-to-call started by our Originate (captures 07 and 17: the agent's
 * phone rings first, OriginateResponse, then the dialplan dials the customer), a number dialled
 * from the phone (from-internal → [outbound]), and a call between two extensions.
 */
import type { AmiField } from '../../ami/message.ts';
import {
  answerDial,
  dialApp,
  dialBegin,
  endBridge,
  newLeg,
  recordSubroutine,
  ring,
  ringTime,
  type Call,
} from './dialplan.ts';
import { callerIdAll, cdrCallerId, type Channel } from './pbx-model.ts';

/** The customer leg dialled through the trunk by `agent`, answered after `p.ringMs`, then talk and hang-up. */
function dialCustomer(c: Call, agent: Channel, account: string | null, context: string): void {
  const { s, p } = c;
  const number = p.customer.number;
  const data = `PJSIP/${number}@${p.trunk},30,tT`;
  const dialStartMs = s.now;
  dialApp(c, agent, data);
  // The trunk leg is created in the trunk endpoint's own context, with no caller ID yet.
  const leg = newLeg(c, agent, { endpoint: p.trunk, cidNum: '<unknown>', cidName: '<unknown>', context: 'from-pstn', announce: false });
  leg.cidNum = number;
  leg.cidName = p.customer.name;
  leg.colNum = agent.cidNum;
  leg.colName = agent.cidName;
  s.newexten(leg, 'AppDial', '(Outgoing Line)', { exten: number });
  s.callerId(leg, number, p.customer.name);
  if (account !== null) s.newAccountCode(leg, account);
  s.channelEvent('NewConnectedLine', leg);
  dialBegin(c, agent, leg, `${number}@${p.trunk}`);
  ring(c, agent, leg);
  ringTime(c, agent);
  s.wait(p.ringMs);
  const bridge = answerDial(c, agent, leg, []);
  s.wait(p.talkMs);
  // `caller` is the outside party: the customer (the engine's hangupBy 'caller' on outbound calls).
  const first = p.hangupBy === 'agent' ? agent : leg;
  endBridge(c, bridge, agent, leg, first, dialStartMs, () => {
    c.cdr({
      accountCode: account ?? '',
      source: agent.cidNum,
      destination: agent.exten,
      destinationContext: context,
      callerId: cdrCallerId(agent.cidNum, agent.cidName),
      channel: agent,
      destinationChannel: leg,
      lastApplication: 'Dial',
      lastData: data,
      startMs: agent.createdMs,
      answerMs: agent.answeredMs,
      endMs: s.now,
      disposition: 'ANSWERED',
    });
  });
}

function originateResponse(c: Call, ok: boolean, agent: Channel): AmiField[] {
  const { p } = c;
  return [
    ['ActionID', p.actionId],
    ['Response', ok ? 'Success' : 'Failure'],
    // A failed Originate never got a channel of its own to name: Asterisk prints the dial target.
    ['Channel', ok ? agent.name : `PJSIP/${agent.endpoint}`],
    ['Context', p.originateContext],
    ['Exten', p.customer.number],
    ['Reason', ok ? '4' : '3'],
    ['Uniqueid', ok ? agent.uniqueid : '<unknown>'],
    ['CallerIDNum', p.customer.number],
    ['CallerIDName', p.customer.name],
  ];
}

/**
 * click-to-call: `Originate Channel=PJSIP/<agent> Context=click-to-call Exten=<customer> Async=true`
 * with `CallerID: "<customer name>" <customer>` and `Variable: __CRM_CALL_ID=<id>` (or the
 * variables and context `p.clickToCall` names, as the simulator's own Originate passes them).
 */
export function clickToCall(c: Call): void {
  const { s, p } = c;
  const ext = p.extensions[0]!;
  const agent = newLeg(c, null, { endpoint: ext, cidNum: ext, cidName: c.agentName(ext), context: 'from-internal', announce: false });
  s.newexten(agent, 'AppDial2', '(Outgoing Line)');
  for (const [name, value] of p.originateVariables) c.setVar(agent, name, value);
  if (p.account !== null) s.newAccountCode(agent, p.account);
  s.callerId(agent, p.customer.number, p.customer.name);
  s.connectedLine(agent, p.customer.number, p.customer.name);
  dialBegin(c, null, agent, ext);
  ring(c, null, agent);
  s.wait(p.agentRingMs);
  if (!p.agentAnswers) {
    // The Originate timed out: reason 3, and the agent leg hangs up 19 "no answer" (SIP 480).
    s.event('OriginateResponse', 'call,all', originateResponse(c, false, agent));
    s.celHangup(agent, 19, null, '');
    s.cel(agent, 'LINKEDID_END');
    s.hangup(agent, 19, 480);
    c.cdr({
      accountCode: p.account ?? '',
      source: agent.cidNum,
      destination: 's',
      destinationContext: 'from-internal',
      callerId: cdrCallerId(agent.cidNum, agent.cidName),
      channel: agent,
      destinationChannel: null,
      lastApplication: 'AppDial2',
      lastData: '(Outgoing Line)',
      startMs: agent.createdMs,
      answerMs: null,
      endMs: s.now,
      disposition: 'NO ANSWER',
      userField: '',
    });
    s.device(`PJSIP/${ext}`, 'NOT_INUSE');
    return;
  }
  s.cel(agent, 'ANSWER');
  s.newstate(agent, 6);
  s.event('OriginateResponse', 'call,all', originateResponse(c, true, agent));
  s.dial('DialEnd', null, agent, [['DialStatus', 'ANSWER']]);
  s.device(`PJSIP/${ext}`, 'INUSE');
  // The dialplan prints ${CRM_CALL_ID}: what the Originate set, or nothing.
  const crmId = p.originateVariables.find(([name]) => name.replace(/^_{1,2}/, '') === 'CRM_CALL_ID')?.[1] ?? '';
  s.newexten(agent, 'NoOp', `Click-to-call agent=${agent.cidNum} customer=${p.customer.number} crm_id=${crmId}`, {
    context: p.originateContext,
    exten: p.customer.number,
    priority: 1,
  });
  s.step(agent, 'Set', '__CRM_DIRECTION=outbound');
  c.setVar(agent, '__CRM_DIRECTION', 'outbound');
  recordSubroutine(c, agent);
  const shown = p.outboundCallerId;
  s.step(agent, 'Set', `CALLERID(all)=${callerIdAll(shown.number, shown.name)}`);
  s.callerId(agent, shown.number, shown.name);
  dialCustomer(c, agent, p.account, p.originateContext);
}

/** outbound-from-phone: the agent dials the customer's number; [outbound] sets the caller ID and dials the trunk. */
export function outboundFromPhone(c: Call): void {
  const { s, p } = c;
  const ext = p.extensions[0]!;
  const number = p.customer.number;
  const agent = s.pjsip(ext, { state: 4, cidNum: ext, cidName: c.agentName(ext), context: 'from-internal', exten: number });
  s.newchannel(agent);
  agent.dnid = number;
  s.device(`PJSIP/${ext}`, 'INUSE');
  s.newexten(agent, 'Goto', `outbound,${number},1`, { priority: 1 });
  s.newexten(agent, 'NoOp', `Outbound call to ${number}`, { context: 'outbound', exten: number, priority: 1 });
  s.step(agent, 'Set', `CALLERID(num)=${p.outboundCallerId.number}`);
  s.callerId(agent, p.outboundCallerId.number, agent.cidName);
  recordSubroutine(c, agent);
  dialCustomer(c, agent, null, 'outbound');
}

/** internal: `[calling, called]`; the called phone answers after `p.ringMs`. */
export function internalCall(c: Call): void {
  const { s, p } = c;
  const [from, to] = p.extensions as [string, string];
  const caller = s.pjsip(from, { state: 4, cidNum: from, cidName: c.agentName(from), context: 'from-internal', exten: to });
  s.newchannel(caller);
  caller.dnid = to;
  s.device(`PJSIP/${from}`, 'INUSE');
  s.newexten(caller, 'NoOp', `Internal call to ${to} from ${callerIdAll(caller.cidNum, caller.cidName)}`, { priority: 1 });
  recordSubroutine(c, caller);
  const data = `PJSIP/${to},20,tT`;
  const dialStartMs = s.now;
  dialApp(c, caller, data);
  const leg = newLeg(c, caller, { endpoint: to, cidNum: to, cidName: c.agentName(to), context: 'from-internal', peerNumber: to });
  dialBegin(c, caller, leg, to);
  s.connectedLine(caller, leg.cidNum, leg.cidName);
  ring(c, caller, leg);
  ringTime(c, caller);
  s.wait(p.ringMs);
  const bridge = answerDial(c, caller, leg, []);
  s.wait(p.talkMs);
  const first = p.hangupBy === 'agent' ? leg : caller;
  endBridge(c, bridge, caller, leg, first, dialStartMs, () => {
    c.cdr({
      source: caller.cidNum,
      destination: caller.exten,
      destinationContext: caller.context,
      callerId: cdrCallerId(caller.cidNum, caller.cidName),
      channel: caller,
      destinationChannel: leg,
      lastApplication: 'Dial',
      lastData: data,
      startMs: caller.createdMs,
      answerMs: leg.answeredMs,
      endMs: s.now,
      disposition: 'ANSWERED',
    });
  });
}
