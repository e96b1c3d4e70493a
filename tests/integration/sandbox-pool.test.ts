/**
 * Sandboxes started ahead of learners (--sandbox-pool): a learner given one cannot tell it from one started for
 * them (their own uid, network, processes, their files restored, the workspace limits) except that their first
 * terminal's shell was waiting for them, the pool refills behind them, and shutting the lab down leaves nothing of
 * the pool: no process, no cgroup, no directory.
 */
import assert from 'node:assert/strict';
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { FIXTURE_LAB, startFixtureLab } from '../support/fixture-lab.ts';
import { cgroupDirsOf, processesOf } from '../support/host-processes.ts';
import {
  labSocket,
  makeExamples,
  newLearnerCookie,
  probesAtPrompt,
  startTestLab,
  type TestLab,
} from '../support/lab-harness.ts';
import { eventually } from '../support/waiters.ts';

const UID_BASE = 223_000;
const POOL = 2;
const MEMORY_MIB = 128;
const gone = (file: string) =>
  access(file).then(
    () => false,
    () => true,
  );

/** The bash processes running as `uid`, by their pid inside their sandbox's PID namespace. */
async function shellsOf(uid: number): Promise<number[]> {
  const shells: number[] = [];
  for (const pid of await processesOf(uid)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    if (!/^Name:\s+bash$/m.test(status)) continue;
    shells.push(Number(/^NSpid:.*\s(\d+)$/m.exec(status)?.[1]));
  }
  return shells;
}

