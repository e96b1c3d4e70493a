/** server/sandbox/join-cgroup: how every workspace process joins its cgroups before it runs anything else. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { read, tempDir } from '../support/cgroup-sysfs.ts';

const JOIN_HELPER = path.join(import.meta.dirname, '..', '..', 'server', 'sandbox', 'join-cgroup');

describe('join-cgroup', () => {
  test('writes its own pid into every procs file, then runs the program as that same process', async () => {
    const dir = await tempDir();
    const files = [path.join(dir, 'a.procs'), path.join(dir, 'b.procs')];
    const result = spawnSync('/bin/sh', [JOIN_HELPER, ...files, '--', '/bin/sh', '-c', 'echo "$$"'], {
      encoding: 'utf8',
      env: {},
    });
    assert.equal(result.status, 0, result.stderr);
    const pid = result.stdout.trim();
    assert.match(pid, /^\d+$/);
    for (const file of files) assert.equal((await read(file)).trim(), pid);
  });

  test('runs nothing when it cannot join', () => {
    const result = spawnSync('/bin/sh', [JOIN_HELPER, '/nonexistent/cgroup.procs', '--', '/bin/echo', 'ran'], {
      encoding: 'utf8',
      env: {},
    });
    assert.equal(result.status, 126);
    assert.doesNotMatch(result.stdout, /ran/);
    assert.match(result.stderr, /cannot join/);
  });

  test('passes arguments through untouched: no word splitting, no globbing', async () => {
    const procs = path.join(await tempDir(), 'join.procs');
    const tricky = ['a b', '*', '$(echo hi)', ''];
    const result = spawnSync('/bin/sh', [JOIN_HELPER, procs, '--', '/usr/bin/printf', '[%s]', ...tricky], {
      encoding: 'utf8',
      env: {},
    });
    assert.equal(result.stdout, '[a b][*][$(echo hi)][]');
  });
});
