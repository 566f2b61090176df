import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmiMessage } from '../ami/message.ts';
import { captureTimes, localTimeOffset } from './capture-clock.ts';

const ev = (name: string, fields: Record<string, string>) => new AmiMessage([['Event', name], ...Object.entries(fields)]);
const T0 = Date.UTC(2026, 10, 23, 19, 57, 8);

describe('captureTimes', () => {
  it('Timestamp headers are exact', () => {
    const times = captureTimes([ev('Newchannel', { Timestamp: '1795468599.125291', Uniqueid: '1795468599.252' }), ev('Hangup', { Timestamp: '1795468609.5' })]);
    assert.equal(times[0], 1795468599125.291);
    assert.equal(times[1], 1795468609500);
  });

  it('no Timestamp and no CEL: no clock at all (NaN), even with Uniqueids and a Ping reply', () => {
    const times = captureTimes([
      new AmiMessage([['Response', 'Success'], ['Ping', 'Pong'], ['Timestamp', '1795463998.602381']]),
      ev('Newchannel', { Uniqueid: '1795463828.0', Channel: 'PJSIP/carrier-00000000' }),
      ev('Hangup', { Channel: 'PJSIP/carrier-00000000' }),
    ]);
    assert.ok([...times].every(Number.isNaN));
  });

  it('an AMI event takes the time of its CEL twin, wherever the twin falls', () => {
    const messages = [
      ev('CEL', { EventName: 'CHAN_START', EventTime: '2026-11-23 19:57:08', Channel: 'PJSIP/a-1', UniqueID: '1795463828.0' }),
      ev('BridgeEnter', { Channel: 'PJSIP/a-1' }),
      ev('CEL', { EventName: 'BRIDGE_ENTER', EventTime: '2026-11-23 19:57:10', Channel: 'PJSIP/a-1', UniqueID: '1795463828.0' }),
      ev('VarSet', { Channel: 'PJSIP/a-1' }),
      // Silence while they talk; then the BridgeLeave comes before its CEL record.
      ev('BridgeLeave', { Channel: 'PJSIP/a-1' }),
      ev('CEL', { EventName: 'BRIDGE_EXIT', EventTime: '2026-11-23 19:57:25', Channel: 'PJSIP/a-1', UniqueID: '1795463828.0' }),
      ev('HangupRequest', { Channel: 'PJSIP/b-2' }),
      ev('CEL', { EventName: 'HANGUP', EventTime: '2026-11-23 19:57:26', Channel: 'PJSIP/b-2', UniqueID: '1795463828.1' }),
    ];
    const times = captureTimes(messages);
    assert.equal(times[1], T0 + 2000, 'BridgeEnter ↔ BRIDGE_ENTER');
    assert.equal(times[3], T0 + 2000, 'the nearest record');
    assert.equal(times[4], T0 + 17_000, 'BridgeLeave ↔ BRIDGE_EXIT, though it came first');
    assert.equal(times[6], T0 + 18_000, "HangupRequest ↔ the channel's next record");
  });

  it('CEL local times are brought to UTC by comparing a CHAN_START with its Uniqueid', () => {
    // A PBX three hours ahead of UTC (Moscow): its wall clock says 22:57:08 when UTC is 19:57:08.
    const messages = [
      ev('CEL', { EventName: 'CHAN_START', EventTime: '2026-11-23 22:57:08', Channel: 'PJSIP/a-1', UniqueID: '1795463828.0' }),
      ev('CEL', { EventName: 'HANGUP', EventTime: '2026-11-23 22:57:18', Channel: 'PJSIP/a-1', UniqueID: '1795463828.0' }),
    ];
    assert.equal(localTimeOffset(messages), 3 * 3_600_000);
    assert.deepEqual([...captureTimes(messages)], [T0, T0 + 10_000]);
  });

  it('without CHAN_START, the Cdr with the smallest gap to its Uniqueid gives the offset', () => {
    const messages = [
      ev('Cdr', { StartTime: '2026-11-23 14:57:20', UniqueID: '1795463828.0' }), // a leg that started later
      ev('Cdr', { StartTime: '2026-11-23 14:57:08', UniqueID: '1795463828.0' }),
    ];
    assert.equal(localTimeOffset(messages), -5 * 3_600_000);
  });
});
