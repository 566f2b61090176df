/** The on-demand cache: a size cap, least recently played out first, rebuilt from its folder at start. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingCache } from '../../src/recordings/cache.ts';
import { newRecordingId } from '../../src/recordings/ids.ts';
import { LocalSource } from '../../src/recordings/sources/local-source.ts';
import { silentLog } from './support/app.ts';

test('fills, hits, evicts the least recently used past the cap, skips files larger than the cap, and survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crmt-cache-'));
  try {
    const pbx = join(dir, 'pbx');
    mkdirSync(pbx);
    const source = new LocalSource({ root: pbx });
    for (const [name, size] of [['a.wav', 400], ['b.wav', 400], ['c.wav', 400], ['big.wav', 5000]] as const) writeFileSync(join(pbx, name), Buffer.alloc(size, name.charCodeAt(0)));
    const cacheDir = join(dir, 'cache');
    const cache = new RecordingCache({ dir: cacheDir, maxBytes: 1000, log: silentLog });
    await cache.init();
    const [a, b, c, big] = [newRecordingId(), newRecordingId(), newRecordingId(), newRecordingId()];
    await cache.fill(a!, () => source.open('a.wav'));
    await cache.fill(b!, () => source.open('b.wav'));
    assert.equal(cache.hit(a!), a, 'a is now the most recently used');
    await cache.fill(c!, () => source.open('c.wav'));
    assert.equal(cache.totalBytes, 800);
    assert.equal(cache.hit(b!), null, 'b, the least recently used, went');
    assert.ok(cache.hit(a!) && cache.hit(c!));
    await cache.fill(big!, () => source.open('big.wav'));
    assert.equal(cache.hit(big!), null, 'larger than the whole cap: not cached');
    await Promise.all([cache.fill(a!, () => source.open('a.wav')), cache.fill(a!, () => source.open('a.wav'))]);
    assert.equal(cache.totalBytes, 800, 'a second fill of a cached file does nothing');

    writeFileSync(join(cacheDir, `${a}.1234.part`), 'half');
    writeFileSync(join(cacheDir, 'not-ours.txt'), 'x');
    utimesSync(join(cacheDir, c!), new Date(0), new Date(0));
    const again = new RecordingCache({ dir: cacheDir, maxBytes: 500, log: silentLog });
    await again.init();
    assert.equal(existsSync(join(cacheDir, `${a}.1234.part`)), false, 'leftover temporary files are removed');
    assert.equal(again.hit(c!), null, 'the cap is applied at start, oldest first');
    assert.equal(again.hit(a!), a);
    await again.remove(a!);
    assert.deepEqual(readdirSync(cacheDir).sort(), ['not-ours.txt']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
