/**
 * Transfers of an answered inbound call from the agent who answered to `p.transferTo`:
 *
 * - blind-transfer (capture 08): `BlindTransfer` action on the agent's channel; a BlindTransfer
 *   event, the agent's leg hangs up, the caller runs from-internal,<target> and Dial()s it.
 * - redirect (capture 16): `Redirect` action on the caller's channel; no event of its own, the
 *   caller just starts running dialplan while still bridged, then leaves the bridge.
 * - attended-transfer (capture 09): `Atxfer`; the caller hears music on hold while a Local
 *   channel pair calls the target and the agents talk; the agent hangs up, AttendedTransfer, and
 *   the Local pair optimizes itself away (the caller is swapped into the target's bridge).
 */
import type { AmiField } from '../../ami/message.ts';
import { answerDial, dialApp, dialBegin, endBridge, newLeg, ring, type Call } from './dialplan.ts';
import { connectInbound, legCdr, loserCdrs, type Connected } from './inbound.ts';
import { cdrCallerId, type Channel } from './pbx-model.ts';

/** The second half of a blind transfer or redirect: the caller Dial()s the target from from-internal. */
function dialTarget(c: Call, call: Connected, transferMs: number): void {
  const { s, p } = c;
  const { caller, agent } = call;
  const target = p.transferTo;
  const data = `PJSIP/${target},20,tT`;
  const dialStartMs = s.now;
  dialApp(c, caller, data, { context: 'from-internal', exten: target, priority: 2 });
  s.celHangup(agent, 16, null, '');
  s.hangup(agent, 16);
  s.device(`PJSIP/${agent.endpoint}`, 'NOT_INUSE');
  const leg = newLeg(c, caller, { endpoint: target, cidNum: target, cidName: c.agentName(target), context: 'from-internal', peerNumber: target });
  dialBegin(c, caller, leg, target);
  s.connectedLine(caller, leg.cidNum, leg.cidName);
  ring(c, caller, leg);
  s.wait(p.transferRingMs);
  const bridge = answerDial(c, caller, leg, []);
  if (p.kind === 'blind-transfer') s.varSet(caller, 'BLINDTRANSFER', '');
  s.wait(p.talkAfterMs);
  const first = p.hangupBy === 'agent' ? leg : caller;
  endBridge(c, bridge, caller, leg, first, dialStartMs, () => {
    loserCdrs(c, call);
    legCdr(c, caller, agent, { data: call.dialData, startMs: caller.createdMs, answerMs: agent.answeredMs, endMs: transferMs, disposition: 'ANSWERED' });
    legCdr(c, caller, leg, { data, startMs: transferMs, answerMs: transferMs, endMs: s.now, disposition: 'ANSWERED' });
  });
}

/** The caller is sent to from-internal,<target>,1 while bridged (an async goto: Newexten with the old application). */
function asyncGoto(c: Call, caller: Channel): void {
  c.s.newexten(caller, caller.app, caller.appData, { context: 'from-internal', exten: c.p.transferTo, priority: 1 });
}

export function blindTransfer(c: Call): void {
  const { s, p } = c;
  const call = connectInbound(c, p.extensions);
  const { caller, agent, bridge } = call;
  s.wait(p.talkMs);
  s.channelEvent('Unhold', agent);
  s.varSet(caller, 'BLINDTRANSFER', agent.name);
  s.varSet(agent, 'BLINDTRANSFER', caller.name);
  s.event('BlindTransfer', 'call,all', [
    ['Result', 'Success'],
    ...s.snapshot(agent, 'Transferer'),
    ...s.snapshot(caller, 'Transferee'),
    ...s.bridgeFields(bridge),
    ['IsExternal', 'Yes'],
    ['Context', 'from-internal'],
    ['Extension', p.transferTo],
  ]);
  s.cel(agent, 'BLINDTRANSFER', {
    extra: `{"extension":"${p.transferTo}","context":"from-internal","bridge_id":"${bridge.id}","transferee_channel_name":"${caller.name}","transferee_channel_uniqueid":"${caller.uniqueid}"}`,
  });
  s.bridgeLeave(bridge, agent);
  asyncGoto(c, caller);
  s.bridgeLeave(bridge, caller);
  s.cel(caller, 'APP_END');
  s.bridgeDestroy(bridge);
  const transferMs = s.now;
  s.varSet(caller, 'DIALSTATUS', 'ANSWER');
  dialTarget(c, call, transferMs);
}

export function redirect(c: Call): void {
  const { s, p } = c;
  const call = connectInbound(c, p.extensions);
  const { caller, agent, bridge } = call;
  s.wait(p.talkMs);
  asyncGoto(c, caller);
  s.bridgeLeave(bridge, caller);
  s.varSet(caller, 'DIALSTATUS', 'ANSWER');
  s.cel(caller, 'APP_END');
  s.bridgeLeave(bridge, agent);
  s.bridgeDestroy(bridge);
  dialTarget(c, call, s.now);
}

