import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActionTracker, type ActionResult } from './action-tracker.ts';
import { AmiMessage } from './message.ts';

const msg = (...pairs: [string, string][]): AmiMessage => new AmiMessage(pairs);

function track(tracker: ActionTracker, actionId: string): ActionResult[] {
  const results: ActionResult[] = [];
  tracker.add({ actionId, action: 'X', resolve: (r) => results.push(r) });
  return results;
}

test('a plain response resolves its action and nothing else', () => {
  const t = new ActionTracker();
  const done = track(t, 'a-1');
  assert.equal(t.handle(msg(['Response', 'Success'], ['ActionID', 'other'])), false);
  assert.equal(t.handle(msg(['Response', 'Success'], ['ActionID', 'a-1'], ['Ping', 'Pong'])), true);
  assert.equal(done.length, 1);
  assert.equal(done[0]!.response.get('Ping'), 'Pong');
  assert.equal(t.size, 0);
});

test('EventList items are collected until Complete, with unsolicited events in between passed on', () => {
  const t = new ActionTracker();
  const done = track(t, 's-1');
  assert.equal(t.handle(msg(['Response', 'Success'], ['ActionID', 's-1'], ['EventList', 'start'])), true);
  assert.equal(t.handle(msg(['Event', 'RTCPSent'], ['Channel', 'PJSIP/103-1'])), false);
  // Status events repeat the ActionID header; each must be taken once, by id not by position.
  assert.equal(t.handle(msg(['Event', 'Status'], ['ActionID', 's-1'], ['Channel', 'A'], ['ActionID', 's-1'])), true);
  assert.equal(t.handle(msg(['Event', 'Status'], ['ActionID', 's-1'], ['Channel', 'B'], ['ActionID', 's-1'])), true);
  assert.equal(done.length, 0);
  assert.equal(t.handle(msg(['Event', 'StatusComplete'], ['ActionID', 's-1'], ['EventList', 'Complete'], ['ListItems', '2'])), true);
  assert.equal(done.length, 1);
  assert.deepEqual(done[0]!.events.map((e) => e.get('Channel')), ['A', 'B']);
  assert.equal(done[0]!.complete?.event, 'StatusComplete');
});

test('an event carrying the ActionID of a finished non-list action is an ordinary event (OriginateResponse)', () => {
  const t = new ActionTracker();
  const done = track(t, 'o-1');
  assert.equal(t.handle(msg(['Response', 'Success'], ['ActionID', 'o-1'], ['Message', 'Originate successfully queued'])), true);
  assert.equal(done.length, 1);
  assert.equal(t.handle(msg(['Event', 'OriginateResponse'], ['ActionID', 'o-1'], ['Response', 'Success'])), false);
});

test('an error response to a list action ends it at once', () => {
  const t = new ActionTracker();
  const done = track(t, 'e-1');
  assert.equal(t.handle(msg(['Response', 'Error'], ['ActionID', 'e-1'], ['Message', 'No such channel'])), true);
  assert.equal(done.length, 1);
  assert.equal(done[0]!.events.length, 0);
});

test('remove and drain hand back pending actions; late replies then pass through', () => {
  const t = new ActionTracker();
  track(t, 'r-1');
  track(t, 'r-2');
  assert.equal(t.remove('r-1')?.actionId, 'r-1');
  assert.equal(t.handle(msg(['Response', 'Success'], ['ActionID', 'r-1'])), false);
  assert.deepEqual(t.drain().map((p) => p.actionId), ['r-2']);
  assert.equal(t.size, 0);
});
