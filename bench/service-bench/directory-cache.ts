/**
 * The demo directory the service benchmarks run against (1M contacts by default: ~1.3M records,
 * ~2.1M phones, a ~660 MB SQLite file), built once and kept in a cache file, because building it
 * through bulkUpsert takes minutes.
 *
 * The cache file's name carries a key: the size, seed and region, and a hash of everything that
 * decides what the file holds (the demo generator, the seeding, bulk writes, phone-key
 * normalization, libphonenumber-js's metadata version). Change any of those and the next run builds
 * a new file; stale files of the same size, seed and region are deleted. Migrations are not in the
 * key: a new migration runs on the run's copy when the service opens it, as it would in production.
 *
 * Each run copies the cache file (the service writes to its store: the admin, tokens, sessions,
 * the call log), so the cached directory is never changed by a run.
 */
import { createHash } from 'node:crypto';
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CountryCode } from '../../src/phone/types.ts';
import { ChildLink } from './rpc.ts';

export interface DirectorySpec {
  contacts: number;
  seed: number;
  region: CountryCode;
}

export interface BuildResult {
  seconds: number;
  records: number;
  bytes: number;
}

export interface CachedDirectory {
  /** The cache file (do not open it for writing: copy it with `copyForRun`). */
  path: string;
  /** Null when the file was already there. */
  built: BuildResult | null;
}

const SRC = new URL('../../src/', import.meta.url);
// What decides the file's contents (besides the spec).
const KEY_FILES = ['directory/demo-data.ts', 'directory/seed.ts', 'directory/bulk-write.ts', 'directory/phone-keys.ts'];
const KEY_DIRS = ['phone/'];
const BUILDER = new URL('./directory-build.ts', import.meta.url);
/** A 1M build takes ~5-6 min on 2 cores; leave room for a loaded machine. */
const BUILD_DEADLINE_MS = 45 * 60_000;

/** `BENCH_CACHE_DIR`, else `<tmpdir>/crm-telephony-bench-cache`. */
export function cacheDir(): string {
  return process.env['BENCH_CACHE_DIR'] ?? join(tmpdir(), 'crm-telephony-bench-cache');
}

/** The hash of the generator and everything else that decides what the directory file holds. */
export function generatorVersion(): string {
  const hash = createHash('sha256');
  const files = [...KEY_FILES];
  for (const dir of KEY_DIRS) {
    for (const name of readdirSync(new URL(dir, SRC)).sort()) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(`${dir}${name}`);
    }
  }
  for (const file of files) {
    hash.update(file);
    hash.update(readFileSync(new URL(file, SRC)));
  }
  const require = createRequire(import.meta.url);
  const lib = require('libphonenumber-js/package.json') as { version: string };
  hash.update(`libphonenumber-js@${lib.version}`);
  return hash.digest('hex').slice(0, 12);
}

function prefixOf(spec: DirectorySpec): string {
  return `directory-${spec.contacts}-${spec.region}-s${spec.seed}-`;
}

/**
 * The cached directory for `spec`, built first (in a child process, progress on stderr) when there
 * is none for the current generator version.
 */
export async function cachedDirectory(spec: DirectorySpec, log: (line: string) => void): Promise<CachedDirectory> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const prefix = prefixOf(spec);
  const path = join(dir, `${prefix}${generatorVersion()}.sqlite`);
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    // Another version of the same directory, or a build that died (left for an hour in case it is still running).
    const stale = name.startsWith(prefix) && full !== path && !name.includes('.building-');
    const abandoned = name.includes('.building-') && Date.now() - statSync(full).mtimeMs > 3600_000;
    if (stale || abandoned) {
      log(`removing stale cache file ${full}`);
      rmSync(full, { force: true });
    }
  }
  if (existsSync(path)) return { path, built: null };

  const building = `${path}.building-${process.pid}`;
  log(`building the ${spec.contacts.toLocaleString('en-US')}-contact directory into ${path} (once; later runs reuse it)`);
  const builder = new ChildLink(BUILDER, { name: 'directory builder' });
  try {
    const result = await builder.request<BuildResult>('build', { spec, path: building }, BUILD_DEADLINE_MS);
    // Whole file or nothing: a run that dies mid-build leaves no cache file that looks finished.
    renameSync(building, path);
    return { path, built: result };
  } finally {
    await builder.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  }
}

/** Copies the cache file into `dir` for one run (a reflink where the file system can). */
export function copyForRun(cachePath: string, dir: string): string {
  const target = join(dir, 'directory.sqlite');
  copyFileSync(cachePath, target, constants.COPYFILE_FICLONE);
  return target;
}
