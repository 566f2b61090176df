/**
 * `crm-telephony serve`: the service itself, as `npm start` runs it, for a process manager (systemd,
 * docs/deploy/) that starts one program and stops it with SIGTERM. Settings come from the
 * environment only, as for `npm start`; the process ends when the service stops.
 */
import type { CliIo } from './io.ts';
import { runService } from '../service/run-service.ts';

export const SERVE_USAGE = `Usage: crm-telephony serve

Runs the service in the foreground with the settings in the environment (README, "Settings"), as
"npm start" does. SIGTERM or SIGINT stops it within a few seconds, its work saved; exit status 0
then, 1 when the start failed (the message says what to change), 2 when a setting is wrong.
`;

export async function serve(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(SERVE_USAGE);
    return 0;
  }
  if (args.length > 0) {
    io.stderr.write(`error: serve takes no arguments; settings come from the environment.\n\n${SERVE_USAGE}`);
    return 2;
  }
  runService();
  // The service ends the process itself when it stops.
  return new Promise<number>(() => undefined);
}
