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
  const shares = new Map([...buses].map(([name, bus]) => [name, new DeviceStateShare(trackers.get(name)!, bus, () => leaderName === name)]));
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
  shares.get('late')!.ask();
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
