/**
 * The file helper (server/sandbox/file_helper.py) as file-helper.ts runs it, here on the host in a temporary home
 * instead of a sandbox: its answers parsed into texts and versions, its refusals into FileErrors with their codes,
 * and an answer that does not fit its schema taken as the backend's own failure, not the learner's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FILES } from '#protocol/limits.ts';
import type { ProcessSpec } from '../../server/src/sandbox/argv.ts';
import { FileError } from '../../server/src/workspace/file-error.ts';
import { fileHelper, type FileHelper } from '../../server/src/workspace/file-helper.ts';

const FILES_DIR = path.join(import.meta.dirname, '..', '..', 'server', 'sandbox');
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** What the helper refused with, or a failure if it did not. */
async function refused(promise: Promise<unknown>): Promise<FileError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FileError) return error;
    throw error;
  }
  assert.fail('expected a refusal');
}

describe('the file helper', () => {
  let home: string;
  let helper: FileHelper;
  const onHost =
    (dir: string) =>
    (argv: readonly string[]): ProcessSpec => ({
      file: argv[0] as string,
      args: argv.slice(1),
      env: { HOME: dir, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
      cwd: dir,
    });

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-helper-'));
    await writeFile(path.join(home, 'server.py'), 'print("你好")\n');
    await writeFile(path.join(home, 'nul.bin'), Buffer.from([0x61, 0, 0x62]));
    await writeFile(path.join(home, 'gbk.txt'), Buffer.from([0xc4, 0xe3, 0xba, 0xc3]));
    await symlink('/etc/passwd', path.join(home, 'passwd-link'));
    await symlink('server.py', path.join(home, 'inner-link'));
    await mkdir(path.join(home, 'folder'));
    helper = fileHelper(onHost(home), FILES_DIR);
  });

  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('reads a file: its text and the SHA-256 of its bytes', async () => {
    assert.deepEqual(await helper({ op: 'read', path: 'server.py' }), {
      ok: true,
      text: 'print("你好")\n',
      version: sha256('print("你好")\n'),
    });
  });

  test('a link inside the home is followed, and written through', async () => {
    const { version } = await helper({ op: 'read', path: 'inner-link' });
    const written = await helper({ op: 'write', path: 'inner-link', text: 'print(1)\n', if: version });
    assert.equal(written.version, sha256('print(1)\n'));
    assert.equal(await readFile(path.join(home, 'server.py'), 'utf8'), 'print(1)\n');
  });

  test('writes only over the version it is given, or a new file only where there is none', async () => {
    const stale = sha256('something else');
    assert.equal((await refused(helper({ op: 'write', path: 'server.py', text: 'x', if: stale }))).code, 'conflict');
    assert.equal((await refused(helper({ op: 'write', path: 'server.py', text: 'x', if: 'absent' }))).code, 'conflict');
    assert.equal((await refused(helper({ op: 'write', path: 'gone.py', text: 'x', if: stale }))).code, 'not-found');
    await helper({ op: 'write', path: 'sub/new.py', text: '新\n', if: 'absent' });
    assert.equal(await readFile(path.join(home, 'sub', 'new.py'), 'utf8'), '新\n');
    assert.equal(await readFile(path.join(home, 'server.py'), 'utf8'), 'print(1)\n');
  });

  test('tells versions of files, null for those gone', async () => {
    const { versions } = await helper({ op: 'versions', paths: ['server.py', 'gone.py', 'passwd-link'] });
    assert.deepEqual(versions, { 'server.py': sha256('print(1)\n'), 'gone.py': null });
  });

  const refusals: [what: string, request: Parameters<FileHelper>[0], code: string, message: RegExp][] = [
    ['a link out of the home', { op: 'read', path: 'passwd-link' }, 'bad-path', /leads outside your home/],
    ['a write through it', { op: 'write', path: 'passwd-link', text: 'x', if: 'any' }, 'bad-path', /outside/],
    ['..', { op: 'read', path: '../x' }, 'bad-path', /not a plain path/],
    ['binary', { op: 'read', path: 'nul.bin' }, 'not-text', /binary file/],
    ['not UTF-8', { op: 'read', path: 'gbk.txt' }, 'not-text', /not UTF-8 text \(byte 0/],
    ['a folder', { op: 'read', path: 'folder' }, 'not-a-file', /not a file/],
    ['a missing file', { op: 'read', path: 'nope.py' }, 'not-found', /there is no file nope\.py/],
    ['a NUL in the text', { op: 'write', path: 'a.py', text: 'a\0b', if: 'any' }, 'not-text', /NUL/],
    [
      'text over the limit',
      { op: 'write', path: 'a.py', text: 'x'.repeat(FILES.maxBytes + 1), if: 'any' },
      'too-large',
      /up to 1048576/,
    ],
  ];
  for (const [what, request, code, message] of refusals) {
    test(`refuses ${what}`, async () => {
      const error = await refused(helper(request));
      assert.equal(error.code, code);
      assert.match(error.message, message);
    });
  }

  test('an answer that does not fit the schema is the backend’s failure, not a refusal', async () => {
    const fake = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-fake-helper-'));
    try {
      await writeFile(path.join(fake, 'file_helper.py'), 'import sys\nprint(\'{"ok": true, "text": 5}\')\n');
      const broken = fileHelper(onHost(home), fake);
      await assert.rejects(broken({ op: 'read', path: 'server.py' }), (error: Error) => {
        assert.ok(!(error instanceof FileError));
        assert.match(error.message, /answer to read is malformed: text: /);
        return true;
      });
      await writeFile(path.join(fake, 'file_helper.py'), 'raise SystemExit(3)\n');
      await assert.rejects(fileHelper(onHost(home), fake)({ op: 'read', path: 'x' }), /failed \(status 3\)/);
    } finally {
      await rm(fake, { recursive: true, force: true });
    }
  });
});
