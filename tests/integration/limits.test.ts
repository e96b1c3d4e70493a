/**
 * Each workspace's limits hold, enforced by the kernel: memory, processes, CPU, disk and open files; a learner is
 * told in their terminal when one stopped a program; and whatever a workspace held on the host goes with it.
 *
 * These run against the real cgroups of the machine they run on. The machine they were written on has cgroup v1
 * only, so they exercised v1; v2's code paths are covered only by tests/unit/cgroup.test.ts, against a directory
 * laid out like its sysfs. Small limits keep them quick.
 */
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { cgroupDirsOf, processesOf } from '../support/host-processes.ts';
import { copyProject } from '../support/project-copy.ts';
import { eventually } from '../support/waiters.ts';
import {
  labSocket,
  makeExamples,
  newLearnerCookie,
  probesAtPrompt,
  startTestLab,
  type TerminalProbe,
  type TestLab,
} from '../support/lab-harness.ts';

const LAB = '01-limits';
const MEMORY_MIB = 96;
const PROCESSES = 64;
const DISK_MIB = 32;
const OPEN_FILES = 200;
const TERMINALS = ['t1', 't2', 't3', 't4'] as const;

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** Free bytes of the filesystem holding `dir`. */
async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

const isRoot = process.getuid?.() === 0;

