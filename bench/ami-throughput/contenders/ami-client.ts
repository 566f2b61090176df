/** Our own AmiClient (src/ami/client.ts) over TCP. */
import { AmiClient } from '../../../src/ami/client.ts';
import type { AmiMessage } from '../../../src/ami/message.ts';
import { noReconnect } from '../../../src/ami/reconnect-strategy.ts';
import { withDeadline, type Session, type Target, type TcpContender } from './contender.ts';

export const amiClient: TcpContender<AmiMessage> = {
  async open(target: Target, onEvent, onBroken): Promise<Session> {
    const client = new AmiClient({
      id: 'bench',
      host: target.host,
      port: target.port,
      username: target.username,
      secret: target.secret,
      keepaliveIntervalMs: 0,
      reconnect: noReconnect,
    });
    client.on('event', onEvent);
    client.on('disconnect', (cause) => onBroken(`${cause.code}: ${cause.message}`));
    client.on('decode-error', (err) => onBroken(`${err.code}: ${err.message}`));
    await withDeadline('AmiClient connect', 15_000, client.connect());
    return { close: () => withDeadline('AmiClient close', 5_000, client.close()) };
  },
  seqOf: (message) => message.get('BenchSeq'),
  fieldsOf: (message) => message.fields,
};
