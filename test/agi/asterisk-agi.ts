/**
 * An Asterisk-like FastAGI client for tests: it connects to our server as Asterisk's AGI() does,
 * sends a real request block, and answers each command the way res_agi.c's run_agi() and
 * agi_handle_command() do (200 / 510 / 511 / multi-line 520), including the `HANGUP` line when the
 * channel hangs up and the AGISTATUS Asterisk would set. Also a port of res_agi.c's parse_args(),
 * to check that what we quote reads back as we meant it.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';

export const FIXTURES = new URL('../fixtures/ami-transcripts/', import.meta.url);
/** The exact bytes Asterisk 20 sent in scenario 10. */
export const REQUEST_BYTES = readFileSync(new URL('fastagi-request.txt', FIXTURES));

/**
 * res_agi.c `parse_args()`, line for line: whitespace splits words unless quoted or escaped, `"`
 * toggles quoting (opening a word when it starts one), `\` makes the next character literal.
 */
export function parseArgs(line: string): string[] {
  const argv: string[] = [];
  let quoted = false;
  let escaped = false;
  let whitespace = true;
  const normal = (ch: string): void => {
    if (whitespace) {
      argv.push('');
      whitespace = false;
    }
    argv[argv.length - 1] += ch;
    escaped = false;
  };
  for (const ch of line) {
    switch (ch) {
      case '"':
        if (escaped) {
          normal(ch);
          break;
        }
        quoted = !quoted;
        if (quoted && whitespace) {
          argv.push('');
          whitespace = false;
        }
        escaped = false;
        break;
      case ' ':
      case '\t':
        if (!quoted && !escaped) whitespace = true;
        else normal(ch);
        break;
      case '\\':
        if (escaped) normal(ch);
        else escaped = true;
        break;
      default:
        normal(ch);
    }
  }
  return argv;
}

/** What Asterisk would set AGISTATUS to, from what the server did. */
export type AgiStatus = 'SUCCESS' | 'FAILURE';

export interface FakeAsteriskOptions {
  port: number;
  /** The request block to send. Default: the real one from scenario 10. */
  request?: Buffer;
  /** Send the request in pieces of these sizes (cycling), one write each. Default: one write. */
  chunkSizes?: readonly number[];
  /** Variables the channel already has (for GET VARIABLE). */
  variables?: Record<string, string>;
  /** Never answer commands (a PBX that vanished without closing). */
  silent?: boolean;
  /** Called for each command before the built-in answer; return a reply (lines) to send instead. */
  onCommand?: (line: string, asterisk: FakeAsterisk) => string | undefined;
}

const USAGE_SET_VARIABLE = [
  '520-Invalid command syntax.  Proper usage follows:',
  ' Usage: SET VARIABLE <variablename> <value>',
  '',
  '   Sets a variable to the current channel.',
  '520 End of proper usage.',
  '',
].join('\n');

export class FakeAsterisk {
  readonly socket: net.Socket;
  /** Channel variables as the dialplan would see them after the AGI. */
  readonly variables = new Map<string, string>();
  /** Command lines received, as sent (without LF). */
  readonly commands: string[] = [];
  /** Resolves when the AGI ends, with the AGISTATUS Asterisk would set. */
  readonly status: Promise<AgiStatus>;
  /** Every byte the server sent. */
  received = Buffer.alloc(0);
  dead = false;
  readonly #options: FakeAsteriskOptions;
  #pending = Buffer.alloc(0);
  #settle!: (status: AgiStatus) => void;
  #settled = false;

  private constructor(socket: net.Socket, options: FakeAsteriskOptions) {
    this.socket = socket;
    this.#options = options;
    for (const [k, v] of Object.entries(options.variables ?? {})) this.variables.set(k, v);
    this.status = new Promise((resolve) => (this.#settle = resolve));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    // The server closed its side: run_agi() reads EOF, the script "completed"; Asterisk then
    // sends HANGUP (send_sighup) and closes.
    socket.on('end', () => {
      this.#finish('SUCCESS');
      if (!socket.destroyed && !socket.writableEnded) socket.end('HANGUP\n');
    });
    socket.on('close', () => this.#finish('SUCCESS'));
    socket.on('error', () => undefined);
  }

  /** Connects and sends the request block, as Asterisk's launch_netscript() + setup_env() do. */
  static async call(options: FakeAsteriskOptions): Promise<FakeAsterisk> {
    const socket = net.connect({ port: options.port, host: '127.0.0.1', noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const asterisk = new FakeAsterisk(socket, options);
    const request = options.request ?? REQUEST_BYTES;
    if (!options.chunkSizes) socket.write(request);
    else {
      for (let at = 0, i = 0; at < request.length; i++) {
        const size = options.chunkSizes[i % options.chunkSizes.length]!;
        socket.write(request.subarray(at, at + size));
        at += size;
        // Let each piece go out on its own (no coalescing in our own buffer).
        await new Promise((r) => setImmediate(r));
      }
    }
    return asterisk;
  }

  /** The channel hangs up: Asterisk sends `HANGUP` and runs on in dead mode. */
  hangup(): void {
    this.dead = true;
    this.socket.write('HANGUP\n');
  }

  /** The PBX end vanishes (crash, cable): the socket is cut. */
  destroy(): void {
    this.socket.destroy();
  }

  #finish(status: AgiStatus): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle(status);
  }

  #onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    this.#pending = Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const nl = this.#pending.indexOf(0x0a);
      if (nl < 0) return;
      const line = this.#pending.toString('utf8', 0, nl);
      this.#pending = this.#pending.subarray(nl + 1);
      // run_agi(): a line starting with "failure" ends the AGI with AGISTATUS=FAILURE.
      if (/^failure/i.test(line)) {
        this.#finish('FAILURE');
        this.socket.end();
        return;
      }
      this.commands.push(line);
      if (this.#options.silent) continue;
      const custom = this.#options.onCommand?.(line, this);
      this.socket.write(custom ?? this.#answer(line));
    }
  }

  #answer(line: string): string {
    const argv = parseArgs(line);
    const words = argv.map((w) => w.toLowerCase());
    const is = (...cmd: string[]): boolean => cmd.every((w, i) => words[i] === w);
    if (is('set', 'variable')) {
      if (argv.length !== 4) return USAGE_SET_VARIABLE;
      this.variables.set(argv[2]!, argv[3]!);
      return '200 result=1\n';
    }
    if (is('get', 'variable')) {
      const v = this.variables.get(argv[2] ?? '');
      return v === undefined ? '200 result=0\n' : `200 result=1 (${v})\n`;
    }
    if (is('verbose')) return argv.length < 2 ? '520 Invalid command syntax.  Proper usage not available.\n' : '200 result=1\n';
    if (is('answer') || is('stream', 'file')) {
      // Not allowed on a dead channel (their `dead` flag is 0 in res_agi.c's command table).
      return this.dead ? '511 Command Not Permitted on a dead channel or intercept routine\n' : '200 result=0\n';
    }
    return '510 Invalid or unknown command\n';
  }
}
