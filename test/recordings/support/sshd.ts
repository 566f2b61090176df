/**
 * A real OpenSSH server on loopback for the SFTP tests and benchmark: Debian's `openssh-server`
 * (installed by `.ci/run`), started as a child process with a throwaway host key and client key in
 * a temporary folder, on a free port, with the `internal-sftp` subsystem. Nothing of the machine's
 * own sshd configuration is used.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = process.env['SSHD_PATH'] ?? '/usr/sbin/sshd';

/** Why the SFTP tests cannot run here, or null when they can. */
export function sshdMissing(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is missing: install Debian's openssh-server (bash .ci/run does), or set SSHD_PATH.`;
  if (spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error) return 'ssh-keygen is missing: install openssh-client.';
  return null;
}

export interface Sshd {
  host: string;
  port: number;
  user: string;
  /** The folder that holds everything: keys, config, and `files/` for the tests' recordings. */
  dir: string;
  /** Recordings folder served to the client (`<dir>/files/monitor`). */
  files: string;
  /** The client's private key (OpenSSH format), authorized on this server. */
  clientKey: Buffer;
  /** Another private key, not authorized. */
  wrongKey: Buffer;
  /** The server's host key fingerprint, `SHA256:...`. */
  hostKey: string;
  stop(): Promise<void>;
}

function keygen(path: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'crm-telephony-test', '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

function fingerprint(pubPath: string): string {
  const r = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' });
  const m = /(SHA256:[A-Za-z0-9+/]+)/.exec(r.stdout);
  if (!m) throw new Error(`ssh-keygen -l printed no fingerprint: ${r.stdout} ${r.stderr}`);
  return m[1]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startSshd(): Promise<Sshd> {
  const missing = sshdMissing();
  if (missing) throw new Error(missing);
  // sshd started as root insists on its privilege-separation folder.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'crmt-sshd-'));
  const files = join(dir, 'files', 'monitor');
  mkdirSync(files, { recursive: true });
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'wrong_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  const user = userInfo().username;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = join(dir, `sshd_config`);
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `AllowUsers ${user}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'MaxStartups 100:30:200',
        'MaxSessions 100',
        'Subsystem sftp internal-sftp',
        'LogLevel INFO',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    const ready = await new Promise<boolean>((resolve) => {
      let log = '';
      const timer = setTimeout(() => resolve(false), 10_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
        if (/Server listening on/.test(log)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        if (attempt >= 3) process.stderr.write(`sshd exited: ${log}\n`);
        resolve(false);
      });
    });
    if (!ready) {
      child.kill('SIGTERM');
      if (attempt < 3) continue; // the free port was taken in between: another one
      rmSync(dir, { recursive: true, force: true });
      throw new Error('sshd did not start (see its output above)');
    }
    // Keep draining its log so that the pipe never fills.
    child.stderr!.resume();
    return {
      host: '127.0.0.1',
      port,
      user,
      dir,
      files,
      clientKey: readFileSync(join(dir, 'client_key')),
      wrongKey: readFileSync(join(dir, 'wrong_key')),
      hostKey: fingerprint(join(dir, 'host_key.pub')),
      stop: () => stopChild(child, dir),
    };
  }
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
