/**
 * Socket helpers for the simulator: closing for sure, and writing a lot without ignoring
 * backpressure (the benchmark's blast).
 */
import type { Socket } from 'node:net';

/** Destroys the socket and resolves once it has closed. */
export function destroySocket(socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

/** Resolves true on 'drain', false if the connection closed first. */
function drained(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = (): void => settle(true);
    const onClose = (): void => settle(false);
    const settle = (ok: boolean): void => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(ok);
    };
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}

/**
 * Writes `payload` `repeat` times, waiting for 'drain' whenever write() says the buffer is full,
 * so memory stays bounded however slow the reader. Resolves when the last byte has left our
 * buffer for the kernel, or when the connection closes.
 */
export async function pump(socket: Socket, payload: Buffer, repeat: number): Promise<void> {
  for (let i = 0; i < repeat - 1; i++) {
    if (socket.destroyed) return;
    if (!socket.write(payload) && !(await drained(socket))) return;
  }
  if (repeat < 1 || socket.destroyed) return;
  // The last write's callback runs once it, and so everything before it, has been flushed.
  await new Promise<void>((resolve) => {
    const onClose = (): void => resolve();
    socket.once('close', onClose);
    socket.write(payload, () => {
      socket.off('close', onClose);
      resolve();
    });
  });
}
