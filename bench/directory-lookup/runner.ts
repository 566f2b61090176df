/**
 * One engine at one size, in its own process (forked by ../directory-lookup.ts, with --expose-gc):
 * load the demo directory through bulkUpsert, measure memory and storage, then time our lookup and
 * the two baselines on the same callers, and break our lookup into its stages.
 */
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { bulkUpsert } from '../../src/directory/bulk-write.ts';
import { Directory } from '../../src/directory/directory.ts';
import { collapse, findByPhone } from '../../src/directory/lookup.ts';
import { indexKeys } from '../../src/directory/phone-keys.ts';
import { readerFor } from '../../src/directory/phone-rows.ts';
import { rankCandidates } from '../../src/directory/rank.ts';
import { normalizePhone } from '../../src/phone/normalize.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { prepareBaselines } from './baselines.ts';
import { CALLER_FORMS, NumberSample, hitCallers, missCallers, rng, shuffled, type Caller } from './callers.ts';
import { datasetChunks, datasetUsers, expectedRecords, recordKey, type Truth } from './dataset.ts';
import type { MethodResult, RunReport, SizeResult, StageResult, StartRun } from './protocol.ts';
import { settle, storageOf } from './storage.ts';
import { Timings, emptyTally, tallyCaller } from './stats.ts';

/** bulkUpsert's own batch; chunks of two batches stay under its ANALYZE-after-1000-rows rule, and we ANALYZE once at the end. */
const BATCH = 400;
const CHUNK = 2 * BATCH;
/** Numbers kept in the ground truth: enough to draw thousands of distinct callers from. */
const TRUTH_TARGET = 40_000;
/** The demo data has about 1.6 phones per record; an estimate only sets the sample rate. */
const PHONES_PER_RECORD = 1.6;
/** Timed callers are split into this many slices; every method runs each slice in turn. */
const ROUNDS = 10;

const hr = process.hrtime.bigint;
const gc = (globalThis as { gc?: () => void }).gc;

function log(start: StartRun, line: string): void {
  process.stderr.write(`[directory-lookup ${start.engine} ${start.contacts.toLocaleString('en-US')}] ${line}\n`);
}

function send(report: RunReport): Promise<void> {
  return new Promise((resolve) => process.send!(report, () => resolve()));
}

async function load(start: StartRun, directory: Directory, sample: NumberSample, truth: Truth) {
  const counts = { users: 0, accounts: 0, contacts: 0, leads: 0, records: 0, phones: 0, phonesWithE164: 0 };
  for (const user of datasetUsers()) {
    await directory.upsertUser(user);
    counts.users++;
  }
  const total = expectedRecords(start.contacts);
  const began = hr();
  let inImport = 0n;
  let nextReport = 0.1;
  for (const { type, records } of datasetChunks(start, CHUNK, sample, truth, counts)) {
    const t0 = hr();
    await bulkUpsert(directory, type, records, { batchSize: BATCH });
    inImport += hr() - t0;
    counts[`${type}s`] += records.length;
    counts.records += records.length;
    if (counts.records / total >= nextReport) {
      log(start, `loaded ${Math.round((counts.records / total) * 100)}% (${counts.records.toLocaleString('en-US')} records, ${(Number(hr() - began) / 1e9).toFixed(0)} s)`);
      nextReport += 0.1;
    }
  }
  // What bulkUpsert does after one big call; here once, after all the chunks.
  const t0 = hr();
  await sql`analyze`.execute(directory.store.db);
  const analyze = hr() - t0;
  inImport += analyze;
  const importSeconds = Number(inImport) / 1e9;
  return {
    counts,
    load: {
      importSeconds,
      analyzeSeconds: Number(analyze) / 1e9,
      generateSeconds: Number(hr() - began - inImport) / 1e9,
      recordsPerSec: counts.records / importSeconds,
      phonesPerSec: counts.phones / importSeconds,
    },
  };
}

/** One method's timings and scores, gathered over several rounds. */
class MethodRecorder {
  readonly #hits: Timings;
  readonly #misses: Timings;
  readonly #result: MethodResult = { hits: null, misses: null, hitTally: emptyTally(), missTally: emptyTally(), byForm: {}, calls: 0, unasked: 0 };

  constructor(capacity: number) {
    this.#hits = new Timings(capacity);
    this.#misses = new Timings(capacity);
  }

