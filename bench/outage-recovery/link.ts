/**
 * The network between the service and the PBX: a TCP relay the service connects to instead of the
 * simulator, so that one session can be cut while the truth's session stays up. (The simulator's
 * `dropClients()` drops every session at once, the observer's too, as a crashed PBX would.)
 *
 * `cut()` destroys both halves of every relayed connection at once, with whatever was in flight
 * (as a cable pulled or a firewall dropping the flow): the simulator sees its client vanish, the
 * service a connection reset, and each side's unread bytes are lost. The service reconnects
 * through the relay as it would to the PBX.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class Link {
  readonly #target: { host: string; port: number };
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  /** Connections the service opened through the link. */
  connections = 0;
  /** Connections `cut()` destroyed. */
  cutConnections = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
    this.#server = createServer((socket) => this.#relay(socket));
  }

  static async open(target: { host: string; port: number }): Promise<Link> {
    const link = new Link(target);
    await new Promise<void>((resolve, reject) => {
      link.#server.once('error', reject);
      link.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return link;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Relayed connections open now. */
  get open(): number {
    return this.#pairs.size;
  }

  /** Destroys every relayed connection, both halves; returns how many there were. */
  cut(): number {
    const n = this.#pairs.size;
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
    this.cutConnections += n;
    return n;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: Socket): void {
    this.connections++;
    const upstream = connect(this.#target);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    // pipe() carries backpressure both ways; an end or error on either side ends the pair.
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = (): void => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.on('error', drop);
      s.on('close', drop);
    }
  }
}
