import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loggable } from '../../test/support/calls.ts';
import { planWrites, WrittenCalls, type WriteOp } from './call-log-plan.ts';
import type { CallLink, LoggableCall } from './call-log.ts';

const NOW = '2026-12-06T20:00:00.000Z';


const call = (over: Partial<LoggableCall> = {}): LoggableCall =>
  loggable({ id: 'default:1.0', status: 'in-progress', disposition: null, startedAt: '2026-12-06T19:59:00.000Z', endedAt: null, ...over });

const contact: CallLink = { type: 'contact', id: 'c1', link: 'matched' };

/** Plans one batch and commits it, as the log does once the transaction succeeded. */
function write(memory: WrittenCalls, entries: { call: LoggableCall; links?: CallLink[] }[]): WriteOp[] {
  const plan = planWrites(entries, memory, NOW);
  plan.committed();
  return plan.ops;
}

const named = (ops: WriteOp[]): string[] => ops.map((op) => `${op.statement}${op.statement === 'upsertCall' ? '' : ` ${op.params.slice(1).join(' ')}`}`.trim());

describe('call-log write plan', () => {
  test('a call written 7 times: its row every time, its extensions and links once, then only what changed', () => {
    const memory = new WrittenCalls();
    const updates: { call: LoggableCall; links?: CallLink[] }[] = [
      { call: call({ rang: ['101', '102'] }), links: [contact] },
      { call: call({ rang: ['101', '102'], recording: 'a.wav' }) },
      { call: call({ rang: ['101', '102'], recording: 'a.wav' }), links: [contact] },
      { call: call({ rang: ['101', '102'], answeredBy: '102' }), links: [contact] },
      { call: call({ rang: ['101', '102'], answeredBy: '102', disposition: 'answered' }) },
      { call: call({ rang: ['101', '102'], answeredBy: '102', disposition: 'answered' }) },
      { call: call({ rang: ['101', '102'], answeredBy: '102', status: 'ended', disposition: 'answered', endedAt: NOW }), links: [contact] },
    ];
    const batches = updates.map((u) => named(write(memory, [u])));
    assert.deepEqual(batches[0], ['upsertCall', 'deleteExtensions', 'insertExtension 101 rang', 'insertExtension 102 rang', 'insertLink contact c1 matched']);
    assert.deepEqual(batches[1], ['upsertCall']);
    assert.deepEqual(batches[2], ['upsertCall'], 'a link already written is not written again');
    assert.deepEqual(batches[3], ['upsertCall', 'insertExtension 102 answered'], 'only the new extension row');
    assert.deepEqual(batches.slice(4), [['upsertCall'], ['upsertCall'], ['upsertCall']]);
    const extensionWrites = batches.flat().filter((s) => s.includes('Extension'));
    assert.equal(extensionWrites.length, 4, 'one delete and three rows over the whole call');
  });

  test('an extension gone from the record is deleted alone; a new link is added', () => {
    const memory = new WrittenCalls();
    write(memory, [{ call: call({ rang: ['101'], answeredBy: '101', transfers: [{ to: '103' }] }) }]);
    const ops = write(memory, [{ call: call({ rang: ['101'], answeredBy: '102', transfers: [{ to: '103' }, { to: null }] }), links: [{ type: 'lead', id: 'l1', link: 'origin' }] }]);
    assert.deepEqual(named(ops), ['upsertCall', 'deleteExtension 101 answered', 'insertExtension 102 answered', 'insertLink lead l1 origin']);
  });

  test('the row carries the indexed fields and the whole record', () => {
    const c = call({ rang: ['101'], recording: 'x.wav', clickToCallId: 'k1' });
    const [row] = write(new WrittenCalls(), [{ call: c }]);
    assert.deepEqual(row!.params, [
      c.id, c.pbx, c.linkedid, c.status, c.direction, c.externalNumber, c.normalizedNumber, c.did, c.answeredBy, c.disposition, c.startedAt, c.endedAt, 'k1', 'x.wav', JSON.stringify(c), NOW,
      // The reports' columns (migration 0014): none of their fields on a hand-built record but the start and the caller.
      Math.floor(Date.parse(c.startedAt!) / 1000), null, null, null, null, c.callerExtension,
    ]);
  });

  test('the reports\' columns come from the engine\'s record: start in epoch seconds, answer, whole ring and talk seconds, queue, caller', () => {
    const c = { ...call({ direction: 'outbound', callerExtension: '101', startedAt: '2026-11-23T19:57:08.999Z' }), queue: 'sales', answeredAt: '2026-11-23T19:57:15.000Z', ringSeconds: 6.6, talkSeconds: 42 };
    const [row] = write(new WrittenCalls(), [{ call: c }]);
    assert.deepEqual(row!.params.slice(-6), [Date.UTC(2026, 10, 23, 19, 57, 8) / 1000, '2026-11-23T19:57:15.000Z', 7, 42, 'sales', '101']);
  });

  test('the same call twice in one batch: the second is planned against the first', () => {
    const ops = write(new WrittenCalls(), [{ call: call({ rang: ['101'] }), links: [contact] }, { call: call({ rang: ['101', '102'] }), links: [contact] }]);
    assert.deepEqual(named(ops), ['upsertCall', 'deleteExtensions', 'insertExtension 101 rang', 'insertLink contact c1 matched', 'upsertCall', 'insertExtension 102 rang']);
  });

  test('a failed batch is forgotten: the next write of its calls is whole again', () => {
    const memory = new WrittenCalls();
    write(memory, [{ call: call({ rang: ['101'] }), links: [contact] }]);
    const failed = planWrites([{ call: call({ rang: ['101', '102'] }) }], memory, NOW);
    failed.failed();
    const ops = write(memory, [{ call: call({ rang: ['101', '102'] }), links: [contact] }]);
    assert.deepEqual(named(ops), ['upsertCall', 'deleteExtensions', 'insertExtension 101 rang', 'insertExtension 102 rang', 'insertLink contact c1 matched']);
  });

  test('a plan not committed changes nothing', () => {
    const memory = new WrittenCalls();
    planWrites([{ call: call({ rang: ['101'] }) }], memory, NOW);
    assert.equal(memory.get('default:1.0'), undefined);
  });

  test('an ended call leaves the open calls; a late update (the Cdr) still writes only its row', () => {
    const memory = new WrittenCalls();
    write(memory, [{ call: call({ rang: ['101'] }) }]);
    assert.equal(memory.openSize, 1);
    write(memory, [{ call: call({ rang: ['101'], status: 'ended', endedAt: NOW }) }]);
    assert.equal(memory.openSize, 0);
    assert.deepEqual(named(write(memory, [{ call: call({ rang: ['101'], status: 'ended', endedAt: NOW, disposition: 'answered' }) }])), ['upsertCall']);
  });
});