  /**
   * Times `ask` on each caller in turn and scores what it returned against the ground truth.
   * `ask` returns record keys, or null when it could not ask. Stops early past `budgetMs`.
   */
  async run(callers: readonly Caller[], truth: Truth, ask: (presented: string) => Promise<string[] | null>, budgetMs = Infinity): Promise<void> {
    const r = this.#result;
    const began = performance.now();
    for (const caller of callers) {
      if (performance.now() - began > budgetMs) break;
      const t0 = hr();
      const returned = await ask(caller.presented);
      const ns = hr() - t0;
      r.calls++;
      if (returned === null) r.unasked++;
      (caller.hit ? this.#hits : this.#misses).add(ns);
      const expected = caller.hit ? truth.get(caller.e164)! : NONE;
      tallyCaller(caller.hit ? r.hitTally : r.missTally, expected, returned ?? []);
      if (caller.hit) tallyCaller((r.byForm[caller.form] ??= emptyTally()), expected, returned ?? []);
    }
  }

  result(): MethodResult {
    return { ...this.#result, hits: this.#hits.summary(), misses: this.#misses.summary() };
  }
}

const NONE: ReadonlySet<string> = new Set();

/** findByPhone's steps timed one by one (the same calls it makes), to see where the time goes. */
class StageRecorder {
  readonly #norm: Timings;
  readonly #query: Timings;
  readonly #rank: Timings;
  readonly #total: Timings;

  constructor(capacity: number) {
    [this.#norm, this.#query, this.#rank, this.#total] = [new Timings(capacity), new Timings(capacity), new Timings(capacity), new Timings(capacity)];
  }

  async run(directory: Directory, callers: readonly Caller[]): Promise<void> {
    const reader = readerFor(directory.store);
    const options = { defaultRegion: directory.defaultRegion };
    for (const caller of callers) {
      const t0 = hr();
      const keys = indexKeys(normalizePhone(caller.presented, options));
      const t1 = hr();
      const rows = keys.e164_key === null && keys.national_key === null && keys.suffix_key === null ? [] : await reader(keys);
      const t2 = hr();
      rankCandidates(collapse(rows, keys), directory.typeOrder);
      const t3 = hr();
      this.#norm.add(t1 - t0);
      this.#query.add(t2 - t1);
      this.#rank.add(t3 - t2);
      this.#total.add(t3 - t0);
    }
  }

  result(): StageResult {
    const total = this.#total;
    // The slowest 1% by total: what is the p99 made of?
    const order = Array.from({ length: total.count }, (_, i) => i).sort((a, b) => total.at(b) - total.at(a));
    const slow = order.slice(0, Math.max(1, Math.ceil(order.length / 100)));
    const share = (t: Timings): number => slow.reduce((sum, i) => sum + t.at(i) / total.at(i), 0) / slow.length;
    return {
      normalize: this.#norm.summary()!,
      query: this.#query.summary()!,
      rank: this.#rank.summary()!,
      total: total.summary()!,
      slowestShare: { normalize: share(this.#norm), query: share(this.#query), rank: share(this.#rank) },
    };
  }
}

async function run(start: StartRun): Promise<SizeResult> {
  const began = hr();
  const store: Store = await openStore(
    start.engine === 'sqlite' ? { url: start.sqlitePath } : { url: start.postgresUrl, schema: start.postgresSchema },
  );
  try {
    const directory = new Directory(store, { defaultRegion: start.region });
    const sampleRate = Math.min(1, TRUTH_TARGET / (expectedRecords(start.contacts) * PHONES_PER_RECORD));
    const sample = new NumberSample(sampleRate);
    const truth: Truth = new Map();
    log(start, `loading (${expectedRecords(start.contacts).toLocaleString('en-US')} records)`);
    const { counts, load: loadResult } = await load(start, directory, sample, truth);
    const loadSeconds = Number(hr() - began) / 1e9;
    log(start, `loaded in ${loadSeconds.toFixed(1)} s: ${Math.round(loadResult.recordsPerSec).toLocaleString('en-US')} records/s`);

    gc?.();
    const mem = process.memoryUsage();
    const MB = 1024 * 1024;
    const memory = { rssMB: mem.rss / MB, heapUsedMB: mem.heapUsed / MB, heapTotalMB: mem.heapTotal / MB, externalMB: mem.external / MB };
    const storage = await storageOf(store, start.sqlitePath);
    const settleBegan = hr();
    await settle(store);
    const settleSeconds = Number(hr() - settleBegan) / 1e9;

    // Callers: timed ones and, apart, the warm-up ones (so warm-up does not pre-load the timed rows).
    const random = rng(start.seed * 7919 + start.contacts);
    const numbers = [...truth.keys()];
    const warmHits = Math.ceil(start.warmup / 2);
    const allHits = hitCallers(numbers, start.hits + warmHits, start.region, random);
    const allMisses = missCallers(numbers, truth, sample, start.misses + start.warmup - warmHits, start.region, random);
    const warm = shuffled([...allHits.slice(start.hits), ...allMisses.slice(start.misses)], random);
    const timed = shuffled([...allHits.slice(0, start.hits), ...allMisses.slice(0, start.misses)], random);
    const suffixHits = Math.round(start.suffixQueries * 0.75);
    const suffixCallers = shuffled([...allHits.slice(0, suffixHits), ...allMisses.slice(0, start.suffixQueries - suffixHits)], random);

    const lookupsBegan = hr();
    const loadBegan = loadavg()[0]!;
    const ourAsk = async (presented: string): Promise<string[]> => (await findByPhone(directory, presented)).candidates.map((c) => recordKey(c.type, c.id));
    const baselines = await prepareBaselines(store);
    for (const c of warm) {
      await ourAsk(c.presented);
      await baselines.exactText(c.presented);
    }
    // Rounds: each method takes its turn on a slice of the callers, so a disturbance (autovacuum,
    // another process) falls on all of them alike rather than on whichever ran at that moment.
    const [ourRec, exactRec, stageRec] = [new MethodRecorder(timed.length), new MethodRecorder(timed.length), new StageRecorder(timed.length)];
    const slice = Math.ceil(timed.length / ROUNDS);
    for (let at = 0; at < timed.length; at += slice) {
      const part = timed.slice(at, at + slice);
      await ourRec.run(part, truth, ourAsk);
      await exactRec.run(part, truth, baselines.exactText);
      await stageRec.run(directory, part);
    }
    const [ours, exact, stageResult] = [ourRec.result(), exactRec.result(), stageRec.result()];
    const lookupSeconds = Number(hr() - lookupsBegan) / 1e9;
    const loadEnded = loadavg()[0]!;
    log(start, `ours: p99 hits ${ours.hits?.p99.toFixed(1)} us, misses ${ours.misses?.p99.toFixed(1)} us`);

    const suffixBegan = hr();
    // One untimed scan pulls the table into the caches, as a busy server would have it.
    await baselines.suffixScan(warm[0]?.presented ?? '+10000000000');
    const suffixRec = new MethodRecorder(suffixCallers.length);
    await suffixRec.run(suffixCallers, truth, baselines.suffixScan, start.suffixBudgetMs);
    const suffix = suffixRec.result();
    const suffixSeconds = Number(hr() - suffixBegan) / 1e9;
    log(start, `suffix scan: ${suffix.calls} calls in ${suffixSeconds.toFixed(1)} s`);

    let sharedNumbers = 0;
    for (const holders of truth.values()) if (holders.size > 1) sharedNumbers++;
    for (const form of CALLER_FORMS) ours.byForm[form] ??= emptyTally();
    return {
      engine: start.engine,
      contacts: start.contacts,
      region: start.region,
      seed: start.seed,
      counts,
      load: { ...loadResult, settleSeconds },
      memory,
      storage,
      truth: { sampledNumbers: truth.size, sampleRate, sharedNumbers },
      ours,
      exact,
      suffix,
      stages: stageResult,
      seconds: { load: loadSeconds, lookups: lookupSeconds, suffix: suffixSeconds, total: Number(hr() - began) / 1e9 },
      loadAverage: { lookupsBegan: loadBegan, lookupsEnded: loadEnded },
    };
  } finally {
    await store.close();
  }
}

process.once('message', (start: StartRun) => {
  run(start)
    .then((result) => send({ type: 'result', result }))
    .catch((err: unknown) => send({ type: 'failed', reason: (err as Error).stack ?? String(err) }))
    .finally(() => process.exit(0));
});
