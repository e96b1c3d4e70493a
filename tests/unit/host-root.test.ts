import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isEtcAllowed } from '../../server/src/sandbox/argv.ts';
import { inspectHostRoot } from '../../server/src/sandbox/host-root.ts';

describe('inspectHostRoot', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'host-root-test-'));
    for (const dir of [
      'etc/python3',
      'etc/python3.13',
      'etc/python3.13.d',
      'etc/ssh',
      'etc/ssl',
      'usr/bin',
      'lib',
      'dev',
    ]) {
      await mkdir(path.join(root, dir), { recursive: true });
    }
    for (const file of ['etc/services', 'etc/shadow', 'etc/ssl/openssl.cnf', 'dev/null', 'dev/urandom']) {
      await writeFile(path.join(root, file), '');
    }
    await symlink('usr/bin', path.join(root, 'bin'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('lists the allowlisted /etc entries that exist, and the Python configuration of whichever version', () => {
    assert.deepEqual(inspectHostRoot(root).etc, [
      '/etc/services',
      '/etc/python3',
      '/etc/ssl/openssl.cnf',
      '/etc/python3.13',
    ]);
  });

  test('tells links into /usr from real top-level directories, and leaves out what is not there', () => {
    assert.deepEqual(inspectHostRoot(root).rootDirs, [
      { path: '/bin', symlink: true },
      { path: '/lib', symlink: false },
    ]);
  });

  test('lists the device nodes that exist, and whether there is a pty directory', async () => {
    assert.deepEqual(inspectHostRoot(root).devices, ['/dev/null', '/dev/urandom']);
    assert.equal(inspectHostRoot(root).ptys, false);
    await mkdir(path.join(root, 'dev', 'pts'));
    assert.equal(inspectHostRoot(root).ptys, true);
  });

  test('on this host: everything it lists exists and is allowed', () => {
    const host = inspectHostRoot();
    for (const entry of host.etc) assert.ok(isEtcAllowed(entry) && existsSync(entry), entry);
    for (const entry of [...host.rootDirs.map((d) => d.path), ...host.devices]) assert.ok(existsSync(entry), entry);
  });
});
