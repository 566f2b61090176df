/**
 * Before the service changes anything (the first administrator, the store, the PBX sessions), it
 * makes sure it can listen where it is told to: a port already taken (a CRM or a second copy of
 * this service on the same host is common) or not allowed (below 1024 without the right to it)
 * stops the start at once with the variable to change, instead of a half-started service or
 * Node.js's bare `EADDRINUSE`. Listening later can still lose a race for the port: `listenError`
 * words that the same way.
 */
import net from 'node:net';
import { CrmTelephonyError } from '../errors.ts';

export interface PortNeed {
  /** The variable that sets the port (`HTTP_PORT`, `AGI_PORT`). */
  variable: string;
  /** The variable that sets the address (`HTTP_HOST`, `AGI_HOST`). */
  hostVariable: string;
  host: string;
  port: number;
  /** What listens there, for the message ("the web console and API", "FastAGI"). */
  what: string;
  /** What else may be done instead of another port, when there is something ("or 0 to turn FastAGI off"). */
  alternative?: string;
}

/** Binds and closes each port in turn (port 0 needs nothing); the first that fails is thrown, worded. */
export async function assertPortsFree(needs: readonly PortNeed[]): Promise<void> {
  for (const need of needs) {
    if (need.port === 0) continue;
    const err = await tryListen(need.host, need.port);
    if (err === null) continue;
    throw listenError(need, err, err.code === 'EADDRINUSE' ? await freePortNear(need.host, need.port) : null);
  }
}

/** Listens on `host:port` and closes again: null when that worked, else why not. */
function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** A listen failure in words: what could not listen where, why, and which variable to change. */
export function listenError(need: PortNeed, err: NodeJS.ErrnoException, suggestion: number | null = null): Error {
  const where = `${need.host.includes(':') ? `[${need.host}]` : need.host}:${need.port}`;
  const instead = need.alternative ? ` (${need.alternative})` : '';
  let message: string;
  switch (err.code) {
    case 'EADDRINUSE':
      message = `Port ${need.port} on ${need.host} is already in use by another program, so ${need.what} cannot listen at ${where}. Set ${need.variable} to a free port${instead}${suggestion === null ? '' : ` (${suggestion} is free now: ${need.variable}=${suggestion})`} and start again, or stop the program that holds it.`;
      break;
    case 'EACCES':
      message = `This user may not listen on port ${need.port} (ports below 1024 need extra rights), so ${need.what} cannot listen at ${where}. Set ${need.variable} to a port of 1024 or more${instead} and start again.`;
      break;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      message = `${need.host} is not an address of this machine, so ${need.what} cannot listen at ${where}. Set ${need.hostVariable} to one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for every network) and start again.`;
      break;
    default:
      return err;
  }
  return new CrmTelephonyError('SERVICE_ERR_PORT_UNAVAILABLE', message, { variable: need.variable, host: need.host, port: need.port, syscallCode: err.code }, { cause: err });
}

/** The first of the next 20 ports that is free at `host` now, or null. */
async function freePortNear(host: string, port: number): Promise<number | null> {
  for (let p = port + 1; p <= Math.min(65535, port + 20); p++) if ((await tryListen(host, p)) === null) return p;
  return null;
}
