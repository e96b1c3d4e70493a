import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readKernelFile, readWholeKernelFile } from '../../server/src/sandbox/kernel-file.ts';
import { useTempDir } from '../support/temp-dir.ts';

describe('reading kernel files at once', () => {
  const dir = useTempDir('kernel-file-');

  test('a cgroup file is read whole', () => {
    assert.match(readKernelFile('/proc/self/cgroup', 4096) ?? '', /^\d+:/);
  });

  test('a longer file is cut back to its whole lines within the bound', async () => {
    const file = path.join(dir(), 'long');
    await writeFile(file, 'first line\nsecond line\nthird line\n');
    assert.equal(readKernelFile(file, 30), 'first line\nsecond line\n');
    assert.equal(readKernelFile(file, 1000), 'first line\nsecond line\nthird line\n');
  });

  test('a short read after a long one is only its own text', async () => {
    const long = path.join(dir(), 'big');
    const short = path.join(dir(), 'small');
    await writeFile(long, 'x'.repeat(9000) + '\n');
    await writeFile(short, 'oom_kill 3\n');
    assert.equal(readKernelFile(long, 20_000)?.length, 9001);
    assert.equal(readKernelFile(short, 4096), 'oom_kill 3\n');
  });

  test('a file that is gone reads as nothing', () => {
    assert.equal(readKernelFile(path.join(dir(), 'missing'), 4096), null);
    assert.equal(readKernelFile('/proc/4194305/status', 4096), null);
  });

  test('a whole read is never cut, however long, and a short one after it is only its own text', async () => {
    const long = path.join(dir(), 'procs');
    const pids = Array.from({ length: 3000 }, (_, i) => `${4_000_000 + i}\n`).join('');
    await writeFile(long, pids);
    assert.equal(readWholeKernelFile(long), pids);
    const short = path.join(dir(), 'one-pid');
    await writeFile(short, '4000001\n');
    assert.equal(readWholeKernelFile(short), '4000001\n');
    assert.match(readWholeKernelFile('/proc/self/stat') ?? '', new RegExp(`^${process.pid} \\(.*\\n$`));
  });

  test('a whole read tells a file that is gone from one that cannot be read', () => {
    assert.equal(readWholeKernelFile(path.join(dir(), 'missing')), null);
    assert.equal(readWholeKernelFile('/proc/4194305/stat'), null);
    assert.throws(() => readWholeKernelFile(dir()), { code: 'EISDIR' });
  });
});
