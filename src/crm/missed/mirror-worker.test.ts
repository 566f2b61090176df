/**
 * The mirror worker's own decisions over a CRM in memory (SQLite in memory): what it does when the
 * CRM's call was deleted by a person, when it is stopped in the middle of a create, and that the
 * embedded CRM gets no worker at all. SuiteCRM itself: test/crm/missed-mirror.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../store/store.ts';
import type { CallbackState, CrmPort } from '../crm-port.ts';
import { CrmErrorCodes, CrmTelephonyError } from '../crm-errors.ts';
import { createMissedMirror, type MissedMirror } from './mirror-worker.ts';
import { mirrorDb } from './mirror-tables.ts';

/** A CRM that keeps planned calls in a map; each method can be replaced. */
function memoryCrm(over: Partial<CrmPort> = {}): CrmPort & { calls: Map<string, CallbackState>; log: string[] } {
  const calls = new Map<string, CallbackState>();
  const log: string[] = [];
  let n = 0;
  const base: CrmPort = {
    name: 'memory',
    source: 'memory',
    logsCalls: true,
    plansCallbacks: true,
    syncFull: () => Promise.reject(new Error('unused')),
    syncIncremental: () => Promise.reject(new Error('unused')),
    recordUrl: () => null,
    createRecord: () => Promise.reject(new Error('unused')),
    logCall: () => Promise.reject(new Error('unused')),
    updateCall: () => Promise.resolve(),
    linkCall: () => Promise.resolve(),
    unlinkCall: () => Promise.resolve(),
    planCallback: (state) => {
      log.push(`create ${state.itemId}`);
      const id = `call-${++n}`;
      calls.set(id, state);
      return Promise.resolve(id);
    },
    findCallback: (state) => {
      log.push(`find ${state.itemId}`);
      return Promise.resolve([...calls].find(([, s]) => s.itemId === state.itemId)?.[0] ?? null);
    },
    updateCallback: (id, state) => {
      log.push(`update ${state.itemId} ${state.status}`);
      if (!calls.has(id)) return Promise.reject(new CrmTelephonyError(CrmErrorCodes.CRM_ERR_NOT_FOUND, 'SuiteCRM has no such record.'));
      calls.set(id, state);
      return Promise.resolve();
    },
  };
  return Object.assign(base, over, { calls, log });
}

let seq = 0;
async function openItem(store: Store): Promise<string> {
  const id = `item-${++seq}`;
  const at = '2026-12-07T10:40:05.000Z';
  await store.db
    .insertInto('missed_items')
    .values({ id, pbx: 'default', number: `+7495000000${seq}`, status: 'open', owner_reason: 'nobody', level: 0, miss_count: 1, first_call_id: `c${seq}`, last_call_id: `c${seq}`, first_missed_at: at, last_missed_at: at, version: 1, created_at: at, updated_at: at })
    .execute();
  return id;
}

async function change(store: Store, id: string, set: { miss_count?: number; status?: 'closed'; close_reason?: 'callback' }): Promise<void> {
  await store.db
    .updateTable('missed_items')
    .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

describe('the missed-call mirror worker', () => {
  let store: Store;
  const mirrors: MissedMirror[] = [];
  const mirror = (crm: CrmPort): MissedMirror => {
    const m = createMissedMirror({ store, crm, pollMs: 20, backoff: () => 20 });
    mirrors.push(m);
    m.start();
    return m;
  };
  before(async () => {
    store = await openStore({ url: ':memory:' });
  });
  after(async () => {
    for (const m of mirrors) await m.stop();
    await store.close();
  });

  test('a planned call a person deleted in the CRM is not written again, whatever the item does next', async () => {
    const crm = memoryCrm();
    const m = mirror(crm);
    const id = await openItem(store);
    await m.idle(5000);
    assert.deepEqual(crm.log, [`create ${id}`]);
    crm.calls.clear();
    await change(store, id, { miss_count: 2 });
    await m.idle(5000);
    await change(store, id, { status: 'closed', close_reason: 'callback' });
    await m.idle(5000);
    assert.deepEqual(crm.log, [`create ${id}`, `update ${id} open`], 'one update found it gone; nothing after');
    const row = await mirrorDb(store).selectFrom('missed_crm_calls').selectAll().where('item_id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([row.state, row.settled], ['done', 1]);
    await m.stop();
  });

  test('stopped in the middle of a create: released at once, and the next start looks for the call before creating', async () => {
    let entered!: () => void;
    const inCreate = new Promise<void>((r) => (entered = r));
    const hanging = memoryCrm({
      planCallback: (_state, options) =>
        new Promise((_resolve, reject) => {
          entered();
          options?.signal?.addEventListener('abort', () => reject(new CrmTelephonyError(CrmErrorCodes.CRM_ERR_STOPPED, 'stopped')));
        }),
    });
    const first = mirror(hanging);
    const id = await openItem(store);
    first.wake();
    await inCreate;
    await first.stop();
    const row = await mirrorDb(store).selectFrom('missed_crm_calls').selectAll().where('item_id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([row.state, row.attempts, row.post_started, row.lease_until], ['pending', 0, 1, null], 'given back, not counted as a failure');

    const crm = memoryCrm();
    const second = mirror(crm);
    await second.idle(5000);
    assert.deepEqual(crm.log, [`find ${id}`, `create ${id}`]);
    await second.stop();
  });

  test('a CRM with no planned calls (the embedded one) runs no worker', async () => {
    const crm = memoryCrm({ plansCallbacks: false });
    const m = mirror(crm);
    await openItem(store);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(crm.log, []);
    assert.equal((await m.status()).running, false);
  });
});
