/**
 * What the lab does about workspace limits around the workspaces themselves: with --no-limits it makes no cgroup and
 * no disk; without every limit it will not serve beyond loopback unless told to; and it takes down what a workspace
 * held on the host (its disk, its cgroups) when the workspace ends, its own group at shutdown, and what a crashed lab
 * left at the next start. That the limits hold inside a workspace is limits.test.ts's. These need root and use the
 * machine's real cgroups and mounts.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { inheritCpuset } from '../../server/src/sandbox/cgroup-delegation.ts';
import { formatCpuList, parseCpuList } from '../../server/src/sandbox/cpu-list.ts';
import { cgroupDirsOf, closeAndReap, processesOf, uidOf } from '../support/host-processes.ts';
import { labSocket, makeExamples, newLearnerCookie, probesAtPrompt, startTestLab } from '../support/lab-harness.ts';
import { copyProject } from '../support/project-copy.ts';
import { eventually } from '../support/waiters.ts';

const LAB = '01-limits';

/** A lab of its own with one terminal, started with `options`: all a test of what it sets up and takes down needs. */
async function oneTerminalLab(options: string[]) {
  const examples = await makeExamples({
    [LAB]: { manifest: { terminals: [{ id: 't1', title: { en: 'a', 'zh-CN': 'a' } }] } },
  });
  return { lab: await startTestLab(['--examples-dir', examples.dir, ...options]), examples };
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

const isRoot = process.getuid?.() === 0;

describe('limits set up and taken down', { skip: !isRoot && 'limits need root (cgroups and tmpfs mounts)' }, () => {
  test('--no-limits creates no cgroup and no disk; the per-process limits stay', async () => {
    const { lab: unlimited, examples } = await oneTerminalLab(['--no-limits', '--sandbox-uid-base', '250000']);
    try {
      assert.ok(unlimited.log.some((l) => l.level === 'warn' && l.message.startsWith('--no-limits')));
      const socket = labSocket(unlimited, LAB, await newLearnerCookie(unlimited));
      const [terminal] = await probesAtPrompt(socket, ['t1'] as const);
      const output = (await terminal.exec('id -u; ulimit -n')).output;
      const uid = Number(/^(\d+)\s*$/m.exec(output)?.[1]);
      assert.match(output, /^1024$/m);
      const [pid] = await processesOf(uid);
      assert.deepEqual(await cgroupDirsOf(pid as number), await cgroupDirsOf('self'), "the backend's own cgroups");
      assert.doesNotMatch(await readFile('/proc/self/mountinfo', 'utf8'), new RegExp(unlimited.site.lab.scratchDir));
      socket.close();
    } finally {
      await unlimited.close();
      await examples.remove();
    }
  });

  test('without every limit, serving beyond loopback is refused unless --no-limits', async (t) => {
    // As nobody, the backend can make neither cgroups nor disks here. Nobody cannot enter the repository either when
    // it lives in a private folder, so it runs a copy in a public one, with a data directory of its own.
    const publicDir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-nobody-'));
    try {
      await chmod(publicDir, 0o755);
      const project = await copyProject(path.join(publicDir, 'project'));
      const dataDir = path.join(publicDir, 'data');
      await mkdir(dataDir);
      await chown(dataDir, 65534, 65534);
      const cli = path.join(project.root, 'server', 'src', 'cli.ts');
      const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups', project.node, cli, 'start'];
      const options = ['--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir];
      const refused = spawnSync('/usr/bin/setpriv', [...asNobody, ...options], { encoding: 'utf8', timeout: 60_000 });
      if (/sandboxes cannot be created/.test(refused.stderr)) {
        t.skip('nobody cannot make sandboxes on this machine, so the lab stops before its limits');
        return;
      }
      assert.equal(refused.status, 1, refused.stderr);
      assert.match(refused.stderr, /WARN {2}workspace limits NOT enforced: memory/);
      assert.match(refused.stderr, /^not serving on 0\.0\.0\.0: .*$/m);
      assert.match(refused.stderr, /^Fix: .*--no-limits/m);

      const accepted = spawn('/usr/bin/setpriv', [...asNobody, ...options, '--no-limits']);
      let stderr = '';
      const serving = new Promise<void>((resolve, reject) => {
        accepted.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          if (/Socket Lab is serving/.test(stderr)) resolve();
        });
        accepted.once('exit', () => reject(new Error(`exited: ${stderr}`)));
      });
      const exited = new Promise((resolve) => accepted.once('exit', resolve));
      try {
        await serving;
      } finally {
        accepted.kill('SIGTERM');
        await exited;
      }
    } finally {
      await rm(publicDir, { recursive: true, force: true });
    }
  });

  test("--backend-cpus 1: a workspace's programs never run on the lab's first CPU, and cannot move onto it", async (t) => {
    const own = /^Cpus_allowed_list:\s*(\S+)$/m;
    const labCpus = parseCpuList(own.exec(await readFile('/proc/self/status', 'utf8'))?.[1] ?? '');
    if (labCpus.length < 2) return t.skip('one CPU: none can be kept');
    const { lab, examples } = await oneTerminalLab([
      '--backend-cpus',
      '1',
      '--idle-timeout',
      '1',
      '--sandbox-uid-base',
      '245000',
    ]);
    try {
      const kept = lab.log.find((l) => l.message.startsWith('workspace limits'))?.message ?? '';
      assert.match(kept, new RegExp(`CPU ${labCpus[0]} kept for the backend`), kept);
      const socket = labSocket(lab, LAB, await newLearnerCookie(lab));
      const [terminal] = await probesAtPrompt(socket, ['t1'] as const);
      const workspaceCpus = formatCpuList(labCpus.slice(1));
      const seen = await terminal.exec('grep Cpus_allowed_list /proc/self/status');
      assert.equal(own.exec(seen.output)?.[1], workspaceCpus, seen.output);
      const uid = await uidOf(terminal);
      for (const pid of await processesOf(uid)) {
        const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
        if (status) assert.equal(own.exec(status)?.[1], workspaceCpus, `pid ${pid}`);
      }
      // The kernel's cpuset, not a habit: a program asking for the backend's CPU is refused.
      const move = await terminal.exec(`python3 -c "import os; os.sched_setaffinity(0, {${labCpus[0]}})"`);
      assert.notEqual(move.code, 0);
      assert.match(move.output, /Invalid argument/);
      await closeAndReap(socket, uid);
    } finally {
      await lab.close();
      await examples.remove();
    }
  });

  test("a workspace's disk and cgroups go with it; the lab's own group at shutdown; a crashed lab's at start", async () => {
    // What a crashed backend leaves behind: a mounted workspace disk and a cgroup, owned by a pid that is gone.
    const deadOwner = '999999-1';
    const crashedData = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-crashed-'));
    const crashedDisk = path.join(crashedData, 'ws');
    await mkdir(crashedDisk);
    execFileSync('/usr/bin/mount', ['-t', 'tmpfs', '-o', 'size=1m', `socket-lab-disk-${deadOwner}`, crashedDisk]);
    const own = new Set((await cgroupDirsOf('self')).values());
    const crashedGroups = [...own].map((dir) => path.join(dir, `socket-lab-${deadOwner}-abcdef`));
    for (const dir of crashedGroups) {
      await mkdir(path.join(dir, 'ws'), { recursive: true });
      // A cpuset group takes no process until it has CPUs; the lab copies its parent's in, and so does a crashed one.
      for (const group of [dir, path.join(dir, 'ws')]) await inheritCpuset(group);
    }
    // And a program still running in it, as a sandbox killed while it started leaves one waiting forever.
    const orphan = spawn('/usr/bin/sleep', ['600'], { stdio: 'ignore' });
    const orphanEnded = once(orphan, 'exit');
    for (const dir of crashedGroups) await writeFile(path.join(dir, 'ws', 'cgroup.procs'), String(orphan.pid));

    const { lab: second, examples } = await oneTerminalLab(['--idle-timeout', '1', '--sandbox-uid-base', '240000']);
    try {
      assert.ok(!(await readFile('/proc/self/mountinfo', 'utf8')).includes(crashedDisk), 'the stale disk is unmounted');
      assert.equal(await exists(crashedData), false, "the crashed lab's data directory is gone");
      for (const dir of crashedGroups) assert.equal(await exists(dir), false, `${dir} is removed`);
      assert.deepEqual(await orphanEnded, [null, 'SIGKILL'], 'what ran in it is killed');

      const socket = labSocket(second, LAB, await newLearnerCookie(second));
      const [terminal] = await probesAtPrompt(socket, ['t1'] as const);
      const uid = await uidOf(terminal);
      // Its own group in each hierarchy the lab limits it by (v1: cpuset only with --backend-cpus); others are the backend's.
      const groups = [...new Set((await cgroupDirsOf((await processesOf(uid))[0] as number)).values())].filter(
        (dir) => !own.has(dir),
      );
      assert.ok(groups.length > 0, 'the workspace has groups of its own');
      for (const dir of groups) assert.match(path.basename(path.dirname(dir)), /^socket-lab-/, dir);
      const [id] = await readdir(second.site.lab.workspacesDir);
      const root = path.join(second.site.lab.workspacesDir, id as string);
      assert.match(await readFile('/proc/self/mountinfo', 'utf8'), new RegExp(` ${root} .* - tmpfs `));

      await closeAndReap(socket, uid);
      await eventually(async () => !(await exists(root)), 'the workspace directory to go');
      assert.ok(!(await readFile('/proc/self/mountinfo', 'utf8')).includes(root), 'its disk is unmounted');
      for (const dir of groups) assert.equal(await exists(dir), false, `${dir} is removed`);
      await second.close();
      for (const dir of groups) assert.equal(await exists(path.dirname(dir)), false, 'the lab group is removed');
    } finally {
      orphan.kill('SIGKILL');
      await second.close();
      await examples.remove();
      await rmdir(crashedDisk).catch(() => undefined);
    }
  });
});
