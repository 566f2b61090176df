#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ (of the current directory) with node:test through tsx.
// Node 20's --test does not expand globs to .ts files, so we hand it an explicit, sorted list.
// The report is node's spec reporter with the suites skipped whole named before the summary
// (test-reporter.mjs): node counts them nowhere under "skipped".
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = [...collect('src', []), ...collect('test', [])].sort();
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('No test files matched. Test files end in .test.ts under src/ or test/.');
  process.exit(1);
}
// Both found from this script, not from the current directory, which may be any project's.
const tsx = import.meta.resolve('tsx');
const reporter = new URL('./test-reporter.mjs', import.meta.url).href;
const result = spawnSync(
  process.execPath,
  ['--import', tsx, '--test', '--test-concurrency=2', `--test-reporter=${reporter}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