export function attendedTransfer(c: Call): void {
  const { s, p } = c;
  const call = connectInbound(c, p.extensions);
  const { caller, agent, bridge: original } = call;
  const target = p.transferTo;
  s.wait(p.talkMs);
  // Atxfer: the agent is put on hold, the caller hears music, a Local pair calls the target.
  const consultStartMs = s.now;
  s.varSet(agent, 'TRANSFER_CONTEXT', 'agents');
  s.channelEvent('Hold', agent);
  s.cel(caller, 'STREAM_BEGIN', { extra: '{"class":"default"}' });
  s.channelEvent('MusicOnHoldStart', caller, [['Class', 'default']]);
  const [one, two] = s.localPair(target, 'agents', caller.linkedid);
  s.newchannel(one);
  s.newchannel(two);
  s.varSet(one, 'TRANSFERERNAME', agent.name);
  s.varSet(one, 'ATTENDEDTRANSFER', agent.name);
  for (const [name, value] of [...c.inherited].reverse()) s.varSet(one, name, value);
  const consult = s.bridgeCreate();
  s.varSet(two, 'ATTENDEDTRANSFER', agent.name);
  s.varSet(two, 'TRANSFERERNAME', agent.name);
  for (const [name, value] of [...c.inherited].reverse()) s.varSet(two, name, value);
  s.callerId(two, agent.cidNum, agent.cidName);
  s.event('LocalBridge', 'call,all', [
    ...s.snapshot(one, 'LocalOne'),
    ...s.snapshot(two, 'LocalTwo'),
    ['Context', 'agents'],
    ['Exten', target],
    ['LocalOptimization', 'Yes'],
  ]);
  s.connectedLine(one, agent.cidNum, agent.cidName);
  s.bridgeEnter(consult, one);
  s.varSet(one, 'ATTENDEDTRANSFER', '');
  s.newexten(two, 'NoOp', `Transfer target ${target}`, { priority: 1 });
  const data = `PJSIP/${target},20,tT`;
  dialApp(c, two, data);
  s.bridgeLeave(original, agent);
  s.bridgeEnter(consult, agent);
  const leg = newLeg(c, two, { endpoint: target, cidNum: target, cidName: c.agentName(target), context: 'from-internal', peerNumber: target });
  dialBegin(c, two, leg, target);
  s.connectedLine(two, leg.cidNum, leg.cidName);
  s.connectedLine(agent, leg.cidNum, leg.cidName);
  s.newstate(leg, 5);
  s.newstate(one, 5);
  s.callerId(one, leg.cidNum, leg.cidName);
  s.dial('DialState', two, leg, [['DialStatus', 'RINGING']]);
  s.dial('DialState', null, one, [['DialStatus', 'RINGING']]);
  s.device(`PJSIP/${target}`, 'RINGING');
  s.wait(p.transferRingMs);
  // The target answers: it talks with the agent through the Local pair.
  s.cel(leg, 'ANSWER');
  s.newstate(leg, 6);
  s.varSet(two, 'DIALSTATUS', 'ANSWER');
  leg.exten = '';
  s.dial('DialEnd', two, leg, [['DialStatus', 'ANSWER']]);
  s.cel(two, 'ANSWER');
  s.newstate(two, 6);
  const targetBridge = s.bridgeCreate();
  s.cel(one, 'ANSWER');
  s.newstate(one, 6);
  s.dial('DialEnd', null, one, [['DialStatus', 'ANSWER']]);
  s.newexten(leg, 'AppDial', '(Outgoing Line)');
  s.bridgeEnter(targetBridge, leg);
  s.bridgeEnter(targetBridge, two);
  s.varSet(two, 'ATTENDEDTRANSFER', '');
  s.device(`PJSIP/${target}`, 'INUSE');
  s.wait(p.consultMs);
  // The agent hangs up: the consultation bridge merges into the caller's and the transfer completes.
  s.hangupRequest(agent, 16);
  s.event('BridgeMerge', 'call,all', [...s.bridgeFields(original, 'ToBridge'), ...s.bridgeFields(consult, 'FromBridge')]);
  s.bridgeLeave(consult, one);
  s.bridgeEnter(original, one);
  s.bridgeLeave(consult, agent);
  s.cel(caller, 'STREAM_END');
  s.channelEvent('MusicOnHoldStop', caller);
  s.event('AttendedTransfer', 'call,all', attendedTransferFields(c, { caller, agent, one, original, consult }));
  s.cel(agent, 'ATTENDEDTRANSFER', {
    extra: `{"bridge1_id":"${original.id}","channel2_name":"${agent.name}","channel2_uniqueid":"${agent.uniqueid}","bridge2_id":"${consult.id}","transferee_channel_name":"${caller.name}","transferee_channel_uniqueid":"${caller.uniqueid}","transfer_target_channel_name":"${one.name}","transfer_target_channel_uniqueid":"${one.uniqueid}"}`,
  });
  s.connectedLine(caller, leg.cidNum, leg.cidName);
  s.bridgeDestroy(consult);
  c.cdr({
    source: agent.cidNum,
    destination: '',
    destinationContext: 'from-internal',
    callerId: cdrCallerId(agent.cidNum, agent.cidName),
    channel: agent,
    destinationChannel: one,
    lastApplication: 'AppDial',
    lastData: '(Outgoing Line)',
    startMs: consultStartMs,
    answerMs: consultStartMs,
    endMs: s.now,
    disposition: 'ANSWERED',
    userField: '',
  });
  s.connectedLine(one, caller.cidNum, caller.cidName);
  s.celHangup(agent, 16, agent, '');
  s.hangup(agent, 16);
  s.device(`PJSIP/${agent.endpoint}`, 'NOT_INUSE');
  s.connectedLine(leg, caller.cidNum, caller.cidName);
  const transferMs = s.now;
  // Local channel optimization: the caller takes ;2's place in the target's bridge.
  s.cel(one, 'LOCAL_OPTIMIZE_BEGIN', { extra: `{"local_two":"${two.name}","local_two_uniqueid":"${two.uniqueid}"}` });
  s.event('LocalOptimizationBegin', 'call,all', [
    ...s.snapshot(one, 'LocalOne'),
    ...s.snapshot(two, 'LocalTwo'),
    ...s.snapshot(caller, 'Source'),
    ['DestUniqueId', two.uniqueid],
    ['Id', '0'],
  ]);
  s.bridgeLeave(original, caller);
  s.callerId(two, caller.cidNum, caller.cidName);
  s.bridgeLeave(targetBridge, two);
  s.bridgeEnter(targetBridge, caller, two);
  // Capture 09 shows `Success: No` here although the swap happened; sent as Asterisk sent it.
  s.event('LocalOptimizationEnd', 'call,all', [...s.snapshot(one, 'LocalOne'), ...s.snapshot(two, 'LocalTwo'), ['Success', 'No'], ['Id', '0']]);
  s.cel(one, 'LOCAL_OPTIMIZE', { extra: `{"local_two":"${two.name}","local_two_uniqueid":"${two.uniqueid}"}` });
  s.bridgeLeave(original, one);
  s.varSet(two, 'DIALSTATUS', 'ANSWER');
  s.hangupRequest(two, 16);
  c.cdr({
    source: one.cidNum,
    destination: target,
    destinationContext: 'agents',
    callerId: cdrCallerId(one.cidNum, one.cidName),
    channel: one,
    destinationChannel: null,
    lastApplication: '',
    lastData: '',
    startMs: s.now,
    answerMs: s.now,
    endMs: s.now,
    disposition: 'ANSWERED',
    userField: '',
  });
  s.bridgeDestroy(original);
  s.celHangup(one, 16, null, '');
  s.hangup(one, 16);
  s.softHangupRequest(two);
  s.celHangup(two, 16, two, '');
  s.hangup(two, 16);
  c.cdr({
    source: caller.cidNum,
    destination: target,
    destinationContext: 'agents',
    callerId: cdrCallerId(caller.cidNum, caller.cidName),
    channel: two,
    destinationChannel: leg,
    lastApplication: 'Dial',
    lastData: data,
    startMs: two.createdMs,
    answerMs: leg.answeredMs,
    endMs: s.now,
    disposition: 'ANSWERED',
    userField: '',
  });
  s.wait(p.talkAfterMs);
  const first = p.hangupBy === 'agent' ? leg : caller;
  endBridge(c, targetBridge, caller, leg, first, call.dialStartMs, () => {
    loserCdrs(c, call);
    legCdr(c, caller, agent, { data: call.dialData, startMs: caller.createdMs, answerMs: agent.answeredMs, endMs: consultStartMs, disposition: 'ANSWERED' });
    legCdr(c, caller, one, { data: call.dialData, startMs: consultStartMs, answerMs: consultStartMs, endMs: transferMs, disposition: 'ANSWERED' });
    legCdr(c, caller, leg, { data: call.dialData, startMs: transferMs, answerMs: transferMs, endMs: s.now, disposition: 'ANSWERED' });
  });
}

function attendedTransferFields(
  c: Call,
  x: { caller: Channel; agent: Channel; one: Channel; original: { id: string; members: Channel[] }; consult: { id: string; members: Channel[] } },
): AmiField[] {
  const { s } = c;
  return [
    ['Result', 'Success'],
    ...s.snapshot(x.agent, 'OrigTransferer'),
    ...s.bridgeFields(x.original, 'OrigBridge'),
    ...s.snapshot(x.agent, 'SecondTransferer'),
    ...s.bridgeFields(x.consult, 'SecondBridge'),
    ...s.snapshot(x.caller, 'Transferee'),
    ...s.snapshot(x.one, 'TransferTarget'),
    ['IsExternal', 'No'],
    ['DestType', 'Bridge'],
    ['DestBridgeUniqueid', x.original.id],
  ];
}

