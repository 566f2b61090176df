import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MissedHub } from './missed-hub.ts';

test('a change reaches the users it names, and every administrator\'s stream, each stream once', () => {
  const hub = new MissedHub();
  const heard: string[] = [];
  hub.subscribe('alice', (m) => heard.push(`alice:${String(m)}`));
  hub.subscribe('bob', (m) => heard.push(`bob:${String(m)}`));
  // An administrator who also owns the item: one message, not two.
  const stopRoot = hub.subscribe('root', (m) => heard.push(`root:${String(m)}`), { everyone: true });
  hub.publish(['alice', 'root'], 'opened');
  assert.deepEqual(heard.sort(), ['alice:opened', 'root:opened']);
  heard.length = 0;
  hub.publish(['bob'], 'moved');
  assert.deepEqual(heard.sort(), ['bob:moved', 'root:moved']);
  heard.length = 0;
  stopRoot();
  hub.publish(['bob'], 'closed');
  assert.deepEqual(heard, ['bob:closed']);
});
