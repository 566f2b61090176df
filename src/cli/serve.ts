/**
 * `crm-telephony serve`: the service itself, as `npm start` runs it, for a process manager (systemd,
 * docs/deploy/) that starts one program and stops it with SIGTERM. Settings come from the
 * environment only, as for `npm start`; the process ends when the service stops.
 */
import type { Translator } from '../i18n/translator.ts';
import type { CliIo } from './io.ts';
import { cliTexts } from './settings.ts';
import { runService } from '../service/run-service.ts';

export function serveUsage(texts: Translator): string {
  return texts.t('cli.serve.usage');
}

export async function serve(args: string[], io: CliIo): Promise<number> {
  const texts = cliTexts(io.env);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(serveUsage(texts));
    return 0;
  }
  if (args.length > 0) {
    io.stderr.write(`${texts.t('cli.main.error', { message: texts.t('cli.serve.noArguments') })}\n\n${serveUsage(texts)}`);
    return 2;
  }
  runService();
  // The service ends the process itself when it stops.
  return new Promise<number>(() => undefined);
}
