import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { readTar } from '../../server/src/workspace/tar-reader.ts';

const run = promisify(execFile);

/** An archive written by the real GNU tar, as the lab asks for one. */
async function tarOf(dir: string, names: string[]): Promise<Buffer> {
  const { stdout } = await run(
    '/usr/bin/tar',
    ['-C', dir, '-c', '-f', '-', '--format=gnu', '--no-recursion', ...names],
    {
      encoding: 'buffer',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout;
}

describe('readTar', () => {
  let dir: string;
  const longName = `${'很长的名字'.repeat(12)}.py`;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tar-reader-'));
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'a.py'), 'print("你好")\n', { mode: 0o755 });
    await writeFile(path.join(dir, longName), 'x'.repeat(1000));
    await writeFile(path.join(dir, 'empty'), '');
    await symlink('/etc/passwd', path.join(dir, 'link'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('reads files with their bytes and modes, GNU long names included', async () => {
    const entries = readTar(await tarOf(dir, ['sub/a.py', longName, 'empty']));
    assert.deepEqual(
      entries.map((e) => (e.type === 'file' ? [e.path, e.content.toString(), e.mode & 0o777] : e)),
      [
        ['sub/a.py', 'print("你好")\n', 0o755],
        [longName, 'x'.repeat(1000), 0o644],
        ['empty', '', 0o644],
      ],
    );
  });

  test('reports a link as "other" and never its target', async () => {
    const entries = readTar(await tarOf(dir, ['link']));
    assert.deepEqual(entries, [{ type: 'other', path: 'link', typeflag: '2' }]);
  });

  test('refuses a damaged or cut archive', async () => {
    const archive = await tarOf(dir, ['sub/a.py']);
    const damaged = Buffer.from(archive);
    damaged[10] = (damaged[10] ?? 0) ^ 0xff;
    assert.throws(() => readTar(damaged), /checksum/);
    const longArchive = await tarOf(dir, [longName]);
    assert.throws(() => readTar(longArchive.subarray(0, 1536)), /ends inside an entry/);
  });

  test('an empty archive has no entries', () => {
    assert.deepEqual(readTar(Buffer.alloc(1024)), []);
  });
});
