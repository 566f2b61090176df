import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADDRESS_PATTERN, addressingOf, addressOf, firstExtensionAt, localExtension, localRecord, parseAddress, qualifyEffect, qualifyRecord } from './extension-address.ts';
import type { CallRecord } from './record.ts';
import type { Effect } from './effects.ts';

const record = {
  id: 'hamburg:1.1',
  pbx: 'hamburg',
  callerExtension: null,
  rang: ['101', '102'],
  answeredBy: '102',
  unreachable: ['104'],
  transfers: [{ from: '102', to: '600', kind: 'blind', at: null }],
  hangupParty: '102',
  hangupExtension: '102',
} as unknown as CallRecord;

test('addresses: bare at the default PBX, ext@id elsewhere, and back', () => {
  assert.deepEqual(addressingOf('main', 'main'), { pbxId: 'main', qualifier: null });
  assert.deepEqual(addressingOf('hamburg', 'main'), { pbxId: 'hamburg', qualifier: 'hamburg' });
  assert.equal(addressOf('101', null), '101');
  assert.equal(addressOf('101', 'hamburg'), '101@hamburg');
  assert.deepEqual(parseAddress('101@hamburg'), { extension: '101', qualifier: 'hamburg' });
  assert.deepEqual(parseAddress('*72'), { extension: '*72', qualifier: null });
  assert.equal(localExtension('101@hamburg', 'hamburg'), '101');
  assert.equal(localExtension('101@hamburg', null), null, "Hamburg's 101 is not the main office's");
  assert.equal(localExtension('101', 'hamburg'), null);
  assert.equal(firstExtensionAt(['201', '101@hamburg', '102@hamburg'], 'hamburg'), '101');
  assert.equal(firstExtensionAt(['101@hamburg', '201'], null), '201');
  assert.equal(firstExtensionAt(['101@hamburg'], 'lisbon'), null);
  for (const ok of ['101', '+4940123', '*72', '101@hamburg', '7@a-b_c']) assert.ok(ADDRESS_PATTERN.test(ok), ok);
  for (const bad of ['', '10a', '101@', '101@Hamburg', '101@ham burg', '@hamburg', '101@hh@x']) assert.ok(!ADDRESS_PATTERN.test(bad), bad);
});

test("a PBX's records and effects carry addresses out, and its stored records come back in its own extensions", () => {
  const out = qualifyRecord(record, 'hamburg');
  assert.deepEqual(out.rang, ['101@hamburg', '102@hamburg']);
  assert.equal(out.answeredBy, '102@hamburg');
  assert.deepEqual(out.unreachable, ['104@hamburg']);
  assert.deepEqual(out.transfers[0], { from: '102@hamburg', to: '600@hamburg', kind: 'blind', at: null });
  assert.equal(out.hangupParty, '102@hamburg');
  assert.equal(out.callerExtension, null);
  assert.deepEqual(localRecord(out, 'hamburg'), record, 'round trip');
  assert.equal(qualifyRecord(record, null), record, 'the default PBX: as it is');
  assert.equal(qualifyRecord({ ...record, hangupParty: 'customer' }, 'hamburg').hangupParty, 'customer', 'words stay words');
  assert.deepEqual(localRecord({ ...out, rang: ['101@lisbon'] }, 'hamburg').rang, ['101@lisbon'], 'another PBX\'s address is kept, not guessed at');

  const ringing = { type: 'agent-ringing', callId: 'hamburg:1.1', extension: '101', channel: 'PJSIP/101-01' } as Effect;
  assert.equal((qualifyEffect(ringing, 'hamburg') as { extension: string }).extension, '101@hamburg');
  assert.equal((qualifyEffect({ type: 'call-answered', callId: 'x', extension: null, at: null }, 'hamburg') as { extension: null }).extension, null);
  assert.equal(qualifyEffect(ringing, null), ringing);
  const ended = qualifyEffect({ type: 'call-ended', callId: 'hamburg:1.1', record }, 'hamburg') as { record: CallRecord };
  assert.equal(ended.record.answeredBy, '102@hamburg');
  assert.equal(record.answeredBy, '102', 'the engine\'s own record is not changed');
});
