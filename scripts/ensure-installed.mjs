#!/usr/bin/env node
// Runs before `npm start` and `npm test`: on a fresh clone, installs the locked dependencies first,
// then builds the agent console and the SuiteCRM widget when their sources are newer than their
// builds, so that those two commands are all a newcomer needs. Uses only Node built-ins (nothing
// is installed yet).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// npm and the native builds (better-sqlite3, ssh2) must run on the Node.js that runs us, with its
// own C headers: put its folder first on PATH, and point node-gyp at its headers when it ships
// them (a machine-wide npmrc may name another Node's).
const nodePrefix = dirname(dirname(process.execPath));
const npmEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
if (existsSync(join(nodePrefix, 'include', 'node', 'node.h'))) npmEnv.npm_config_nodedir = nodePrefix;
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || !existsSync('node_modules/tsx') || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000;
if (stale) {
  console.error('Installing dependencies (npm ci) first; this happens once per checkout...');
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', env: npmEnv });
  if (r.status !== 0) {
    console.error('npm ci failed: check the network access to the npm registry and the messages above, then run npm ci yourself.');
    process.exit(r.status ?? 1);
  }
}
const { engines } = JSON.parse(readFileSync('package.json', 'utf8'));
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node.js ${process.versions.node} is too old: crm-telephony needs ${engines.node} (Node.js 22, 24 or 26).`);
  process.exit(1);
}
// On Node.js 20 (past its end of life) npm ci has warned already, and the service warns at start
// (src/service/node-support.ts): no third warning here.

// Native modules are built for one Node.js ABI. After a switch of Node.js (nvm, a system upgrade,
// CI's second run on Node.js 24) better-sqlite3 would fail at start with "compiled against a
// different Node.js version": rebuild them for this one instead. The marker keeps the check to
// one comparison when nothing changed.
const abiMarker = 'node_modules/.crm-telephony-abi';
const abi = `${process.versions.modules} ${process.platform} ${process.arch}`;
const builtFor = existsSync(abiMarker) ? readFileSync(abiMarker, 'utf8').trim() : '';
if (builtFor !== abi) {
  const loads = () =>
    spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { encoding: 'utf8' }).status === 0;
  if (!loads()) {
    console.error(`Rebuilding the native modules (better-sqlite3, ssh2) for Node.js ${process.versions.node} (npm rebuild); this happens once per switch of Node.js...`);
    const r = spawnSync(npm, ['rebuild', '--no-audit', '--no-fund'], { stdio: 'inherit', env: npmEnv });
    if (r.status !== 0 || !loads()) {
      console.error(`Rebuilding the native modules for Node.js ${process.versions.node} failed: see the messages above. It needs python3, make and a C++ compiler, and this Node.js's headers (npm_config_nodedir); or remove node_modules and run npm ci with this Node.js.`);
      process.exit(r.status || 1);
    }
  }
  writeFileSync(abiMarker, `${abi}\n`);
}

/** Newest modification time of a file or of any file under a folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

// The console (src/ui) is served from its Vite build (dist/ui), and the SuiteCRM widget
// (src/widget, which borrows the console's wording from src/ui/format.ts) from its own; both
// compile the pops' wire contract and card states (src/pops)
// (dist/widget-bundle): rebuild each when a source, its Vite config or the lock file changed
// since. Vite is a dev dependency: an install without dev dependencies must ship both built.
const builds = [
  { what: 'the agent console', script: 'build:ui', output: 'dist/ui/index.html', sources: ['src/ui', 'src/pops', 'vite.config.ts'] },
  { what: 'the SuiteCRM widget', script: 'build:widget', output: 'dist/widget-bundle/widget.js', sources: ['src/widget', 'src/ui/format.ts', 'src/pops', 'vite.widget.config.ts'] },
];
for (const b of builds) {
  if (!existsSync(b.sources[0])) continue;
  const built = existsSync(b.output) ? statSync(b.output).mtimeMs : 0;
  const source = Math.max(...b.sources.map(newest), newest('package-lock.json'));
  if (source <= built) continue;
  if (!existsSync('node_modules/vite')) {
    console.error(`The build of ${b.what} (${b.output}) is ${built ? 'out of date' : 'missing'} and Vite is not installed (dev dependencies): run "npm ci" and "npm run ${b.script}".`);
    continue;
  }
  console.error(`Building ${b.what} (npm run ${b.script})...`);
  const r = spawnSync(npm, ['run', '--silent', b.script, '--', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`Building ${b.what} failed: see the messages above (npm run ${b.script}).`);
    process.exit(r.status ?? 1);
  }
}
