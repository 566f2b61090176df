/**
 * Issue 16: the test summary said "skipped 0" while a whole suite was skipped (node counts a
 * describe(..., { skip }) under "suites" and never creates its tests). scripts/run-tests.mjs, run on
 * a directory of its own, names each skipped suite with its reason before node's summary.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUN_TESTS = fileURLToPath(new URL('../../scripts/run-tests.mjs', import.meta.url));
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-tests-'));
  mkdirSync(join(dir, 'test', 'nested'), { recursive: true });
  writeFileSync(
    join(dir, 'test', 'nested', 'sftp.test.ts'),
    [
      "import { describe, test } from 'node:test';",
      "describe('recordings over SFTP', { skip: 'no SFTP server: set SFTP_TEST_URL' }, () => {",
      "  test('lists the files', () => {});",
      '});',
      "test('a plain test passes', () => {});",
    ].join('\n'),
  );
  writeFileSync(join(dir, 'test', 'other.test.ts'), "import { test } from 'node:test';\ntest('another passes', () => {});\n");
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** run-tests.mjs in `dir`: its exit status and what it printed. */
function runTests(...filters: string[]): Promise<{ status: number; out: string }> {
  // Without the outer runner's NODE_TEST_CONTEXT: with it, node would take the inner run for a
  // test file of this one and skip running its files.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [RUN_TESTS, ...filters], { cwd: dir, timeout: 60_000, env: { ...env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

test('a suite skipped whole is named with its file and reason, before the summary that does not count it', async () => {
  const { status, out } = await runTests();
  assert.equal(status, 0, out);
  const lines = out.split('\n');
  const told = lines.findIndex((l) => l.startsWith('ℹ skipped suites 1'));
  assert.ok(told >= 0, out);
  assert.equal(lines[told + 1], 'ℹ   test/nested/sftp.test.ts › recordings over SFTP (no SFTP server: set SFTP_TEST_URL)');
  assert.ok(lines.findIndex((l) => l === 'ℹ tests 2') > told, 'node\'s own summary comes after, unchanged');
  assert.ok(lines.includes('ℹ skipped 0'), out);
  assert.ok(lines.includes('ℹ pass 2'), out);
});

test('a run without skipped suites says nothing of them', async () => {
  const { status, out } = await runTests('other.test');
  assert.equal(status, 0, out);
  assert.doesNotMatch(out, /skipped suites/);
  assert.match(out, /ℹ pass 1/);
});
