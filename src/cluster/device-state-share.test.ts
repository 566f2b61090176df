import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmiMessage } from '../ami/message.ts';
import { DeviceStateTracker } from '../routing/index.ts';
import { DeviceStateShare } from './device-state-share.ts';
import { busesOn, settled } from './test-bus.ts';

const event = (fields: Record<string, string>) => new AmiMessage(Object.entries(fields));

test('a standby knows who is free: the leader\'s changes, its whole state on asking and after each reload', async () => {
  const { buses } = busesOn(['leader', 'standby', 'late']);
  let leaderName = 'leader';
  const trackers = new Map([...buses.keys()].map((name) => [name, new DeviceStateTracker()]));
  const sharing = new Map([...buses].map(([name, bus]) => [name, new DeviceStateShare(bus)]));
  const shares = new Map([...sharing].map(([name, share]) => [name, share.add('main', trackers.get(name)!, () => leaderName === name)]));
  const leader = trackers.get('leader')!;
  const standby = trackers.get('standby')!;

  // The leader's own events: passed on as they change its tracker.
  for (const e of [event({ Event: 'DeviceStateChange', Device: 'PJSIP/101', State: 'INUSE' }), event({ Event: 'DeviceStateChange', Device: 'PJSIP/102', State: 'NOT_INUSE' })]) {
    if (leader.apply(e)) shares.get('leader')!.changed(e);
  }
  await settled(buses);
  assert.equal(standby.availabilityOf('101'), leader.availabilityOf('101'));
  assert.equal(standby.availabilityOf('101'), 'in-use');
  assert.equal(standby.availabilityOf('102'), 'available');

  // A standby that started later asks, and gets the whole state (registration included).
  const contact = event({ Event: 'ContactStatus', EndpointName: '103', URI: 'sip:103@10.0.0.3', ContactStatus: 'Unreachable' });
  leader.apply(contact);
  sharing.get('late')!.ask();
  await settled(buses);
  const late = trackers.get('late')!;
  for (const ext of ['101', '102', '103', '104']) assert.equal(late.availabilityOf(ext), leader.availabilityOf(ext), ext);
  assert.equal(late.availabilityOf('103'), 'unregistered');

  // A standby's own "changes" are never sent; the leader ignores what others send.
  shares.get('standby')!.changed(event({ Event: 'DeviceStateChange', Device: 'PJSIP/101', State: 'UNAVAILABLE' }));
  await settled(buses);
  assert.equal(leader.availabilityOf('101'), 'in-use');

  // A new leader reloads from its PBX and everyone takes its state.
  leaderName = 'standby';
  standby.clear();
  standby.apply(event({ Event: 'DeviceStateChange', Device: 'PJSIP/101', State: 'NOT_INUSE' }));
  shares.get('standby')!.reloaded();
  await settled(buses);
  assert.equal(late.availabilityOf('101'), 'available');
  assert.equal(late.availabilityOf('102'), 'unknown', 'the whole state replaced, not merged');
});

test('two PBXs share apart: 101 busy at one office is not 101 at the other, and each PBX has its own leader', async () => {
  const { buses } = busesOn(['a', 'b']);
  const trackers = { a: { main: new DeviceStateTracker(), branch: new DeviceStateTracker() }, b: { main: new DeviceStateTracker(), branch: new DeviceStateTracker() } };
  // Instance a leads main, b leads branch.
  const shareA = new DeviceStateShare(buses.get('a')!);
  const shareB = new DeviceStateShare(buses.get('b')!);
  const aMain = shareA.add('main', trackers.a.main, () => true);
  shareA.add('branch', trackers.a.branch, () => false);
  shareB.add('main', trackers.b.main, () => false);
  const bBranch = shareB.add('branch', trackers.b.branch, () => true);

  const busy = event({ Event: 'DeviceStateChange', Device: 'PJSIP/101', State: 'INUSE' });
  trackers.a.main.apply(busy);
  aMain.changed(busy);
  const free = event({ Event: 'DeviceStateChange', Device: 'PJSIP/101', State: 'NOT_INUSE' });
  trackers.b.branch.apply(free);
  bBranch.changed(free);
  await settled(buses);
  assert.equal(trackers.b.main.availabilityOf('101'), 'in-use');
  assert.equal(trackers.a.branch.availabilityOf('101'), 'available');

  // A fresh standby of both asks: each PBX's state comes from its own leader, into the right tracker.
  const { buses: three } = busesOn(['a', 'b', 'c']);
  const lead = (who: string) => ({ main: who === 'a', branch: who === 'b' });
  const states = new Map([...three.keys()].map((who) => [who, { main: new DeviceStateTracker(), branch: new DeviceStateTracker() }]));
  states.get('a')!.main.apply(busy);
  states.get('b')!.branch.apply(event({ Event: 'DeviceStateChange', Device: 'PJSIP/101', State: 'RINGING' }));
  const shares3 = new Map([...three].map(([who, bus]) => {
    const share = new DeviceStateShare(bus);
    for (const pbx of ['main', 'branch'] as const) share.add(pbx, states.get(who)![pbx], () => lead(who)[pbx]);
    return [who, share];
  }));
  shares3.get('c')!.ask();
  await settled(three);
  assert.equal(states.get('c')!.main.availabilityOf('101'), 'in-use');
  assert.equal(states.get('c')!.branch.availabilityOf('101'), 'ringing');
  // A leader never takes another's state for the PBX it leads.
  assert.equal(states.get('a')!.main.availabilityOf('101'), 'in-use');
  assert.equal(states.get('b')!.branch.availabilityOf('101'), 'ringing');
});

test('export and import carry a tracker over exactly, through JSON', () => {
  const a = new DeviceStateTracker();
  for (const e of [
    event({ Event: 'DeviceStateChange', Device: 'PJSIP/101', State: 'RINGING' }),
    event({ Event: 'ExtensionStatus', Exten: '101', Context: 'ext-local', Status: '0' }),
    event({ Event: 'DeviceStateChange', Device: 'Custom:DND102', State: 'BUSY' }),
    event({ Event: 'PresenceStateChange', Presentity: 'CustomPresence:104', Status: 'dnd' }),
    event({ Event: 'PeerStatus', Peer: 'SIP/105', PeerStatus: 'Unreachable' }),
  ])
    a.apply(e);
  const b = new DeviceStateTracker();
  b.import(JSON.parse(JSON.stringify(a.export())));
  for (const ext of ['101', '102', '103', '104', '105']) assert.equal(b.availabilityOf(ext), a.availabilityOf(ext), ext);
  assert.equal(b.availabilityOf('101'), a.availabilityOf('101'));
  assert.equal(b.availabilityOf('102'), 'dnd');
});
