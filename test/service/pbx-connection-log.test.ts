/**
 * The PBX connection in the log: every retry says why and when the next comes; a cause is a
 * warning the first time (and again after the PBX was reached, or after another cause), the same
 * cause again is info. Secrets never appear (the client's messages hold none).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AmiClient } from '../../src/ami/client.ts';
import { CrmTelephonyError, ErrorCodes } from '../../src/errors.ts';
import { logPbxConnection } from '../../src/service/pbx-connection-log.ts';

test('warn once per distinct cause, then info on every retry; warn again after a recovery', () => {
  const lines: { level: number; msg: string; code?: string; retryInMs?: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const client = Object.assign(new EventEmitter(), { id: 'pbx1' });
  logPbxConnection(client as unknown as AmiClient, log);

  const auth = new CrmTelephonyError(ErrorCodes.AMI_ERR_AUTH, 'PBX "pbx1" refused the AMI login for user "crm" (Authentication failed): check AMI_SECRET.');
  const down = new CrmTelephonyError(ErrorCodes.AMI_ERR_LOGIN_REFUSED, 'PBX "pbx1" refused the AMI login for user "crm" (Asterisk is shutting down).');
  const retry = (attempt: number, cause: CrmTelephonyError, delayMs: number): boolean => client.emit('reconnecting', { attempt, delayMs, cause });
  retry(1, auth, 60_000);
  retry(2, auth, 60_000);
  retry(3, down, 500);
  retry(4, auth, 60_000);
  client.emit('ready', { id: 'pbx1', version: '9.0.0', reconnected: true });
  retry(1, auth, 60_000);

  const WARN = 40;
  const INFO = 30;
  assert.deepEqual(
    lines.map((l) => [l.level, l.code, l.retryInMs]),
    [
      [WARN, 'AMI_ERR_AUTH', 60_000],
      [INFO, 'AMI_ERR_AUTH', 60_000],
      [WARN, 'AMI_ERR_LOGIN_REFUSED', 500],
      [WARN, 'AMI_ERR_AUTH', 60_000],
      [WARN, 'AMI_ERR_AUTH', 60_000],
    ],
  );
  assert.match(lines[1]!.msg, /Authentication failed.*Trying again in 60 s\.$/);
  assert.match(lines[2]!.msg, /Asterisk is shutting down.*Trying again in 0\.5 s\.$/);
});
