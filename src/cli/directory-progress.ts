/**
 * Progress for the long directory commands (import, seed), on stderr: a live bar on a terminal;
 * when stderr is a file or a pipe, a plain line at every tenth of big jobs (no control codes in
 * logs), and nothing for small ones.
 */
import cliProgress from 'cli-progress';
import { translator, type Translator } from '../i18n/translator.ts';
import type { CliOutput } from './io.ts';

export interface Progress {
  /** `value` of `total` done; `detail` is shown after the bar ("12,000 rows, 3 skipped"). */
  update(value: number, detail: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** What is counted, for the bar's label ("bytes" shows as a percentage of the file). */
  label: string;
  total: number;
  /** Below this total, a non-terminal gets no progress lines at all. */
  plainFrom: number;
  /** The language of the bar's words (the command line's); default English. */
  texts?: Translator;
}

export function startProgress(stderr: CliOutput, options: ProgressOptions): Progress {
  const texts = options.texts ?? translator('en');
  if (isTerminal(stderr)) {
    // cli-progress fills in its own {placeholders}: they go through the message as values.
    const placeholders = { bar: '{bar}', percentage: '{percentage}', detail: '{detail}', elapsed: '{duration_formatted}', eta: '{eta_formatted}' };
    const bar = new cliProgress.SingleBar(
      {
        stream: stderr,
        format: texts.t('cli.progress.bar', { label: options.label, ...placeholders }),
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(options.total, 1), 0, { detail: '' });
    return {
      update: (value, detail) => bar.update(Math.min(value, options.total), { detail }),
      stop: () => bar.stop(),
    };
  }
  if (options.total < options.plainFrom) return { update: () => {}, stop: () => {} };
  let nextTenth = 1;
  return {
    update: (value, detail) => {
      const tenth = Math.floor((value / options.total) * 10);
      if (tenth < nextTenth || tenth >= 10) return;
      nextTenth = tenth + 1;
      stderr.write(`${texts.t('cli.progress.line', { label: options.label, percent: String(tenth * 10), detail })}\n`);
    },
    stop: () => {},
  };
}

/** process.stderr on a terminal; a test's collector or a redirected stream is not. */
function isTerminal(out: CliOutput): out is NodeJS.WriteStream {
  return (out as Partial<NodeJS.WriteStream>).isTTY === true && typeof (out as Partial<NodeJS.WriteStream>).cursorTo === 'function';
}
