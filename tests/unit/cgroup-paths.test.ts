/** Finding this process's cgroups: the mount table and /proc/self/cgroup, for v1, v2 and a container's view. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { locateCgroups } from '../../server/src/sandbox/cgroup-paths.ts';
import { parseMountinfo } from '../../server/src/sandbox/mountinfo.ts';

describe('parseMountinfo', () => {
  test('reads optional fields up to the dash, and unescapes paths', () => {
    const [mount] = parseMountinfo(
      '36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - cgroup cgroup rw,cpu,cpuacct\n',
    );
    assert.deepEqual(mount, {
      root: '/mnt1',
      mountPoint: '/mnt two',
      fsType: 'cgroup',
      source: 'cgroup',
      superOptions: ['rw', 'cpu', 'cpuacct'],
    });
  });
});

describe('locateCgroups', () => {
  const mounts = parseMountinfo(
    [
      '30 25 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
      '31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
      '32 25 0:28 /docker/abc /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids',
      '33 25 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw',
    ].join('\n'),
  );

  test('finds each v1 hierarchy and this process group in it; co-mounted controllers share one entry', () => {
    const found = locateCgroups(
      '9:name=systemd:/\n4:memory:/process_api/x\n2:cpu,cpuacct:/\n8:pids:/docker/abc/inner\n0::/\n',
      mounts,
    );
    assert.deepEqual(found.v1, [
      { mountPoint: '/sys/fs/cgroup/memory', dir: '/sys/fs/cgroup/memory/process_api/x', controllers: ['memory'] },
      { mountPoint: '/sys/fs/cgroup/cpu,cpuacct', dir: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu'] },
      // A container's view: the mount shows /docker/abc as its top.
      { mountPoint: '/sys/fs/cgroup/pids', dir: '/sys/fs/cgroup/pids/inner', controllers: ['pids'] },
    ]);
    assert.deepEqual(found.unified, { mountPoint: '/sys/fs/cgroup/unified', dir: '/sys/fs/cgroup/unified' });
  });

  test('a group outside a mounted subtree is not reachable', () => {
    const found = locateCgroups('8:pids:/elsewhere\n', mounts);
    assert.deepEqual(found.v1, []);
  });

  test('a pure v2 host: only the unified hierarchy', () => {
    const v2 = parseMountinfo('30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate');
    const found = locateCgroups('0::/system.slice/socket-lab.service\n', v2);
    assert.deepEqual(found, {
      unified: { mountPoint: '/sys/fs/cgroup', dir: '/sys/fs/cgroup/system.slice/socket-lab.service' },
      v1: [],
    });
  });
});
