/**
 * Workspace cgroups on cgroup v2 (one unified hierarchy, as current Debian and Ubuntu servers run), against a
 * temporary directory laid out like its sysfs. The machine these were written on has cgroup v1: v2 is covered only
 * here.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createRecordingLogger } from '../../server/src/log.ts';
import { BACKEND_CPU_SUFFIX, BackendCpuGroup } from '../../server/src/sandbox/backend-cpu.ts';
import { BACKEND_LEAF, ROOT_GROUP } from '../../server/src/sandbox/cgroup-delegation.ts';
import { locateCgroups, type HostCgroups } from '../../server/src/sandbox/cgroup-paths.ts';
import { CgroupHost } from '../../server/src/sandbox/cgroup.ts';
import { parseMountinfo } from '../../server/src/sandbox/mountinfo.ts';
import { exists, layout, LIMITS, MIB, read, started, tempDir } from '../support/cgroup-sysfs.ts';

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
    assert.deepEqual([...host.controllers], ['memory', 'pids', 'cpu', 'cpuset']);
    assert.equal(await read(path.join(top, 'cgroup.subtree_control')), '+memory +pids +cpu +cpuset');
    assert.equal(await read(path.join(top, ROOT_GROUP, 'cgroup.subtree_control')), '+memory +pids +cpu +cpuset');
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    const [procs] = workspace.procsFiles;
    assert.equal(workspace.procsFiles.length, 1, 'one hierarchy, one file');
    assert.match(path.relative(top, procs as string), /^socket-lab\/socket-lab-1-2-[0-9a-f]{6}\/ws-1\/cgroup\.procs$/);
    const instance = path.dirname(path.dirname(procs as string));
    assert.equal(await read(path.join(instance, 'cgroup.subtree_control')), '+memory +pids +cpu +cpuset');
    await host.createWorkspace('ws-2', LIMITS);
    assert.equal(await read(path.join(instance, 'cpu.weight')), '200', 'as much as two top-level groups');
    assert.equal(await read(path.join(top, ROOT_GROUP, 'cpu.weight')), '200');
    // The backend in a group of its own beside the instance, at a nice -20 process's weight.
    assert.equal(await read(`${instance}${BACKEND_CPU_SUFFIX}/cpu.weight`), '8668');
    assert.equal(await read(`${instance}${BACKEND_CPU_SUFFIX}/cgroup.procs`), String(process.pid));
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
    assert.equal(await exists(path.join(dir, 'cpuset.cpus')), false, "no CPUs kept: the lab's own, inherited");
  });

  test("cpuset.cpus keeps a workspace's programs off the backend's CPUs", async () => {
    const { found } = await v2Host(service, serviceFiles);
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const workspace = await host.createWorkspace('ws-1', { ...LIMITS, workspaceCpus: [1, 2, 3, 7] });
    assert.equal(await read(path.join(path.dirname(workspace.procsFiles[0] as string), 'cpuset.cpus')), '1-3,7');
  });

  test('reads oom_kill (not max) from memory.events and max from pids.events', async () => {
    const { found } = await v2Host(service, serviceFiles);
    const host = started(await CgroupHost.start(found, true, '1-2', createRecordingLogger()));
    const workspace = await host.createWorkspace('ws-1', LIMITS);
    const dir = path.dirname(workspace.procsFiles[0] as string);
    await writeFile(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n');
    await writeFile(path.join(dir, 'pids.events'), 'max 7\n');
    assert.deepEqual(workspace.counters(), { oomKills: 2, forkRefusals: 7 });
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
    assert.deepEqual(host.missing, { cpu: 'not delegated', cpuset: 'not delegated' });
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

  test('at the end the backend goes back beside the processes of its delegated group, which now refuses it', async () => {
    const { top } = await v2Host(service, { ...serviceFiles, [`${BACKEND_LEAF}/cgroup.procs`]: '4242\n' });
    const own = path.join(top, service);
    const backend = await BackendCpuGroup.join(
      2,
      path.join(own, 'socket-lab-1-2-abcdef'),
      own,
      createRecordingLogger(),
    );
    assert.equal(
      await read(path.join(own, `socket-lab-1-2-abcdef${BACKEND_CPU_SUFFIX}`, 'cgroup.procs')),
      String(process.pid),
    );
    // A group whose children have controllers takes no process (EBUSY); a directory in the file's place refuses too.
    await rm(path.join(own, 'cgroup.procs'));
    await mkdir(path.join(own, 'cgroup.procs'));
    await backend?.leave();
    assert.equal(await read(path.join(own, BACKEND_LEAF, 'cgroup.procs')), String(process.pid));
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
