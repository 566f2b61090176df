/**
 * npm yana over TCP. Its LineSocket appends each chunk to a string (`buffer += chunk`, a Buffer
 * turned to text on its own) and splits on CRLF; lines become `Key: value` by the regular
 * expression `/(.+?):\s*(.*)/`; a repeated key becomes an array.
 */
import AMI, { type YanaMessage } from 'yana';
import { objectFields, withDeadline, type Session, type Target, type TcpContender } from './contender.ts';

export const yana: TcpContender<YanaMessage> = {
  async open(target: Target, onEvent, onBroken): Promise<Session> {
    const ami = new AMI({
      host: target.host,
      port: target.port,
      login: target.username,
      password: target.secret,
      events: true,
      reconnect: false,
    });
    let open = false;
    let failLogin: (err: Error) => void = () => undefined;
    ami.on('error', (err: unknown) => {
      if (open) onBroken(String(err));
      else failLogin(new Error(String(err)));
    });
    ami.on('event', onEvent);
    await withDeadline(
      'yana login',
      15_000,
      new Promise<void>((resolve, reject) => {
        failLogin = reject;
        ami.connect(() => resolve());
      }),
    );
    open = true;
    return {
      close: async () => {
        open = false;
        // yana ends the socket only once Logoff is answered: do not wait for that forever.
        await withDeadline('yana disconnect', 2_000, new Promise<void>((resolve) => ami.disconnect(resolve))).catch(() => undefined);
        ami.socket.destroy();
      },
    };
  },
  seqOf: (event) => event['BenchSeq'],
  fieldsOf: (event) => objectFields(event),
};
