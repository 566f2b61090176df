/**
 * npm asterisk-manager over TCP. It decodes with `setEncoding('utf-8')` and splits lines with a
 * regular expression; it lower-cases keys, turns a repeated key into an array and folds
 * `Variable`/`ChanVariable` lines into one NAME -> value object, and emits each event on
 * `process.nextTick`.
 */
import Manager, { type AsteriskManagerEvent } from 'asterisk-manager';
import { withDeadline, type Session, type Target, type TcpContender } from './contender.ts';

export const asteriskManager: TcpContender<AsteriskManagerEvent> = {
  async open(target: Target, onEvent, onBroken): Promise<Session> {
    // No port here: the factory would then connect and log in with no way to learn the outcome.
    const ami = Manager(undefined, target.host, target.username, target.secret, true);
    let open = false;
    ami.on('managerevent', onEvent);
    ami.on('error', (err) => onBroken(`socket error: ${err.message}`));
    ami.on('close', () => {
      if (open) onBroken('connection closed');
    });
    await withDeadline(
      'asterisk-manager login',
      15_000,
      new Promise<void>((resolve, reject) => {
        ami.connect(target.port, target.host, () =>
          ami.login((err) => (err ? reject(new Error(`login refused: ${JSON.stringify(err)}`)) : resolve())),
        );
      }),
    );
    open = true;
    return {
      close: async () => {
        open = false;
        const closed = new Promise<void>((resolve) => ami.once('close', resolve));
        ami.disconnect();
        await withDeadline('asterisk-manager disconnect', 5_000, closed).catch(() => undefined);
      },
    };
  },
  seqOf: (event) => event['benchseq'],
  fieldsOf: (event) => {
    const out: [string, string][] = [];
    for (const key of Object.keys(event)) {
      const value = event[key]!;
      if (typeof value === 'string') out.push([key, value]);
      else if (Array.isArray(value)) for (const v of value) out.push([key, v]);
      // Folded `Variable`/`ChanVariable` lines, put back as lines. `{NAME: ''}` stands for both
      // `NAME` and `NAME=`; the transcripts only hold the former (VarSet's `Variable: NAME`), so
      // read it that way, in the library's favour.
      else for (const [name, v] of Object.entries(value)) out.push([key, v === '' ? name : `${name}=${v}`]);
    }
    return out;
  },
};
