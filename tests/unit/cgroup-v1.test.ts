/**
 * Workspace cgroups on cgroup v1 (a hierarchy per controller), against a temporary directory laid out like its
 * sysfs. The machine these were written on has cgroup v1, which tests/integration/limits.test.ts exercises for real.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createRecordingLogger } from '../../server/src/log.ts';
import { BACKEND_CPU_SUFFIX } from '../../server/src/sandbox/backend-cpu.ts';
import { inheritCpuset } from '../../server/src/sandbox/cgroup-delegation.ts';
import { limitFiles, readCounters, shouldWrite } from '../../server/src/sandbox/cgroup-files.ts';
import { locateCgroups, type HostCgroups } from '../../server/src/sandbox/cgroup-paths.ts';
import { CgroupHost } from '../../server/src/sandbox/cgroup.ts';
import { ownerTag } from '../../server/src/sandbox/instance-owner.ts';
import { parseMountinfo } from '../../server/src/sandbox/mountinfo.ts';
import { exists, layout, LIMITS, MIB, read, started, tempDir } from '../support/cgroup-sysfs.ts';

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

  test("the instance group weighs two default groups; the backend's group beside it a nice -20 process", async () => {
    const { root, found } = await v1Host();
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const first = await host.createWorkspace('ws-1', LIMITS);
    const instance = path.dirname(path.dirname(first.procsFiles.find((f) => f.includes('/cpu/')) as string));
    const backend = `${instance}${BACKEND_CPU_SUFFIX}`;
    assert.equal(path.dirname(backend), path.join(root, 'cpu'), "beside the instance, in the backend's own group");
    assert.equal(await read(path.join(instance, 'cpu.shares')), '2048');
    assert.equal(await read(path.join(backend, 'cpu.shares')), '88761');
    assert.equal(await read(path.join(backend, 'cgroup.procs')), String(process.pid));
    for (const name of ['ws-2', 'ws-3']) await host.createWorkspace(name, LIMITS);
    assert.equal(await read(path.join(instance, 'cpu.shares')), '2048', 'not more with more workspaces');
    assert.equal(await read(path.join(backend, 'cpu.shares')), '88761', 'nor the backend');
    assert.equal(await exists(path.join(path.dirname(instance), 'cpu.shares')), false, "the host's group is not ours");
  });

  test('reads oom_kill from memory.oom_control and max from pids.events', async () => {
    const { found } = await v1Host();
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    assert.deepEqual(workspace.counters(), { oomKills: 0, forkRefusals: 0 });
    const dirOf = (hierarchy: string) =>
      path.dirname(workspace.procsFiles.find((f) => f.includes(`/${hierarchy}/`)) as string);
    await writeFile(path.join(dirOf('memory'), 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    await writeFile(path.join(dirOf('pids'), 'pids.events'), 'max 17\n');
    assert.deepEqual(workspace.counters(), { oomKills: 3, forkRefusals: 17 });
  });

  test('the cpuset hierarchy is used only when wanted (CPUs kept for the backend)', async () => {
    const { root, found } = await v1Host();
    await layout(root, { 'cpuset/cgroup.procs': '' });
    const withCpuset: HostCgroups = {
      ...found,
      v1: [
        ...found.v1,
        { mountPoint: path.join(root, 'cpuset'), dir: path.join(root, 'cpuset'), controllers: ['cpuset'] },
      ],
    };
    const without = started(
      await CgroupHost.start(withCpuset, true, '1-2', createRecordingLogger(), ['memory', 'pids', 'cpu']),
    );
    assert.deepEqual([...without.controllers].sort(), ['cpu', 'memory', 'pids']);
    assert.deepEqual(without.missing, {});
    assert.equal(without.labCpus, null);
    const kept = started(await CgroupHost.start(withCpuset, true, '1-2', createRecordingLogger()));
    assert.deepEqual([...kept.controllers].sort(), ['cpu', 'cpuset', 'memory', 'pids']);
    const workspace = await kept.createWorkspace('ws-1', { ...LIMITS, workspaceCpus: [1, 2, 3] });
    const cpuset = path.dirname(workspace.procsFiles.find((f) => f.includes('/cpuset/')) as string);
    // Which CPUs the lab has is the kernel's to say (cpuset.effective_cpus): limits-setup.test.ts reads it for real.
    assert.equal(await read(path.join(cpuset, 'cpuset.cpus')), '1-3');
  });

  test('a missing hierarchy is reported and the others still limit', async () => {
    const { found } = await v1Host({ pids: false });
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    assert.deepEqual([...host.controllers].sort(), ['cpu', 'memory']);
    assert.deepEqual(host.missing, { pids: 'not mounted', cpuset: 'not mounted' });
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    assert.equal(workspace.has('pids'), false);
    assert.deepEqual(workspace.counters(), { oomKills: 0, forkRefusals: 0 });
  });

  test("removes a crashed backend's instance groups, and leaves a live one's", async () => {
    const { root, found } = await v1Host();
    const dead = path.join(root, 'pids', 'socket-lab-999999-1-abcdef');
    const live = path.join(root, 'pids', `socket-lab-${await ownerTag()}-abcdef`);
    const deadBackend = path.join(root, 'cpu', `socket-lab-999999-1-abcdef${BACKEND_CPU_SUFFIX}`);
    const liveBackend = path.join(root, 'cpu', `socket-lab-${await ownerTag()}-abcdef${BACKEND_CPU_SUFFIX}`);
    await mkdir(path.join(dead, 'ws-1'), { recursive: true });
    await mkdir(path.join(live, 'ws-1'), { recursive: true });
    await mkdir(deadBackend);
    await mkdir(liveBackend);
    const log = createRecordingLogger();
    started(await CgroupHost.start(found, true, '1-2', log));
    assert.equal(await exists(dead), false);
    assert.equal(await exists(deadBackend), false, "and the crashed backend's own CPU group");
    assert.equal(await exists(path.join(live, 'ws-1')), true);
    assert.equal(await exists(liveBackend), true);
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
    assert.deepEqual(
      readCounters(2, () => null),
      { oomKills: 0, forkRefusals: 0 },
    );
  });
});
