/** The local source: locations fenced inside the root, links followed and refused, swaps noticed, writes whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalSource } from '../../src/recordings/sources/local-source.ts';
import { isRecordingError } from '../../src/recordings/recording-errors.ts';

async function code(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (err) {
    assert.ok(isRecordingError(err), String(err));
    return err.code;
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

test('locations are fenced: traversal, links out of the root (files and folders), a folder swapped for a link after a first open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crmt-local-'));
  try {
    const root = join(dir, 'monitor');
    const outside = join(dir, 'outside');
    mkdirSync(join(root, '2026'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(root, '2026', 'a.wav'), 'inside');
    writeFileSync(join(outside, 'a.wav'), 'SECRET');
    writeFileSync(join(outside, 'secret.wav'), 'SECRET');
    symlinkSync(join(outside, 'secret.wav'), join(root, 'link.wav'));
    symlinkSync(outside, join(root, 'out'));
    const s = new LocalSource({ root });
    for (const loc of ['../outside/secret.wav', '/etc/passwd', '2026/../../outside/a.wav', '', '.', 'a\u0000.wav', '2026//a.wav', '.hidden']) {
      assert.equal(await code(s.open(loc)), 'RECORDING_ERR_BAD_PATH', JSON.stringify(loc));
    }
    assert.equal(await code(s.open('link.wav')), 'RECORDING_ERR_OUTSIDE_ROOT');
    assert.equal(await code(s.open('out/secret.wav')), 'RECORDING_ERR_OUTSIDE_ROOT');
    assert.equal(await code(s.stat('link.wav')), 'RECORDING_ERR_OUTSIDE_ROOT');
    assert.equal(await code(s.open('missing.wav')), 'RECORDING_ERR_MISSING');

    const first = await s.open('2026/a.wav');
    assert.equal(await readAll(first.stream(0, first.size - 1)), 'inside');
    // The folder is swapped for a link to a folder outside that holds a file of the same name.
    renameSync(join(root, '2026'), join(dir, 'moved'));
    symlinkSync(outside, join(root, '2026'));
    assert.equal(await code(s.open('2026/a.wav')), 'RECORDING_ERR_OUTSIDE_ROOT', 'the remembered path is not trusted past the swap');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing root is said in words; writes land whole or not at all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crmt-local-'));
  try {
    const gone = new LocalSource({ root: join(dir, 'nope') });
    let message = '';
    await gone.check().catch((err: Error) => (message = err.message));
    assert.match(message, /does not exist on this server\. Mount the PBX's recordings folder there/);
    const storage = new LocalSource({ root: join(dir, 'storage'), label: 'The recordings storage folder' });
    mkdirSync(join(dir, 'storage'));
    assert.equal(await storage.write('2026/11/x.wav', Readable.from([Buffer.from('abc'), Buffer.from('def')])), 6);
    assert.equal(readFileSync(join(dir, 'storage', '2026', '11', 'x.wav'), 'utf8'), 'abcdef');
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('source died'));
      },
    });
    await assert.rejects(storage.write('2026/11/y.wav', failing), /source died/);
    assert.deepEqual(readdirSync(join(dir, 'storage', '2026', '11')), ['x.wav'], 'no half file, no temporary left');
    assert.equal(await code(storage.write('../escape.wav', Readable.from([]))), 'RECORDING_ERR_BAD_PATH');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
