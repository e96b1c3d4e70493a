/**
 * Each workspace's limits hold, enforced by the kernel: memory, processes, CPU, disk and open files; a learner is
 * told in their terminal when one stopped a program. How the lab sets the limits up, goes without them, and takes
 * down what a workspace held on the host is in limits-setup.test.ts.
 *
 * These run against the real cgroups of the machine they run on. The machine they were written on has cgroup v1
 * only, so they exercised v1; v2's code paths are covered only by tests/unit/cgroup.test.ts, against a directory
 * laid out like its sysfs. Small limits keep them quick.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { BACKEND_CPU_SUFFIX } from '../../server/src/sandbox/backend-cpu.ts';
import { backendWeight } from '../../server/src/sandbox/cgroup-files.ts';
import { cgroupDirsOf, closeAndReap, processesOf, uidOf } from '../support/host-processes.ts';
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
    return { socket, probes, uid: await uidOf(probes[0] as TerminalProbe) };
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
    await Promise.all([closeAndReap(hog.socket, hog.uid), closeAndReap(neighbour.socket, neighbour.uid)]);
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
    await closeAndReap(socket, uid);
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
    const hogPids = await processesOf(hog.uid);
    const loops = hogPids.length;
    // Its group is idle to the scheduler: the backend and the kernel's threads that echo keystrokes go first.
    const cpuGroup = (await cgroupDirsOf(hogPids[0] as number)).get('cpu') as string;
    const idle = await readFile(path.join(cpuGroup, 'cpu.idle'), 'utf8').catch(() => 'absent');
    assert.ok(idle.trim() === '1' || idle === 'absent', `cpu.idle is ${idle}`);
    // And the backend (this process) has a group of its own beside the lab's, at a nice -20 process's weight.
    const backendGroup = (await cgroupDirsOf(process.pid)).get('cpu') as string;
    assert.equal(backendGroup, `${path.dirname(cpuGroup)}${BACKEND_CPU_SUFFIX}`);
    const weight = backendWeight(existsSync(path.join(backendGroup, 'cpu.shares')) ? 1 : 2);
    assert.equal((await readFile(path.join(backendGroup, weight.file), 'utf8')).trim(), weight.value);
    // The best of two on both sides: other programs on the machine come and go, the busy workspace stays busy.
    const busy = Math.min(await timed(), await timed());
    const ratio = busy / alone;
    t.diagnostic(`neighbour alone ${alone}s, next to ${loops} hog processes ${busy}s: ${ratio.toFixed(2)}x`);
    assert.ok(ratio < 2, `${ratio.toFixed(2)}x slower next to the busy workspace`);
    await Promise.all([closeAndReap(hog.socket, hog.uid), closeAndReap(neighbour.socket, neighbour.uid)]);
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
    await closeAndReap(socket, uid);
  });

  test('learner processes may open the configured number of files', async () => {
    const { socket, probes, uid } = await workspace(['t1'] as const);
    const soft = await probes[0].exec('ulimit -n; ulimit -Hn');
    assert.match(soft.output, new RegExp(`^${OPEN_FILES}\\n${OPEN_FILES}$`, 'm'));
    await closeAndReap(socket, uid);
  });
});