describe('workspace limits', { skip: !isRoot && 'limits need root (cgroups and tmpfs mounts)' }, () => {
  let lab: TestLab;
  let removeExamples: () => Promise<void>;
  const sockets: LabSocket[] = [];

  /** A new learner's workspace, with `ids` at their prompt. */
  const workspace = async <const T extends readonly (typeof TERMINALS)[number][]>(ids: T) => {
    const socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    sockets.push(socket);
    const probes = await probesAtPrompt(socket, ids);
    const uid = Number(/^(\d+)\s*$/m.exec((await (probes[0] as TerminalProbe).exec('id -u')).output)?.[1]);
    return { socket, probes, uid };
  };

  /** Closes a workspace's connection and waits until the lab has reaped it (--idle-timeout 1). */
  const finish = async (socket: LabSocket, uid: number) => {
    socket.close();
    await eventually(async () => (await processesOf(uid)).length === 0, `workspace ${uid} to be reaped`, 20_000);
  };

  before(async () => {
    const terminals = TERMINALS.map((id) => ({ id, title: { 'zh-CN': id, en: id } }));
    const examples = await makeExamples({ [LAB]: { manifest: { terminals }, files: { 'hello.txt': 'hello\n' } } });
    removeExamples = examples.remove;
    lab = await startTestLab([
      '--examples-dir',
      examples.dir,
      '--idle-timeout',
      '1',
      '--sandbox-uid-base',
      '230000',
      '--memory-limit',
      String(MEMORY_MIB),
      '--process-limit',
      String(PROCESSES),
      '--disk-limit',
      String(DISK_MIB),
      '--open-files',
      String(OPEN_FILES),
    ]);
  });

  after(async () => {
    for (const socket of sockets) socket.close();
    await lab?.close();
    await removeExamples?.();
  });

  test('the lab says which limits it enforces, with cgroups, at start', () => {
    const line = lab.log.find((l) => l.message.startsWith('workspace limits'));
    assert.ok(line, 'a limits line in the log');
    assert.equal(line.level, 'info', line.message);
    assert.match(line.message, /memory 96 MiB/);
    assert.match(String(line.fields['cgroups']), /^cgroup v[12] /);
  });

  test('a memory hog is stopped at the memory limit and told why; a neighbour keeps answering', async (t) => {
    const hog = await workspace(['t1'] as const);
    const neighbour = await workspace(['t1'] as const);
    const [terminal] = hog.probes;
    const started = Date.now();
    // 400 MiB, 4 MiB at a time.
    terminal.type(`python3 -c 'b = [b"x" * 2**22 for _ in range(100)]'\r`);
    await terminal.waitForStatus('running');
    const answer = await neighbour.probes[0].exec('echo neighbour $((6 * 7))');
    assert.match(answer.output, /neighbour 42/);
    await terminal.waitForText(`its ${MEMORY_MIB} MiB memory limit`, 30_000);
    t.diagnostic(`memory hog stopped and reported after ${Date.now() - started} ms`);
    await terminal.waitForStatus('idle');
    assert.equal(terminal.exitCode, 137, 'killed by SIGKILL');
    assert.ok(lab.log.some((l) => l.message === 'workspace limit reached' && l.fields['limit'] === 'memory'));

    const again = await terminal.exec(`python3 -c 'print(6 * 7)'`);
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /^42$/m);
    await Promise.all([finish(hog.socket, hog.uid), finish(neighbour.socket, neighbour.uid)]);
  });

  test('a fork loop stops at the process limit and is told why; Restart brings the terminal back', async (t) => {
    const { socket, probes, uid } = await workspace(['t1'] as const);
    const [terminal] = probes;
    terminal.type('for i in $(seq 2000); do sleep 60 & done\r');
    await terminal.waitForText(/fork: (retry: )?Resource temporarily unavailable/, 30_000);
    await terminal.waitForText(`its ${PROCESSES}-process limit`, 15_000);
    const pids = (await cgroupDirsOf((await processesOf(uid))[0] as number)).get('pids') as string;
    const peak = await readFile(path.join(pids, 'pids.peak'), 'utf8').catch(() => 'n/a');
    const running = (await processesOf(uid)).length;
    t.diagnostic(`processes of the workspace: ${running} running (cgroup peak ${peak.trim()}), limit ${PROCESSES}`);
    assert.ok(running <= PROCESSES, `${running} processes`);
    assert.ok(running >= PROCESSES - 8, `the loop got near the limit (${running})`);
    assert.ok(lab.log.some((l) => l.message === 'workspace limit reached' && l.fields['limit'] === 'processes'));

    socket.restart('t1');
    await terminal.until(() => terminal.attachedCount >= 2 && terminal.status === 'idle', 'a fresh shell', 60_000);
    const again = await terminal.exec('echo back $((6 * 7))');
    assert.match(again.output, /back 42/);
    assert.ok((await processesOf(uid)).length < 16, 'the loop and its sleeps are gone');
    await finish(socket, uid);
  });

  test("busy loops in every terminal of one workspace leave a neighbour's CPU time nearly alone", async (t) => {
    // A fixed amount of CPU work, timed by the program itself: about a second on the machine this was written on.
    const work = `python3 -c "import time; t = time.perf_counter(); sum(i * i for i in range(30_000_000)); print('took %.3f' % (time.perf_counter() - t))"`;
    const neighbour = await workspace(['t1'] as const);
    const timed = async () => {
      const result = await neighbour.probes[0].exec(work, 120_000);
      return Number(/took (\d+\.\d+)/.exec(result.output)?.[1]);
    };
    await timed(); // warms up caches; not counted
    // A fair share is not about what else runs on the machine: alone is measured here, now, too.
    const alone = Math.min(await timed(), await timed());

    const hog = await workspace(TERMINALS);
    for (const terminal of hog.probes) {
      terminal.type(`for i in 1 2 3 4 5 6 7 8; do sh -c 'while :; do :; done' & done\r`);
    }
    for (const terminal of hog.probes) {
      await terminal.until(() => /\[8\] \d+/.test(terminal.text), 'eight busy loops', 30_000);
    }
    const loops = (await processesOf(hog.uid)).length;
    // The best of two on both sides: other programs on the machine come and go, the busy workspace stays busy.
    const busy = Math.min(await timed(), await timed());
    const ratio = busy / alone;
    t.diagnostic(`neighbour alone ${alone}s, next to ${loops} hog processes ${busy}s: ${ratio.toFixed(2)}x`);
    assert.ok(ratio < 2, `${ratio.toFixed(2)}x slower next to the busy workspace`);
    await Promise.all([finish(hog.socket, hog.uid), finish(neighbour.socket, neighbour.uid)]);
  });

  test('a 2 GiB write stops at the disk limit; the home, /tmp and /dev/shm share it; the host disk is untouched', async (t) => {
    const { socket, probes, uid } = await workspace(['t1'] as const);
    const [terminal] = probes;
    const dataDir = lab.site.lab.scratchDir;
    const before = await freeBytes(dataDir);
    const big = await terminal.exec('head -c 2G /dev/zero > big', 60_000);
    const after = await freeBytes(dataDir);
    assert.notEqual(big.code, 0);
    assert.match(big.output, /No space left on device/);
    await terminal.waitForText('disk is full');
    const size = await terminal.exec('stat -c %s big');
    t.diagnostic(
      `wrote ${/^\d+$/m.exec(size.output)?.[0]} bytes of 2 GiB; host free space ${before} -> ${after} ` +
        `(${((before - after) / 1024 / 1024).toFixed(1)} MiB less)`,
    );
    // Other programs on the machine may write meanwhile; 2 GiB reaching the host disk would show.
    assert.ok(Math.abs(before - after) < 16 * 1024 * 1024, `host free space changed by ${before - after} bytes`);
    for (const where of ['/tmp/x', '/dev/shm/x']) {
      const full = await terminal.exec(`head -c 1M /dev/zero > ${where}`);
      assert.match(full.output, /No space left on device/, where);
    }
    await terminal.exec('rm -f big /tmp/x /dev/shm/x');
    // Three fifths of the limit fit anywhere, twice they do not.
    const PART_MIB = Math.ceil((DISK_MIB * 3) / 5);
    const shared = await terminal.exec(
      `head -c ${PART_MIB}M /dev/zero > /tmp/a && head -c ${PART_MIB}M /dev/zero > /dev/shm/b`,
    );
    assert.match(shared.output, /No space left on device/, '/tmp and /dev/shm share one limit');
    await terminal.exec('rm -f /tmp/a /dev/shm/b');
    assert.equal((await terminal.exec(`head -c ${PART_MIB}M /dev/zero > /dev/shm/b`)).code, 0);

    const again = await terminal.exec(`rm /dev/shm/b && python3 -c 'print(6 * 7)'`);
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /^42$/m);
    await finish(socket, uid);
  });

  test('learner processes may open the configured number of files', async () => {
    const { socket, probes, uid } = await workspace(['t1'] as const);
    const soft = await probes[0].exec('ulimit -n; ulimit -Hn');
    assert.match(soft.output, new RegExp(`^${OPEN_FILES}\\n${OPEN_FILES}$`, 'm'));
    await finish(socket, uid);
  });

  test('--no-limits creates no cgroup and no disk; the per-process limits stay', async () => {
    const examples = await makeExamples({
      [LAB]: { manifest: { terminals: [{ id: 't1', title: { en: 'a', 'zh-CN': 'a' } }] } },
    });
    const unlimited = await startTestLab([
      '--examples-dir',
      examples.dir,
      '--no-limits',
      '--sandbox-uid-base',
      '250000',
    ]);
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

  test("a workspace's disk and cgroups go with it; the lab's own group at shutdown; a crashed lab's at start", async () => {
    // What a crashed backend leaves behind: a mounted workspace disk and a cgroup, owned by a pid that is gone.
    const deadOwner = '999999-1';
    const crashedData = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-crashed-'));
    const crashedDisk = path.join(crashedData, 'ws');
    await mkdir(crashedDisk);
    execFileSync('/usr/bin/mount', ['-t', 'tmpfs', '-o', 'size=1m', `socket-lab-disk-${deadOwner}`, crashedDisk]);
    const own = new Set((await cgroupDirsOf('self')).values());
    const crashedGroups = [...own].map((dir) => path.join(dir, `socket-lab-${deadOwner}-abcdef`));
    for (const dir of crashedGroups) await mkdir(path.join(dir, 'ws'), { recursive: true });

    const examples = await makeExamples({
      [LAB]: { manifest: { terminals: [{ id: 't1', title: { en: 'a', 'zh-CN': 'a' } }] } },
    });
    const second = await startTestLab([
      '--examples-dir',
      examples.dir,
      '--idle-timeout',
      '1',
      '--sandbox-uid-base',
      '240000',
    ]);
    try {
      assert.ok(!(await readFile('/proc/self/mountinfo', 'utf8')).includes(crashedDisk), 'the stale disk is unmounted');
      assert.equal(await exists(crashedData), false, "the crashed lab's data directory is gone");
      for (const dir of crashedGroups) assert.equal(await exists(dir), false, `${dir} is removed`);

      const socket = labSocket(second, LAB, await newLearnerCookie(second));
      const [terminal] = await probesAtPrompt(socket, ['t1'] as const);
      const uid = Number(/^(\d+)\s*$/m.exec((await terminal.exec('id -u')).output)?.[1]);
      const groups = [...new Set((await cgroupDirsOf((await processesOf(uid))[0] as number)).values())];
      assert.ok(groups.length > 0);
      for (const dir of groups) assert.match(path.basename(path.dirname(dir)), /^socket-lab-/, dir);
      const [id] = await readdir(second.site.lab.workspacesDir);
      const root = path.join(second.site.lab.workspacesDir, id as string);
      assert.match(await readFile('/proc/self/mountinfo', 'utf8'), new RegExp(` ${root} .* - tmpfs `));

      await finish(socket, uid);
      await eventually(async () => !(await exists(root)), 'the workspace directory to go');
      assert.ok(!(await readFile('/proc/self/mountinfo', 'utf8')).includes(root), 'its disk is unmounted');
      for (const dir of groups) assert.equal(await exists(dir), false, `${dir} is removed`);
      await second.close();
      for (const dir of groups) assert.equal(await exists(path.dirname(dir)), false, 'the lab group is removed');
    } finally {
      await second.close();
      await examples.remove();
      await rmdir(crashedDisk).catch(() => undefined);
    }
  });
});
