/**
 * Where workspace cgroups are made and what is written into them, for cgroup v1 and v2, against a temporary
 * directory laid out like each kind of sysfs (a made-up mount table points at it). This checks the files and the
 * decisions only: a temporary directory is not a kernel. The machine these were written on has cgroup v1, which
 * tests/integration/limits.test.ts exercises for real; v2 is covered only here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createRecordingLogger } from '../../server/src/log.ts';
import { BACKEND_LEAF, inheritCpuset, ROOT_GROUP } from '../../server/src/sandbox/cgroup-delegation.ts';
import { BACKEND_CPU_LEAF } from '../../server/src/sandbox/backend-cpu.ts';
import { limitFiles, readCounters, shouldWrite } from '../../server/src/sandbox/cgroup-files.ts';
import { locateCgroups, type HostCgroups } from '../../server/src/sandbox/cgroup-paths.ts';
import { CgroupHost, type CgroupSetup } from '../../server/src/sandbox/cgroup.ts';
import { ownerTag } from '../../server/src/sandbox/instance-owner.ts';
import { parseMountinfo } from '../../server/src/sandbox/mountinfo.ts';

const MIB = 1024 * 1024;
const LIMITS = { memoryBytes: 96 * MIB, processes: 64, cpus: 0.5 };
const JOIN_HELPER = path.join(import.meta.dirname, '..', '..', 'server', 'sandbox', 'join-cgroup');

const scratch: string[] = [];
after(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-cgroup-test-'));
  scratch.push(dir);
  return dir;
}

/** Files (path relative to `root` -> content); directories are made as needed. */
async function layout(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
}

const read = (file: string) => readFile(file, 'utf8');
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

function started(setup: CgroupSetup): CgroupHost {
  if (!setup.ok) assert.fail(`no cgroups: ${setup.problem}`);
  return setup.host;
}

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

