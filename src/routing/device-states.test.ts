/** The device-state tracker on real Asterisk 20 event streams, and on the shapes the transcripts lack (hints, DND, registration). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AmiDecoder } from '../ami/codec.ts';
import { AmiMessage } from '../ami/message.ts';
import { DeviceStateTracker, fromHintStatus } from './device-states.ts';
import type { Availability } from './types.ts';

const FIXTURES = new URL('../../test/fixtures/ami-transcripts/', import.meta.url);

function messagesOf(name: string): AmiMessage[] {
  const decoder = new AmiDecoder();
  return decoder.push(readFileSync(new URL(name, FIXTURES))).flatMap((item) => (item.kind === 'message' ? [item.message] : []));
}

const event = (name: string, fields: Record<string, string>): AmiMessage => new AmiMessage([['Event', name], ...Object.entries(fields)]);

describe('device states', () => {
  test('DeviceStateList after connecting (transcript 15): idle phones available, the phone without contact unavailable', () => {
    const tracker = new DeviceStateTracker();
    for (const m of messagesOf('15-actions-extra-queue-endpoints-devstate.ami')) tracker.apply(m);
    assert.deepEqual({ ...tracker.snapshot(['101', '102', '103', '104', '105']) }, { '101': 'available', '102': 'available', '103': 'available', '104': 'unavailable', '105': 'unknown' });
  });

  test('a real call moves 101 through ringing and in use back to available (transcript 01)', () => {
    const tracker = new DeviceStateTracker();
    const seen: Availability[] = [];
    for (const m of messagesOf('01-inbound-answered-101.ami')) {
      if (tracker.apply(m) && m.get('Device') === 'PJSIP/101') seen.push(tracker.availabilityOf('101'));
    }
    assert.deepEqual([...new Set(seen)], ['ringing', 'in-use', 'available']);
    assert.equal(tracker.availabilityOf('101'), 'available');
    assert.equal(tracker.apply(messagesOf('01-inbound-answered-101.ami')[0]!), false, 'not a state event');
  });

  test('attended transfer (transcript 09): the caller held by music on hold shows on hold', () => {
    const tracker = new DeviceStateTracker();
    const seen = new Set<Availability>();
    for (const m of messagesOf('09-attended-transfer-101-to-102.ami')) if (tracker.apply(m)) seen.add(tracker.availabilityOf('carrier'));
    assert.ok(seen.has('on-hold'), [...seen].join());
  });

  test('ExtensionStatus hints: the bitmask, and the fresher of hint and device wins', () => {
    assert.deepEqual([0, 1, 2, 4, 8, 9, 16, 17].map(fromHintStatus), ['available', 'in-use', 'busy', 'unavailable', 'ringing', 'in-use', 'on-hold', 'in-use']);
    const tracker = new DeviceStateTracker();
    tracker.apply(event('DeviceStateChange', { Device: 'PJSIP/101', State: 'NOT_INUSE' }));
    tracker.apply(event('ExtensionStatus', { Exten: '101', Context: 'ext-local', Hint: 'PJSIP/101&Custom:DND101', Status: '2', StatusText: 'Busy' }));
    assert.equal(tracker.availabilityOf('101'), 'busy');
    tracker.apply(event('DeviceStateChange', { Device: 'PJSIP/101', State: 'INUSE' }));
    assert.equal(tracker.availabilityOf('101'), 'in-use');
    tracker.apply(event('ExtensionStatus', { Exten: '101', Context: 'ext-local', Hint: '', Status: '-1', StatusText: 'Unknown' }));
    assert.equal(tracker.availabilityOf('101'), 'in-use', 'a removed hint tells no more');
  });

  test('DND: FreePBX Custom:DND<ext> BUSY, and presence dnd; off again when cleared', () => {
    const tracker = new DeviceStateTracker();
    tracker.apply(event('DeviceStateChange', { Device: 'PJSIP/102', State: 'NOT_INUSE' }));
    tracker.apply(event('DeviceStateChange', { Device: 'Custom:DND102', State: 'BUSY' }));
    assert.equal(tracker.availabilityOf('102'), 'dnd');
    tracker.apply(event('DeviceStateChange', { Device: 'Custom:DND102', State: 'NOT_INUSE' }));
    assert.equal(tracker.availabilityOf('102'), 'available');
    tracker.apply(event('PresenceStateChange', { Presentity: 'CustomPresence:102', Status: 'dnd', Subtype: '', Message: 'in a meeting' }));
    assert.equal(tracker.availabilityOf('102'), 'dnd');
    tracker.apply(event('PresenceStateChange', { Presentity: 'CustomPresence:102', Status: 'available', Subtype: '', Message: '' }));
    tracker.apply(event('PresenceStatus', { Exten: '102', Context: 'ext-local', Hint: 'PJSIP/102,CustomPresence:102', Status: 'dnd' }));
    assert.equal(tracker.availabilityOf('102'), 'dnd');
    const custom = new DeviceStateTracker({ dndDevicesOf: (ext) => [`Custom:DONTDISTURB-${ext}`] });
    custom.apply(event('DeviceStateChange', { Device: 'Custom:DONTDISTURB-102', State: 'INUSE' }));
    assert.equal(custom.availabilityOf('102'), 'dnd');
  });

  test('registration: every contact gone or unreachable means unregistered; PeerStatus too', () => {
    const tracker = new DeviceStateTracker();
    tracker.apply(event('DeviceStateChange', { Device: 'PJSIP/103', State: 'NOT_INUSE' }));
    tracker.apply(event('ContactStatus', { URI: 'sip:103@10.0.0.3:5060', ContactStatus: 'Reachable', AOR: '103', EndpointName: '103', RoundtripUsec: '900' }));
    tracker.apply(event('ContactStatus', { URI: 'sip:103@10.0.0.9:5060', ContactStatus: 'Unreachable', AOR: '103', EndpointName: '103', RoundtripUsec: '0' }));
    assert.equal(tracker.availabilityOf('103'), 'available', 'one contact still up');
    tracker.apply(event('ContactStatus', { URI: 'sip:103@10.0.0.3:5060', ContactStatus: 'Removed', AOR: '103', EndpointName: '103', RoundtripUsec: '0' }));
    assert.equal(tracker.availabilityOf('103'), 'unregistered');
    tracker.apply(event('ContactStatus', { URI: 'sip:103@10.0.0.3:5060', ContactStatus: 'Created', AOR: '103', EndpointName: '103', RoundtripUsec: '0' }));
    assert.equal(tracker.availabilityOf('103'), 'available');
    tracker.apply(event('PeerStatus', { ChannelType: 'PJSIP', Peer: 'PJSIP/103', PeerStatus: 'Unreachable' }));
    assert.equal(tracker.availabilityOf('103'), 'unregistered');
    tracker.clear();
    assert.equal(tracker.availabilityOf('103'), 'unknown');
  });

  test('endpoints named otherwise than their extension are mapped by option', () => {
    const tracker = new DeviceStateTracker({ devicesOf: (ext) => (ext === '101' ? ['PJSIP/alice'] : [`PJSIP/${ext}`]) });
    tracker.apply(event('DeviceStateChange', { Device: 'PJSIP/alice', State: 'BUSY' }));
    assert.equal(tracker.availabilityOf('101'), 'busy');
    assert.equal(tracker.apply(event('DeviceStateChange', { Device: 'PJSIP/alice' })), false, 'no State: ignored');
  });
});
