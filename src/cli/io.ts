/**
 * What a command may touch of the outside world, passed in so that tests run commands in-process
 * with strings for stdout and stderr, their own environment, and an AbortSignal instead of Ctrl-C.
 */

/** Where a command writes; `process.stdout` fits, and so does a test's string collector. */
export interface CliOutput {
  write(chunk: string): unknown;
}

export interface CliIo {
  /** Results only (JSON), so that `crm-telephony ... | jq` works. */
  stdout: CliOutput;
  /** Notices, warnings and errors, in words. */
  stderr: CliOutput;
  /** The environment; commands read a variable only through `setting()` (settings.ts), by the one schema. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Stops a long-running command (`ami tail`) cleanly. When absent, the command stops on SIGINT
   * or SIGTERM instead.
   */
  signal?: AbortSignal;
  /** Everything piped in (a secret to encrypt, never a command-line argument that shells remember). */
  readStdin?: () => Promise<string>;
}

/** What was piped in, without its final line break: a secret or password given on one line. */
export async function pipedLine(io: CliIo): Promise<string> {
  return (await (io.readStdin?.() ?? Promise.resolve(''))).replace(/\r?\n$/, '');
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/**
 * An AbortSignal fired by the first SIGINT or SIGTERM. Listening only while a long command runs
 * (not for the whole process) keeps Ctrl-C's default meaning, "stop now", everywhere else; and a
 * second Ctrl-C during a slow shutdown still kills the process, since each listener fires once.
 */
export function stopOnProcessSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
