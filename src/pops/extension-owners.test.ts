import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtensionOwners } from './extension-owners.ts';

function directory(users: Record<string, { id: string; active: boolean }>) {
  const asked: string[] = [];
  return {
    asked,
    userByExtension: async (extension: string) => {
      asked.push(extension);
      return users[extension];
    },
  };
}

test('an extension\'s card goes to its owner while active; an inactive owner or nobody gets none', async () => {
  const dir = directory({ 101: { id: 'u-ann', active: true }, 102: { id: 'u-old', active: false } });
  const owners = new ExtensionOwners(dir);
  assert.equal(await owners.userIdFor('101'), 'u-ann');
  assert.equal(await owners.userIdFor('102'), null);
  assert.equal(await owners.userIdFor('999'), null);
});

test('answers are kept for the TTL: a burst of rings costs one query, a change shows after it', async () => {
  let now = 1_000_000;
  const users = { 101: { id: 'u-ann', active: true } };
  const dir = directory(users);
  const owners = new ExtensionOwners(dir, { now: () => now });
  for (let i = 0; i < 5; i++) assert.equal(await owners.userIdFor('101'), 'u-ann');
  assert.equal(await owners.userIdFor('999'), null);
  assert.equal(await owners.userIdFor('999'), null);
  assert.deepEqual(dir.asked, ['101', '999']);
  users[101] = { id: 'u-ann', active: false };
  now += 29_999;
  assert.equal(await owners.userIdFor('101'), 'u-ann');
  now += 1;
  assert.equal(await owners.userIdFor('101'), null);
  assert.deepEqual(dir.asked, ['101', '999', '101']);
});

test('the cache is bounded: the oldest answer goes first', async () => {
  const dir = directory({});
  const owners = new ExtensionOwners(dir, { maxEntries: 3 });
  for (const ext of ['1', '2', '3', '1', '4']) await owners.userIdFor(ext);
  assert.equal(owners.size, 3);
  assert.deepEqual(dir.asked, ['1', '2', '3', '4']);
  // '1' was the oldest answer (asking it again within the TTL did not renew it): it went.
  await owners.userIdFor('2');
  await owners.userIdFor('1');
  assert.deepEqual(dir.asked, ['1', '2', '3', '4', '1']);
});
