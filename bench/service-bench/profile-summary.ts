/**
 * Reads a V8 CPU profile (what `BENCH_PROFILE_DIR` makes the service process write) and prints
 * where the time went: functions by self time, and by total time (self plus callees), with their
 * files relative to the repository. For finding a bottleneck after a benchmark run:
 *
 *   npx tsx bench/service-bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [top]
 *
 * It also sums self time by area (the phone lookup's query, other SQL through Kysely, phone-number
 * parsing, sockets, HTTP framework, ...), which is usually the quickest answer to "where does it go".
 * `npm run bench -- --profile` prints `profileSummary` of every profile a run wrote (bench/run.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** A V8 CPU profile (`.cpuprofile`, or the inspector's `Profiler.stop`), the parts read here. */
export interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

export interface FunctionTime {
  name: string;
  selfMs: number;
  totalMs: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(ROOT, '').replace(/^.*node_modules\//, 'node_modules/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/** Self and total time per function (a recursive function counts once per sample in total). */
export function functionTimes(profile: Profile): { functions: FunctionTime[]; sampledMs: number } {
  const samples = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const msPerSample = samples === 0 ? 0 : (profile.endTime - profile.startTime) / 1000 / samples;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const walk = (node: ProfileNode, onStack: Map<string, number>): number => {
    const name = label(node);
    const hits = node.hitCount ?? 0;
    self.set(name, (self.get(name) ?? 0) + hits);
    let subtree = hits;
    onStack.set(name, (onStack.get(name) ?? 0) + 1);
    for (const child of node.children ?? []) subtree += walk(byId.get(child)!, onStack);
    const depth = onStack.get(name)! - 1;
    if (depth === 0) {
      total.set(name, (total.get(name) ?? 0) + subtree);
      onStack.delete(name);
    } else onStack.set(name, depth);
    return subtree;
  };
  walk(profile.nodes[0]!, new Map());
  const functions = [...total.keys()].map((name) => ({ name, selfMs: (self.get(name) ?? 0) * msPerSample, totalMs: (total.get(name) ?? 0) * msPerSample }));
  return { functions, sampledMs: samples * msPerSample };
}

const AREAS: [string, RegExp][] = [
  ['idle', /^\(idle\)/],
  ['garbage collector', /^\(garbage collector\)/],
  ['Node module loading (start-up)', /node:internal\/modules\/|^compileSourceTextModule|^wrapSafe|^receiveMessageOnPort/],
  ['phone lookup query (prepared statement, SQLite)', /src\/directory\/phone-rows\.ts/],
  ['other SQL through Kysely (statement prepared per execution, SQLite)', /node_modules\/(kysely|better-sqlite3)\//],
  ['phone-number parsing (libphonenumber-js, src/phone)', /node_modules\/libphonenumber-js\/|src\/phone\//],
  ['socket writes and reads (syscalls, streams)', /^(writev|writeUtf8String|writeLatin1String|writeBuffer|close|shutdown|getpeername|setNoDelay|setKeepAlive|onconnection)( |$)|^\S+ node:(net|internal\/stream|internal\/streams|_http|internal\/stream_base)/],
  ['Fastify and its plugins', /node_modules\/(fastify|@fastify|find-my-way|light-my-request|fast-querystring|avvio)/],
  ['FastAGI server and codec', /src\/agi\//],
  ['AMI client and codec', /src\/ami\//],
  ['call engine', /src\/calls\//],
  ['routing decision and facts', /src\/routing\//],
  ['service (pops, call log sink, sessions)', /src\/service\/|src\/web\/|src\/store\//],
  ['directory (lookup, rank)', /src\/directory\//],
  ['benchmark setup in the service process', /bench\//],
];

/** Self time summed by area (the first matching pattern), as shares of the busy (non-idle) time. */
export function areaTimes(functions: FunctionTime[]): { area: string; ms: number }[] {
  const sums = new Map<string, number>();
  for (const f of functions) {
    const area = AREAS.find(([, re]) => re.test(f.name))?.[0] ?? 'other (Node internals, promises, timers, ...)';
    sums.set(area, (sums.get(area) ?? 0) + f.selfMs);
  }
  return [...sums].map(([area, ms]) => ({ area, ms })).sort((a, b) => b.ms - a.ms);
}

/**
 * The profile in words: how long it sampled and was busy, self time by area and the `top`
 * functions by self time (shares of the busy time: idle is left out), and with `totals` also by
 * total time (shares of the sampled time).
 */
export function profileSummary(profile: Profile, options: { top?: number; totals?: boolean } = {}): string {
  const top = options.top ?? 20;
  const { functions, sampledMs } = functionTimes(profile);
  const areas = areaTimes(functions);
  const busyMs = sampledMs - (areas.find((a) => a.area === 'idle')?.ms ?? 0);
  const share = (ms: number, of: number): string => `${of === 0 ? '-' : ((ms / of) * 100).toFixed(1)}%`.padStart(6);
  const lines = [`sampled ${(sampledMs / 1000).toFixed(1)} s, busy ${(busyMs / 1000).toFixed(1)} s`, '', 'by area (share of busy time):'];
  for (const a of areas) if (a.area !== 'idle') lines.push(`${share(a.ms, busyMs)}  ${a.area}`);
  lines.push('', 'by self time (share of busy time):');
  const busy = functions.filter((f) => f.name !== '(idle)' && !f.name.startsWith('(idle) '));
  for (const f of [...busy].sort((a, b) => b.selfMs - a.selfMs).slice(0, top)) lines.push(`${share(f.selfMs, busyMs)}  ${f.name}`);
  if (options.totals) {
    lines.push('', 'by total time (share of sampled time):');
    for (const f of [...functions].sort((a, b) => b.totalMs - a.totalMs).slice(0, top)) lines.push(`${share(f.totalMs, sampledMs)}  ${f.name}`);
  }
  return lines.join('\n');
}

/** Reads a `.cpuprofile` file. */
export function readProfile(file: string): Profile {
  return JSON.parse(readFileSync(file, 'utf8')) as Profile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, topText] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(profileSummary(readProfile(file), { top: Number(topText ?? 30), totals: true }));
}