describe('cgroup v1 (a hierarchy per controller)', () => {
  /** Like this machine: memory under the backend's own group, pids and cpu at the top, an empty unified mount. */
  async function v1Host(options: { pids?: boolean } = {}): Promise<{ root: string; found: HostCgroups }> {
    const root = await tempDir();
    await layout(root, { 'memory/process_api/x/cgroup.procs': '', 'cpu/cgroup.procs': '', 'unified/cgroup.procs': '' });
    await layout(root, { 'unified/cgroup.controllers': '' });
    if (options.pids !== false) await layout(root, { 'pids/cgroup.procs': '' });
    const mountinfo = [
      `30 25 0:26 / ${root}/memory rw - cgroup cgroup rw,memory`,
      `31 25 0:27 / ${root}/cpu rw - cgroup cgroup rw,cpu`,
      options.pids === false ? '' : `32 25 0:28 / ${root}/pids rw - cgroup cgroup rw,pids`,
      `33 25 0:29 / ${root}/unified rw - cgroup2 cgroup2 rw`,
    ].join('\n');
    const self = `8:pids:/\n4:memory:/process_api/x\n1:cpu:/\n0::/\n`;
    return { root, found: locateCgroups(self, parseMountinfo(mountinfo)) };
  }

  test('the instance group goes under the backend own group in each hierarchy', async () => {
    const { root, found } = await v1Host();
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    assert.equal(host.version, 1);
    assert.deepEqual([...host.controllers].sort(), ['cpu', 'memory', 'pids']);
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    const relative = workspace.procsFiles.map((f) => path.relative(root, f)).sort();
    const instance = 'socket-lab-1-2-[0-9a-f]{6}';
    assert.equal(relative.length, 3);
    assert.match(relative[0] as string, new RegExp(`^cpu/${instance}/ws-1/cgroup\\.procs$`));
    assert.match(relative[1] as string, new RegExp(`^memory/process_api/x/${instance}/ws-1/cgroup\\.procs$`));
    assert.match(relative[2] as string, new RegExp(`^pids/${instance}/ws-1/cgroup\\.procs$`));
  });

  test('writes the memory, process and CPU limits into the v1 files', async () => {
    const { found } = await v1Host();
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    const dirOf = (hierarchy: string) =>
      path.dirname(workspace.procsFiles.find((f) => f.includes(`/${hierarchy}/`)) as string);
    assert.equal(await read(path.join(dirOf('memory'), 'memory.limit_in_bytes')), String(96 * MIB));
    assert.equal(await read(path.join(dirOf('pids'), 'pids.max')), '64');
    assert.equal(await read(path.join(dirOf('cpu'), 'cpu.cfs_period_us')), '100000');
    assert.equal(await read(path.join(dirOf('cpu'), 'cpu.cfs_quota_us')), '50000');
    assert.equal(await read(path.join(dirOf('cpu'), 'cpu.shares')), '1024', 'every workspace the same weight');
    // Swap accounting is off in a directory without the file: memsw is not written.
    assert.equal(await exists(path.join(dirOf('memory'), 'memory.memsw.limit_in_bytes')), false);
  });

  test("the instance group weighs two default groups; the backend's leaf in it as many as its workspaces", async () => {
    const { found } = await v1Host();
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const first = await host.createWorkspace('ws-1', LIMITS);
    const instance = path.dirname(path.dirname(first.procsFiles.find((f) => f.includes('/cpu/')) as string));
    const backendShares = () => read(path.join(instance, BACKEND_CPU_LEAF, 'cpu.shares'));
    assert.equal(await read(path.join(instance, 'cpu.shares')), '2048');
    assert.equal(await backendShares(), '1024');
    for (const name of ['ws-2', 'ws-3']) await host.createWorkspace(name, LIMITS);
    assert.equal(await read(path.join(instance, 'cpu.shares')), '2048', 'not more with more workspaces');
    assert.equal(await backendShares(), '3072');
    assert.equal(await exists(path.join(path.dirname(instance), 'cpu.shares')), false, "the host's group is not ours");
  });

  test('reads oom_kill from memory.oom_control and max from pids.events', async () => {
    const { found } = await v1Host();
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    assert.deepEqual(await workspace.counters(), { oomKills: 0, forkRefusals: 0 });
    const dirOf = (hierarchy: string) =>
      path.dirname(workspace.procsFiles.find((f) => f.includes(`/${hierarchy}/`)) as string);
    await writeFile(path.join(dirOf('memory'), 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    await writeFile(path.join(dirOf('pids'), 'pids.events'), 'max 17\n');
    assert.deepEqual(await workspace.counters(), { oomKills: 3, forkRefusals: 17 });
  });

  test('a missing hierarchy is reported and the others still limit', async () => {
    const { found } = await v1Host({ pids: false });
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    assert.deepEqual([...host.controllers].sort(), ['cpu', 'memory']);
    assert.deepEqual(host.missing, { pids: 'not mounted' });
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    assert.equal(workspace.has('pids'), false);
    assert.deepEqual(await workspace.counters(), { oomKills: 0, forkRefusals: 0 });
  });

  test("removes a crashed backend's instance groups, and leaves a live one's", async () => {
    const { root, found } = await v1Host();
    const dead = path.join(root, 'pids', 'socket-lab-999999-1-abcdef');
    const live = path.join(root, 'pids', `socket-lab-${await ownerTag()}-abcdef`);
    await mkdir(path.join(dead, 'ws-1'), { recursive: true });
    await mkdir(path.join(live, 'ws-1'), { recursive: true });
    const log = createRecordingLogger();
    started(await CgroupHost.start(found, true, '1-2', log));
    assert.equal(await exists(dead), false);
    assert.equal(await exists(path.join(live, 'ws-1')), true);
    assert.ok(log.lines.some((l) => l.message === 'removed a cgroup left by a stopped backend'));
  });

  test('a new group in a hierarchy with cpuset gets its parent CPUs and memory nodes', async () => {
    const root = await tempDir();
    await layout(root, {
      'cpuset.cpus': '0-1\n',
      'cpuset.mems': '0\n',
      'child/cpuset.cpus': '',
      'child/cpuset.mems': '',
    });
    await inheritCpuset(path.join(root, 'child'));
    assert.equal(await read(path.join(root, 'child', 'cpuset.cpus')), '0-1\n');
    assert.equal(await read(path.join(root, 'child', 'cpuset.mems')), '0\n');
  });
});

describe('cgroup v2 (one unified hierarchy)', () => {
  /** A pure v2 host with the backend in `own` (relative to the hierarchy). */
  async function v2Host(own: string, ownFiles: Record<string, string>): Promise<{ top: string; found: HostCgroups }> {
    const root = await tempDir();
    const top = path.join(root, 'cgroup');
    await layout(top, {
      'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n',
      'cgroup.subtree_control': 'cpu memory pids\n',
      'cgroup.procs': '1\n',
    });
    await layout(path.join(top, own), ownFiles);
    const mounts = parseMountinfo(`30 25 0:26 / ${top} rw - cgroup2 cgroup2 rw,nsdelegate`);
    return { top, found: locateCgroups(`0::/${own}\n`, mounts) };
  }
  const service = 'system.slice/socket-lab.service';
  const serviceFiles = {
    'cgroup.controllers': 'cpu memory pids\n',
    'cgroup.subtree_control': '',
    'cgroup.procs': '4242\n',
  };

  test('as root: a socket-lab group at the top, controllers enabled on the way down', async () => {
    const { top, found } = await v2Host(service, serviceFiles);
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    assert.equal(host.version, 2);
    assert.deepEqual([...host.controllers], ['memory', 'pids', 'cpu']);
    assert.equal(await read(path.join(top, 'cgroup.subtree_control')), '+memory +pids +cpu');
    assert.equal(await read(path.join(top, ROOT_GROUP, 'cgroup.subtree_control')), '+memory +pids +cpu');
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    const [procs] = workspace.procsFiles;
    assert.equal(workspace.procsFiles.length, 1, 'one hierarchy, one file');
    assert.match(path.relative(top, procs as string), /^socket-lab\/socket-lab-1-2-[0-9a-f]{6}\/ws-1\/cgroup\.procs$/);
    const instance = path.dirname(path.dirname(procs as string));
    assert.equal(await read(path.join(instance, 'cgroup.subtree_control')), '+memory +pids +cpu');
    await host.createWorkspace('ws-2', LIMITS);
    assert.equal(await read(path.join(instance, 'cpu.weight')), '200', 'as much as two top-level groups');
    assert.equal(await read(path.join(top, ROOT_GROUP, 'cpu.weight')), '200');
    // The backend's own group is left alone.
    assert.equal(await exists(path.join(top, service, BACKEND_LEAF)), false);
  });

  test('writes memory.max, pids.max, cpu.max and an equal cpu.weight', async () => {
    const { found } = await v2Host(service, serviceFiles);
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const dir = path.dirname((await host.createWorkspace('ws-1', LIMITS)).procsFiles[0] as string);
    assert.equal(await read(path.join(dir, 'memory.max')), String(96 * MIB));
    assert.equal(await read(path.join(dir, 'pids.max')), '64');
    assert.equal(await read(path.join(dir, 'cpu.max')), '50000 100000');
    assert.equal(await read(path.join(dir, 'cpu.weight')), '100');
    assert.equal(await exists(path.join(dir, 'memory.swap.max')), false, 'no swap controller file, not written');
  });

  test('reads oom_kill (not max) from memory.events and max from pids.events', async () => {
    const { found } = await v2Host(service, serviceFiles);
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    const dir = path.dirname(workspace.procsFiles[0] as string);
    await writeFile(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n');
    await writeFile(path.join(dir, 'pids.events'), 'max 7\n');
    assert.deepEqual(await workspace.counters(), { oomKills: 2, forkRefusals: 7 });
  });

  test("not root: the backend's delegated group, after moving its processes into a leaf", async () => {
    const scope = 'user.slice/user-1000.slice/user@1000.service/app.slice/lab.scope';
    const { top, found } = await v2Host(scope, {
      'cgroup.controllers': 'memory pids\n',
      'cgroup.subtree_control': '',
      'cgroup.procs': '111\n222\n',
    });
    const host = started(await CgroupHost.start(found, false, '1-2', createRecordingLogger()));
    const own = path.join(top, scope);
    assert.equal(await exists(path.join(own, BACKEND_LEAF)), true);
    // Each pid is written on its own (the kernel moves one per write); a plain file keeps the last.
    assert.equal(await read(path.join(own, BACKEND_LEAF, 'cgroup.procs')), '222');
    assert.equal(await read(path.join(own, 'cgroup.subtree_control')), '+memory +pids');
    assert.deepEqual([...host.controllers], ['memory', 'pids']);
    assert.deepEqual(host.missing, { cpu: 'not delegated' });
    assert.equal(await read(path.join(top, 'cgroup.subtree_control')), 'cpu memory pids\n', 'the top is not touched');
    const [procs] = (await host.createWorkspace('ws-1', LIMITS)).procsFiles;
    assert.equal(path.dirname(path.dirname(path.dirname(procs as string))), own);
    assert.equal(await exists(path.join(own, 'cpu.weight')), false, "the backend's own group keeps its weight");
  });

  test('a second lab in the same process finds the backend already in the leaf', async () => {
    const scope = `app.slice/lab.scope`;
    const { top, found } = await v2Host(`${scope}/${BACKEND_LEAF}`, { 'cgroup.procs': '4242\n' });
    await layout(path.join(top, scope), {
      'cgroup.controllers': 'memory pids cpu\n',
      'cgroup.subtree_control': '',
      'cgroup.procs': '',
    });
    const host = started(await CgroupHost.start(found, false, '1-2', createRecordingLogger()));
    const [procs] = (await host.createWorkspace('ws-1', LIMITS)).procsFiles;
    assert.equal(path.dirname(path.dirname(path.dirname(procs as string))), path.join(top, scope));
    assert.equal(await exists(path.join(top, scope, BACKEND_LEAF, BACKEND_LEAF)), false);
  });

  test("as root where the top refuses (a container's namespace root), the backend's own group", async () => {
    const { top, found } = await v2Host(service, serviceFiles);
    // Writing it fails, as the kernel's EBUSY would.
    await rm(path.join(top, 'cgroup.subtree_control'));
    await mkdir(path.join(top, 'cgroup.subtree_control'));
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const [procs] = (await host.createWorkspace('ws-1', LIMITS)).procsFiles;
    assert.equal(path.dirname(path.dirname(path.dirname(procs as string))), path.join(top, service));
    assert.equal(await read(path.join(top, service, BACKEND_LEAF, 'cgroup.procs')), '4242');
  });

  test('nothing delegated: no cgroups, and why', async () => {
    const { found } = await v2Host('user.slice/lab.scope', { 'cgroup.controllers': '', 'cgroup.procs': '1\n' });
    const setup = await CgroupHost.start(found, false, '1-2', createRecordingLogger());
    assert.equal(setup.ok, false);
    assert.match(setup.ok ? '' : setup.problem, /none of the memory, pids and cpu controllers/);
    assert.match(setup.ok ? '' : setup.fix, /Delegate=yes/);
  });

  test('a v2 hierarchy without our controllers (hybrid host) falls back to v1, and none at all is a problem', async () => {
    const setup = await CgroupHost.start({ unified: null, v1: [] }, true, '1-2', createRecordingLogger());
    assert.equal(setup.ok, false);
  });
});

describe('limit files', () => {
  test('the optional swap files are written only where the kernel offers them', async () => {
    const dir = await tempDir();
    const [, memsw] = limitFiles(1, 'memory', LIMITS);
    assert.equal(memsw?.file, 'memory.memsw.limit_in_bytes');
    assert.equal(await shouldWrite(dir, memsw as NonNullable<typeof memsw>), false);
    await writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), '');
    assert.equal(await shouldWrite(dir, memsw as NonNullable<typeof memsw>), true);
    assert.deepEqual(
      limitFiles(2, 'memory', LIMITS).map((l) => [l.file, l.value]),
      [
        ['memory.max', String(96 * MIB)],
        ['memory.swap.max', '0'],
      ],
    );
  });

  test('a tiny CPU limit still gets a quota the kernel accepts (>= 1 ms)', () => {
    const quota = limitFiles(1, 'cpu', { ...LIMITS, cpus: 0.001 }).find((l) => l.file === 'cpu.cfs_quota_us');
    assert.equal(quota?.value, '1000');
  });

  test('counters are 0 when a controller is absent', async () => {
    assert.deepEqual(await readCounters(2, () => null), { oomKills: 0, forkRefusals: 0 });
  });
});

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

  test('passes arguments through untouched: no word splitting, no globbing', () => {
    const dir = path.join(os.tmpdir(), 'socket-lab-join-test.procs');
    const tricky = ['a b', '*', '$(echo hi)', ''];
    const result = spawnSync('/bin/sh', [JOIN_HELPER, dir, '--', '/usr/bin/printf', '[%s]', ...tricky], {
      encoding: 'utf8',
      env: {},
    });
    scratch.push(dir);
    assert.equal(result.stdout, '[a b][*][$(echo hi)][]');
  });
});
