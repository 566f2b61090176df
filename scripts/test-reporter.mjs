// node:test's spec reporter, telling which suites were skipped whole.
//
// A suite skipped with describe(name, { skip }) or describe.skip never runs its callback, so its
// tests are never created: node counts the suite under "suites" and nothing under "skipped", and
// the summary says "skipped 0" although a whole file's tests did not run. This reporter prints the
// spec reporter's output unchanged and, just before its summary ("ℹ tests N" ...), a line per
// skipped suite with its file, its path of suites and the reason given:
//
//   ℹ skipped suites 1 (their tests never ran; "skipped" below does not count them):
//   ℹ   test/recordings/sftp.test.ts › recordings over SFTP (set SFTP_TEST_URL to run these)
//
// Node's own summary lines stay the run's closing lines, as they were.
// Used by scripts/run-tests.mjs; works with Node.js 20, 22 and 24. The spec reporter is fed event
// by event and read back at once, not subclassed: Node 20 exports it as a factory, later lines as a
// class, and `new spec()` gives a reporter with either.
import { relative } from 'node:path';
import { spec as SpecReporter } from 'node:test/reporters';

/** The first line of node's summary: the run's own diagnostics at nesting 0, not a file's. */
const SUMMARY_START = /^tests \d+$/;

export default async function* skippedSuitesReporter(source) {
  const spec = new SpecReporter();
  spec.setEncoding('utf8');
  const skipped = new SkippedSuites();
  let told = false;
  for await (const event of source) {
    skipped.note(event);
    if (!told && isSummaryStart(event)) {
      told = true;
      yield skipped.lines();
    }
    // A Transform runs its transform as the event is written: what it says is there to read now.
    spec.write(event);
    for (let out = spec.read(); out !== null; out = spec.read()) yield out;
  }
  spec.end();
  // The spec reporter's list of failing tests, if any.
  for await (const out of spec) yield out;
  // No summary seen (a run cut short): said at the end rather than not at all.
  if (!told) yield skipped.lines();
}

function isSummaryStart({ type, data }) {
  return type === 'test:diagnostic' && data?.nesting === 0 && data.file === undefined && SUMMARY_START.test(data.message ?? '');
}

/** Suites reported as skipped (`test:pass` of a suite with `skip`), with their paths. */
class SkippedSuites {
  /** Per file, the names of the tests started at each nesting level (the path to a suite). */
  #started = new Map();
  /** `file › suite › suite (reason)`, in the order they were reported. */
  #skipped = [];

  note({ type, data }) {
    if (data === undefined || data === null) return;
    const file = data.file ?? '';
    if (type === 'test:start') {
      const path = this.#started.get(file) ?? [];
      path.length = data.nesting;
      path[data.nesting] = data.name;
      this.#started.set(file, path);
    } else if (type === 'test:pass' && data.skip !== undefined && data.skip !== false && data.details?.type === 'suite') {
      const parents = (this.#started.get(file) ?? []).slice(0, data.nesting);
      const where = [file === '' ? null : relative(process.cwd(), file), ...parents, data.name].filter((s) => s !== null && s !== undefined);
      const reason = typeof data.skip === 'string' && data.skip.length > 0 ? ` (${data.skip})` : '';
      this.#skipped.push(`${where.join(' › ')}${reason}`);
    }
  }

  lines() {
    if (this.#skipped.length === 0) return '';
    const head = `ℹ skipped suites ${this.#skipped.length} (their tests never ran; "skipped" below does not count them):\n`;
    return head + this.#skipped.map((s) => `ℹ   ${s}\n`).join('');
  }
}
