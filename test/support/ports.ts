/**
 * Ports for tests that start listeners or whole service processes: one free now, or one held by
 * "another program" that accepts connections and never answers (closing it drops them, so a probe
 * left hanging on it cannot keep the test alive).
 */
import net from 'node:net';

export async function holdPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on now. */
export async function freePort(): Promise<number> {
  const held = await holdPort();
  await held.close();
  return held.port;
}
