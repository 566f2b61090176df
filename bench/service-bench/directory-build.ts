/**
 * Builds a demo directory file (forked by directory-cache.ts): the product's own seeding
 * (`seedDemoDirectory`: the demo users, then accounts, contacts and leads streamed through
 * bulkUpsert in batches, one ANALYZE at the end), then a WAL checkpoint so the file stands alone.
 */
import { Directory } from '../../src/directory/directory.ts';
import { seedDemoDirectory } from '../../src/directory/seed.ts';
import { openStore } from '../../src/store/store.ts';
import { statSync } from 'node:fs';
import type { BuildResult, DirectorySpec } from './directory-cache.ts';
import { serve } from './rpc.ts';

async function build({ spec, path }: { spec: DirectorySpec; path: string }): Promise<BuildResult> {
  const began = performance.now();
  const store = await openStore({ url: path });
  try {
    if (store.native.engine !== 'sqlite') throw new Error('the benchmark directory is a SQLite file');
    const directory = new Directory(store, { defaultRegion: spec.region });
    let next = 0.1;
    const result = await seedDemoDirectory(directory, {
      contacts: spec.contacts,
      seed: spec.seed,
      onProgress: (done, total) => {
        if (done / total < next) return;
        next += 0.1;
        process.stderr.write(`[directory build] ${Math.round((done / total) * 100)}% (${done.toLocaleString('en-US')} records, ${((performance.now() - began) / 1000).toFixed(0)} s)\n`);
      },
    });
    store.native.db.pragma('wal_checkpoint(TRUNCATE)');
    return { seconds: (performance.now() - began) / 1000, records: result.accounts + result.contacts + result.leads, bytes: statSync(path).size };
  } finally {
    await store.close();
  }
}

serve({ build });
