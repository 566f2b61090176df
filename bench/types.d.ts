/**
 * Just enough types for the two untyped CommonJS AMI libraries the benchmarks compare against.
 * Written from their sources (node_modules/asterisk-manager/lib/ami.js, node_modules/yana/ami.js).
 */

declare module 'asterisk-manager' {
  /**
   * An event as asterisk-manager hands it out: keys lower-cased; a repeated key becomes an array;
   * `variable` and `chanvariable` lines become one object of NAME -> value.
   */
  export type AsteriskManagerEvent = Record<string, string | string[] | Record<string, string>>;

  export interface AsteriskManager {
    on(event: 'managerevent', listener: (event: AsteriskManagerEvent) => void): unknown;
    on(event: 'close' | 'end' | 'connect', listener: () => void): unknown;
    on(event: 'error', listener: (err: Error) => void): unknown;
    once(event: 'close', listener: () => void): unknown;
    /** Opens the TCP connection; `callback` runs once it is open. */
    connect(port: number, host: string, callback?: () => void): void;
    /** Logs in with the username and password given to the factory. */
    login(callback?: (err?: AsteriskManagerEvent) => void): void;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
  }

  /** Connects at once when `port` is given; pass no port to connect and log in by hand. */
  export default function Manager(
    port?: number,
    host?: string,
    username?: string,
    password?: string,
    events?: boolean,
  ): AsteriskManager;
}

declare module 'yana' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  /** An event as yana hands it out: keys as sent; a repeated key becomes an array. */
  export type YanaMessage = Record<string, string | string[]>;

  export interface YanaOptions {
    host?: string;
    port?: number;
    login: string;
    password: string;
    events?: boolean;
    reconnect?: boolean;
  }

  export default class AMI extends EventEmitter {
    constructor(options: YanaOptions);
    /** Connects and logs in; `callback` runs on the 'connect' event (logged in). */
    connect(callback?: () => void): void;
    /** Sends Logoff and ends the socket once Asterisk answers. */
    disconnect(callback?: () => void): void;
    send(action: Record<string, string | string[]>, callback?: (response: YanaMessage) => void): void;
    socket: Socket;
  }
}