describe('the sandbox pool', { skip: process.getuid?.() !== 0 && 'needs root: a workspace per uid' }, () => {
  let lab: TestLab | null = null;
  const sockets: LabSocket[] = [];
  after(async () => {
    for (const socket of sockets) socket.close();
    await lab?.close();
  });

  const open = async (cookie: string) => {
    const socket = labSocket(lab as TestLab, FIXTURE_LAB, cookie);
    sockets.push(socket);
    const [t1] = await probesAtPrompt(socket, ['t1']);
    const uid = Number(/^(\d+)\s*$/m.exec((await t1.exec('id -u')).output)?.[1]);
    return { socket, t1, uid };
  };

  test('a learner gets a sandbox started ahead, as private and limited as any, with their files', async () => {
    lab = await startFixtureLab([
      ...['--sandbox-pool', String(POOL), '--sandbox-uid-base', String(UID_BASE)],
      ...['--idle-timeout', '1', '--memory-limit', String(MEMORY_MIB)],
    ]);
    const { pool, workspacesDir } = lab.site.lab;
    await eventually(() => pool?.ready === POOL, `${POOL} sandboxes ready`);
    const cookie = await newLearnerCookie(lab);
    // Each waiting sandbox has a shell started already for each of the lab's three terminals.
    // (A sandbox counts as ready once its shells have printed their prompts.)
    const poolUids = Array.from({ length: POOL }, (_, i) => UID_BASE + 1 + i);
    const waiting = new Map(await Promise.all(poolUids.map(async (uid) => [uid, await shellsOf(uid)] as const)));
    for (const [uid, shells] of waiting) assert.equal(shells.length, 3, `three shells wait in uid ${uid}'s sandbox`);

    const first = await open(cookie);
    assert.ok(first.uid > UID_BASE && first.uid <= UID_BASE + POOL, `uid ${first.uid} is one of the pool's`);
    // The learner's terminal is one of those shells (its pid in the sandbox's namespace), not one started on arrival.
    const inner = Number(/^(\d+)\s*$/m.exec((await first.t1.exec('echo $$')).output)?.[1]);
    assert.ok(waiting.get(first.uid)?.includes(inner), `${inner} is one of ${waiting.get(first.uid)?.join(', ')}`);
    await eventually(() => pool?.ready === POOL, 'the pool refilled');
    assert.match((await first.t1.exec('ls')).output, /echo_server\.py/);
    await first.t1.exec('echo kept > mine.txt');
    // Its own PID namespace (bwrap's init is 1) and network (loopback only).
    assert.match((await first.t1.exec('cat /proc/1/comm')).output, /bwrap/);
    assert.deepEqual(
      (await first.t1.exec('tail -n +3 /proc/net/dev')).output.match(/^\s*(\w+):/gm)?.map((m) => m.trim()),
      ['lo:'],
    );
    // A neighbour from the pool too, with a loopback of their own: both servers listen on 127.0.0.1:2333.
    const neighbour = await open(await newLearnerCookie(lab));
    assert.notEqual(neighbour.uid, first.uid);
    for (const { socket, t1 } of [first, neighbour]) {
      // Run is refused while the last command still counts as running (its prompt not back yet).
      await t1.waitForStatus('idle');
      socket.run('t1', 0);
    }
    await first.t1.waitForText('server listening');
    await neighbour.t1.waitForText('server listening');
    // The workspace's limits, on its cgroup.
    const [pid] = await processesOf(first.uid);
    const memory = (await cgroupDirsOf(pid as number)).get('memory') as string;
    const limitFile = (await readdir(memory)).includes('memory.max') ? 'memory.max' : 'memory.limit_in_bytes';
    assert.equal((await readFile(path.join(memory, limitFile), 'utf8')).trim(), String(MEMORY_MIB * 1024 * 1024));

    // The next workspace of this learner and lesson, from the pool again: their file is back.
    first.socket.close();
    await eventually(async () => (await processesOf(first.uid)).length === 0, 'the first workspace to be reaped');
    const second = await open(cookie);
    assert.notEqual(second.uid, first.uid);
    assert.match((await second.t1.exec('cat mine.txt')).output, /^kept\s*$/m);
    const dirs = await readdir(workspacesDir);
    assert.ok(
      dirs.every((dir) => dir.startsWith('pool-')),
      `only sandboxes started ahead: ${dirs.join(', ')}`,
    );
  });

  test('closing the lab releases every sandbox of the pool', async () => {
    const running = lab as TestLab;
    await eventually(() => running.site.lab.pool?.ready === POOL, `${POOL} sandboxes ready`);
    const uids = Array.from({ length: POOL + 4 }, (_, i) => UID_BASE + 1 + i);
    const pids = (await Promise.all(uids.map((uid) => processesOf(uid)))).flat();
    const groups = await Promise.all(pids.map(async (pid) => (await cgroupDirsOf(pid)).get('pids') as string));
    assert.ok(groups.length > 0);
    await running.close();
    lab = null;
    // A holder's init may linger a moment as a zombie, until the host's init reaps it.
    for (const uid of uids) {
      await eventually(async () => (await processesOf(uid)).length === 0, `no process of uid ${uid}`);
    }
    for (const group of new Set(groups)) assert.ok(await gone(group), `${group} is left`);
    assert.ok(await gone(running.site.lab.workspacesDir), 'the workspaces directory is left');
  });

  test('a lab with fewer terminals than shells started ahead ends the others', async () => {
    const terminal = (id: string) => ({ id, title: { 'zh-CN': id, en: id }, commands: [] });
    const examples = await makeExamples({
      '01-three': { manifest: { terminals: ['t1', 't2', 't3'].map(terminal) } },
      '02-one': { manifest: { terminals: [terminal('t1')] } },
    });
    const uid = UID_BASE + 100;
    const small = await startTestLab([
      ...['--examples-dir', examples.dir, '--sandbox-pool', '1', '--sandbox-uid-base', String(uid - 1)],
    ]);
    try {
      await eventually(() => small.site.lab.pool?.ready === 1, 'a sandbox ready');
      assert.equal((await shellsOf(uid)).length, 3, 'three shells started ahead');
      const socket = labSocket(small, '02-one', await newLearnerCookie(small));
      sockets.push(socket);
      const [t1] = await probesAtPrompt(socket, ['t1']);
      const inner = Number(/^(\d+)\s*$/m.exec((await t1.exec('echo $$')).output)?.[1]);
      await eventually(async () => (await shellsOf(uid)).length === 1, 'the two other shells to end');
      assert.deepEqual(await shellsOf(uid), [inner]);
    } finally {
      await small.close();
      await examples.remove();
    }
  });
});
