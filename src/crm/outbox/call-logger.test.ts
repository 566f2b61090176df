import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrmErrorCodes, CrmTelephonyError } from '../crm-errors.ts';
import { defaultBackoff } from './call-logger.ts';

test('the default backoff: 1 s doubling to 5 min, each between half and all of it, never given up', () => {
  const down = new CrmTelephonyError(CrmErrorCodes.CRM_ERR_UNREACHABLE, 'down');
  for (const attempt of [1, 2, 3, 5, 9, 10, 50, 10_000]) {
    const base = Math.min(300_000, 1000 * 2 ** (attempt - 1));
    for (let i = 0; i < 50; i++) {
      const delay = defaultBackoff(attempt, down);
      assert.ok(delay !== false && delay >= base / 2 && delay <= base, `attempt ${attempt}: ${String(delay)} ms within ${base / 2}..${base}`);
    }
  }
});

test('after a timeout the default backoff waits at least 30 s: the create may still be running in SuiteCRM', () => {
  const timeout = new CrmTelephonyError(CrmErrorCodes.CRM_ERR_TIMEOUT, 'slow');
  assert.ok((defaultBackoff(1, timeout) as number) >= 30_000);
  const late = defaultBackoff(12, timeout) as number;
  assert.ok(late >= 150_000 && late <= 300_000, String(late));
});
